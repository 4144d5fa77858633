/**
 * Where a k6 script sends each load: the entry service's address from the staging target
 * file (`url`, or `grpc` with `tls`), written into the script; or, without a target, read
 * from the environment when the script starts, `FAULTLINE_<SERVICE>_URL` (HTTP) or
 * `FAULTLINE_<SERVICE>_GRPC` (gRPC, host:port), with a loopback default: port 8080 for the
 * first entry service, 8081 for the next…
 */
import type { Scenario } from '../../scenarios/schema.js';
import type { StagingTarget } from '../staging/staging-target-schema.js';
import type { K6Names } from './k6-names.js';
import type { K6Protocol } from './k6-protocol.js';

/** The first port of the loopback defaults. */
export const DEFAULT_FIRST_PORT = 8080;

/** Where one entry service is, as the script finds it. */
export interface EntryAddress {
  service: string;
  /** The stem of the script's constants and variables (`FRONTEND`). */
  stem: string;
  protocol: K6Protocol;
  /** From the target file: the address itself (an HTTP base URL without a trailing slash, or host:port). */
  fixed?: string;
  /** Without a target: the environment variable the script reads. */
  variable?: string;
  /** Without a target: what the script uses when the variable is not set. */
  fallback?: string;
  /** gRPC over TLS (false: plaintext). */
  tls: boolean;
}

/**
 * The address of every service a load enters, in file order.
 *
 * @param target - the staging target; every entry service must be in its `services` with the
 *   right protocol (`checkTargetAgainstScenario` says so first)
 */
export function entryAddresses(scenario: Scenario, names: K6Names, target?: StagingTarget): EntryAddress[] {
  return [...names.service].map(([service, stem], i): EntryAddress => {
    const protocol = scenario.services[service].protocol === 'grpc' ? 'grpc' : 'http';
    if (target !== undefined) {
      const address = target.services[service];
      if (address.kind === 'http') return { service, stem, protocol, fixed: address.url.replace(/\/+$/, ''), tls: false };
      return { service, stem, protocol, fixed: address.address, tls: address.tls };
    }
    const port = DEFAULT_FIRST_PORT + i;
    if (protocol === 'http') return { service, stem, protocol, variable: `FAULTLINE_${stem}_URL`, fallback: `http://127.0.0.1:${port}`, tls: false };
    return { service, stem, protocol, variable: `FAULTLINE_${stem}_GRPC`, fallback: `127.0.0.1:${port}`, tls: false };
  });
}

/** How the header describes an address: `frontend: http://… (from the target file)` or `frontend: $FAULTLINE_FRONTEND_URL, default http://127.0.0.1:8080`. */
export function describeAddress(address: EntryAddress): string {
  const kind = address.protocol === 'grpc' ? `gRPC${address.tls ? ' over TLS' : ', plaintext'}` : 'HTTP';
  if (address.fixed !== undefined) return `${address.service} (${kind}): ${address.fixed}`;
  return `${address.service} (${kind}): $${address.variable}, default ${address.fallback}`;
}
