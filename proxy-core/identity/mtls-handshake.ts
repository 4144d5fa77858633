import type { CertificateAuthority, WorkloadCertificate } from './certificate-authority.js';
import type { PeerAuthMode } from './peer-authentication.js';

// TLS 1.3: RFC 8446 §2 (full handshake 1-RTT, PSK resumption); certificate checks in the order
// of Envoy's SPIFFE validator (trust bundle by trust domain, then chain, then validity period).

/** The trust a proxy holds: trust domains it accepts and CA names whose signatures it accepts. */
export interface TrustBundle {
  /** Trust domains whose SPIFFE IDs are accepted (the SPIFFE bundle set's keys). */
  readonly trustDomains: ReadonlySet<string>;
  /** Names of the CAs whose certificates chain to a trusted root. */
  readonly issuers: ReadonlySet<string>;
}

/** The trust bundle that trusts exactly `cas`: their trust domains and their names. */
export function trustBundleOf(cas: readonly CertificateAuthority[]): TrustBundle {
  return {
    trustDomains: new Set(cas.map((ca) => ca.trustDomain)),
    issuers: new Set(cas.map((ca) => ca.name)),
  };
}

/** States of the handshake machine, in order; `failed` can follow any state before `established`. */
export const HANDSHAKE_STATES = [
  'start',
  'client-hello',
  'server-verified',
  'client-verified',
  'established',
  'failed',
] as const;

/** One of {@link HANDSHAKE_STATES}. */
export type HandshakeState = (typeof HANDSHAKE_STATES)[number];

/** Why a handshake failed. */
export const HANDSHAKE_FAILURES = [
  'expired',
  'not-yet-valid',
  'wrong-trust-domain',
  'untrusted-issuer',
  'no-client-certificate',
  'no-server-certificate',
] as const;

/** One of {@link HANDSHAKE_FAILURES}. */
export type HandshakeFailure = (typeof HANDSHAKE_FAILURES)[number];

/** The outcome of a handshake: mTLS established, plaintext accepted, or a failure. */
export type HandshakeOutcome = 'ok' | 'plaintext' | HandshakeFailure;

/** Stable code of each failure, for reports and logs. */
export const HANDSHAKE_FAILURE_CODES: Readonly<Record<HandshakeFailure, string>> = {
  expired: 'FL_TLS_CERT_EXPIRED',
  'not-yet-valid': 'FL_TLS_CERT_NOT_YET_VALID',
  'wrong-trust-domain': 'FL_TLS_WRONG_TRUST_DOMAIN',
  'untrusted-issuer': 'FL_TLS_UNTRUSTED_ISSUER',
  'no-client-certificate': 'FL_TLS_NO_CLIENT_CERT',
  'no-server-certificate': 'FL_TLS_NO_SERVER_CERT',
};

/** What a handshake costs the connection that makes it. */
export interface HandshakeCost {
  /** Round trips added before the first request can be sent. */
  roundTrips: number;
  /** CPU spent on both sides together, ms. */
  cpuMs: number;
}

/**
 * The cost model. CPU figures were measured on Node 20.20.2 / OpenSSL (Xeon, 1 core):
 * ECDSA P-256 sign 23 µs, verify 60 µs, X25519 keygen 31 µs and derive 29 µs. A full mTLS
 * handshake costs each side one sign (CertificateVerify), two verifies (peer's
 * CertificateVerify and its certificate's signature) and one key exchange: ≈ 0.2 ms a side,
 * rounded up to 0.5 ms for both with hashing and record work. A PSK resumption with
 * (EC)DHE does only the key exchanges (≈ 0.12 ms for both).
 */
export interface HandshakeCostConfig {
  /** Extra round trips of a full TLS 1.3 handshake: 1 (RFC 8446 §2). */
  readonly fullRoundTrips: number;
  /** CPU of a full mutual handshake, both sides, ms: 0.5. */
  readonly fullCpuMs: number;
  /** Extra round trips of a resumed session: 0 (PSK with 0-RTT early data, or a pooled connection). */
  readonly resumedRoundTrips: number;
  /** CPU of a resumed session, both sides, ms: 0.12 (psk_dhe_ke, no signatures). */
  readonly resumedCpuMs: number;
}

/** The default {@link HandshakeCostConfig}. */
export const DEFAULT_HANDSHAKE_COST: HandshakeCostConfig = {
  fullRoundTrips: 1,
  fullCpuMs: 0.5,
  resumedRoundTrips: 0,
  resumedCpuMs: 0.12,
};

/**
 * The result of a handshake. A {@link MtlsHandshake} reuses one instance: read it before
 * the next handshake.
 */
export interface HandshakeResult {
  /** `ok`, `plaintext`, or why it failed. */
  outcome: HandshakeOutcome;
  /** The stable code of the failure ({@link HANDSHAKE_FAILURE_CODES}); `null` when it did not fail. */
  code: string | null;
  /** The state the machine ended in: `established`, `failed`, or `start` for plaintext. */
  state: HandshakeState;
  /** The state in which the failing check ran; `null` when it did not fail. */
  failedIn: HandshakeState | null;
  /** Whose certificate failed the check; `null` when none did. */
  peer: 'client' | 'server' | null;
  /** Whether the session was resumed rather than fully negotiated. */
  resumed: boolean;
  /** What it cost. */
  readonly cost: HandshakeCost;
}

/** A fresh, blank {@link HandshakeResult}. */
export function newHandshakeResult(): HandshakeResult {
  return {
    outcome: 'plaintext',
    code: null,
    state: 'start',
    failedIn: null,
    peer: null,
    resumed: false,
    cost: { roundTrips: 0, cpuMs: 0 },
  };
}

/**
 * Checks one certificate as a TLS peer would, in the order of Envoy's SPIFFE validator:
 * its trust domain has a bundle, its issuer is trusted, and `now` is within
 * [notBefore, notAfter]. Returns the failure, or `null` when it passes.
 */
export function verifyCertificate(cert: WorkloadCertificate, trust: TrustBundle, now: number): HandshakeFailure | null {
  if (!trust.trustDomains.has(cert.subject.trustDomain)) return 'wrong-trust-domain';
  if (!trust.issuers.has(cert.issuer)) return 'untrusted-issuer';
  if (now < cert.notBefore) return 'not-yet-valid';
  if (now > cert.notAfter) return 'expired';
  return null;
}

/**
 * The mTLS handshake between a client and a server sidecar, as a state machine:
 * `start` → `client-hello` → `server-verified` → `client-verified` → `established`, or
 * `failed` at the first check that does not pass.
 *
 * - `start`: a server in DISABLE, or in PERMISSIVE facing a client without a certificate,
 *   takes plaintext (outcome `plaintext`, no cost). A STRICT server facing a client without
 *   a certificate refuses it: `no-client-certificate`.
 * - `client-hello` → `server-verified`: the server must present a certificate
 *   (`no-server-certificate`) that the client verifies ({@link verifyCertificate}).
 * - `server-verified` → `client-verified`: the server verifies the client's certificate.
 *
 * Cost: success costs the full (or resumed) handshake; a failure costs the round trip it
 * took to find out plus the CPU spent so far (half the full CPU when the client rejects
 * the server, all of it when the server rejects the client). Resumption does not skip the
 * checks: a resumed session over an expired certificate fails like a full one.
 */
export class MtlsHandshake {
  /** The cost model. */
  readonly costs: HandshakeCostConfig;
  private readonly result: HandshakeResult = newHandshakeResult();

  /** Creates a handshake machine with its own, reused result. */
  constructor(costs: HandshakeCostConfig = DEFAULT_HANDSHAKE_COST) {
    this.costs = costs;
  }

  /**
   * Runs a handshake at clock time `now` against a server in `mode`. Returns this
   * machine's result object, overwritten by the next call.
   */
  run(
    client: WorkloadCertificate | null,
    server: WorkloadCertificate | null,
    trust: TrustBundle,
    now: number,
    mode: PeerAuthMode,
    resumed = false,
  ): HandshakeResult {
    return runHandshake(this.result, this.costs, client, server, trust, now, mode, resumed);
  }
}

/**
 * One handshake with a fresh result object; see {@link MtlsHandshake} for the machine and
 * its costs.
 */
export function handshake(
  client: WorkloadCertificate | null,
  server: WorkloadCertificate | null,
  trust: TrustBundle,
  now: number,
  mode: PeerAuthMode,
  resumed = false,
  costs: HandshakeCostConfig = DEFAULT_HANDSHAKE_COST,
): HandshakeResult {
  return runHandshake(newHandshakeResult(), costs, client, server, trust, now, mode, resumed);
}

function runHandshake(
  out: HandshakeResult,
  costs: HandshakeCostConfig,
  client: WorkloadCertificate | null,
  server: WorkloadCertificate | null,
  trust: TrustBundle,
  now: number,
  mode: PeerAuthMode,
  resumed: boolean,
): HandshakeResult {
  out.resumed = false;
  let state: HandshakeState = 'start';
  for (;;) {
    switch (state) {
      case 'start':
        if (mode === 'DISABLE' || (client === null && mode === 'PERMISSIVE')) return plaintext(out);
        if (client === null) return fail(out, 'start', 'no-client-certificate', 'client', 0, 0);
        state = 'client-hello';
        break;
      case 'client-hello': {
        if (server === null) return fail(out, state, 'no-server-certificate', 'server', costs.fullRoundTrips, costs.fullCpuMs / 2);
        const failure = verifyCertificate(server, trust, now);
        if (failure !== null) return fail(out, state, failure, 'server', costs.fullRoundTrips, costs.fullCpuMs / 2);
        state = 'server-verified';
        break;
      }
      case 'server-verified': {
        const failure = verifyCertificate(client!, trust, now);
        if (failure !== null) return fail(out, state, failure, 'client', costs.fullRoundTrips, costs.fullCpuMs);
        state = 'client-verified';
        break;
      }
      default:
        return established(out, costs, resumed);
    }
  }
}

function plaintext(out: HandshakeResult): HandshakeResult {
  return finish(out, 'plaintext', 'start', null, null, 0, 0);
}

function established(out: HandshakeResult, costs: HandshakeCostConfig, resumed: boolean): HandshakeResult {
  out.resumed = resumed;
  return resumed
    ? finish(out, 'ok', 'established', null, null, costs.resumedRoundTrips, costs.resumedCpuMs)
    : finish(out, 'ok', 'established', null, null, costs.fullRoundTrips, costs.fullCpuMs);
}

function fail(
  out: HandshakeResult,
  failedIn: HandshakeState,
  failure: HandshakeFailure,
  peer: 'client' | 'server',
  roundTrips: number,
  cpuMs: number,
): HandshakeResult {
  return finish(out, failure, 'failed', failedIn, peer, roundTrips, cpuMs);
}

function finish(
  out: HandshakeResult,
  outcome: HandshakeOutcome,
  state: HandshakeState,
  failedIn: HandshakeState | null,
  peer: 'client' | 'server' | null,
  roundTrips: number,
  cpuMs: number,
): HandshakeResult {
  out.outcome = outcome;
  out.code = outcome === 'ok' || outcome === 'plaintext' ? null : HANDSHAKE_FAILURE_CODES[outcome];
  out.state = state;
  out.failedIn = failedIn;
  out.peer = peer;
  out.cost.roundTrips = roundTrips;
  out.cost.cpuMs = cpuMs;
  return out;
}
