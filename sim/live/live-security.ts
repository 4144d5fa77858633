import type { Clock } from '../../proxy-core/clock/clock.js';
import { DEFAULT_ROOT_NAMESPACE, resolvePeerAuthMode, type PeerAuthMode } from '../../proxy-core/identity/peer-authentication.js';
import { principalOf, workloadId, type SpiffeId } from '../../proxy-core/identity/spiffe-id.js';
import type { JwtSignatureVerifier } from '../../proxy-core/identity/jwt-verifier.js';
import type { Fault, Scenario } from '../../scenarios/schema.js';
import type { Timeline } from '../timeline.js';
import { ScenarioTokens } from './identity/scenario-tokens.js';
import { WorkloadTls } from './identity/workload-tls.js';
import { X509Authority } from './identity/x509-authority.js';
import { X509TrustBundle } from './identity/x509-trust-bundle.js';

/** The service account of the ingress gateway, whose sidecar sends the load into the mesh. */
export const INGRESS_SERVICE_ACCOUNT = 'istio-ingressgateway';

/** Service `name`'s PeerAuthentication mode: its own policy, its namespace's, or the mesh-wide `security.mtls` (as the simulator resolves it). */
export function peerAuthModeOf(scenario: Scenario, name: string): PeerAuthMode {
  const security = scenario.security;
  const policies = security.peerAuthentication.map((p) => ({ namespace: p.namespace ?? null, workload: p.service, mode: p.mode }));
  if (security.mtls !== 'PERMISSIVE') policies.push({ namespace: null, workload: undefined, mode: security.mtls });
  return resolvePeerAuthMode(policies, scenario.services[name].namespace, name);
}

/** One workload's identity in a live run. */
export interface LiveWorkload {
  readonly id: SpiffeId;
  /** Its principal, as authorization reads it (`<trust domain>/ns/<ns>/sa/<sa>`). */
  readonly principal: string;
  readonly tls: WorkloadTls;
  /** PeerAuthentication mode of its inbound side. */
  readonly mode: PeerAuthMode;
}

/**
 * Identity and mTLS of a live run, as the simulator's security model has them but with real
 * material: one real CA per trust domain (ECDSA P-256 X.509-SVIDs), of which only the
 * mesh's own trust domain is trusted; each service's workload certificate issued and
 * rotated by the core's `WorkloadIdentity` on the real clock with the scenario's lifetime
 * and grace ratio; each service's PeerAuthentication mode resolved as in the simulator; the
 * tokens of `security.tokens` signed with real ES256 keys and verified against them. The
 * load enters through the ingress gateway, which holds a certificate of the mesh's trust
 * domain so it passes STRICT; its callee's inbound chain sees no peer principal for it, as
 * in the simulator's model.
 */
export class LiveSecurity {
  private constructor(
    private readonly workloads: ReadonlyMap<string, LiveWorkload>,
    /** The ingress gateway's identity. */
    readonly ingress: LiveWorkload,
    private readonly authorities: readonly X509Authority[],
    readonly tokens: ScenarioTokens,
    private readonly clock: Clock,
  ) {}

  /** Creates the CAs and the tokens' keys, and issues every workload's first certificate. */
  static async create(scenario: Scenario, clock: Clock, timeline: Timeline): Promise<LiveSecurity> {
    const security = scenario.security;
    const trust = new X509TrustBundle();
    const authorities = new Map<string, X509Authority>();
    const authorityOf = async (trustDomain: string): Promise<X509Authority> => {
      let ca = authorities.get(trustDomain);
      if (!ca) {
        ca = await X509Authority.create(clock, { trustDomain, workloadTtlMs: security.certificates.ttl, trust, trusted: trustDomain === security.trustDomain });
        authorities.set(trustDomain, ca);
      }
      return ca;
    };
    await authorityOf(security.trustDomain);
    const options = { graceRatio: security.certificates.graceRatio };
    const workloads = new Map<string, LiveWorkload>();
    for (const [name, spec] of Object.entries(scenario.services)) {
      const id = workloadId(spec.trustDomain ?? security.trustDomain, spec.namespace, spec.serviceAccount ?? name);
      const tls = await WorkloadTls.start(clock, await authorityOf(id.trustDomain), id, options, trust);
      let first = true;
      tls.onChange(() => {
        if (!first) timeline.recordCertificate('certificate-rotated', name, clock.now());
        first = false;
      });
      workloads.set(name, { id, principal: principalOf(id), tls, mode: peerAuthModeOf(scenario, name) });
    }
    const ingressId = workloadId(security.trustDomain, DEFAULT_ROOT_NAMESPACE, INGRESS_SERVICE_ACCOUNT);
    const ingress = { id: ingressId, principal: principalOf(ingressId), tls: await WorkloadTls.start(clock, await authorityOf(security.trustDomain), ingressId, options, trust), mode: 'PERMISSIVE' as const };
    const tokens = await ScenarioTokens.create(security, clock);
    return new LiveSecurity(workloads, ingress, [...authorities.values()], tokens, clock);
  }

  /** The identity of service `name`. */
  workload(name: string): LiveWorkload {
    return this.workloads.get(name)!;
  }

  /** The root certificate of every CA of the run, trusted or not, PEM (see `WorkloadTls.opaqueClientOptions`). */
  runRootPems(): string[] {
    return this.authorities.map((ca) => ca.root.certPem);
  }

  /** The key set that verifies tokens of `issuer`. */
  keysOf(issuer: string): JwtSignatureVerifier {
    return this.tokens.keySet(issuer);
  }

  /** Switches the CAs off for each `ca-outage` fault, on the run's clock. */
  schedule(faults: readonly Fault[]): void {
    for (const f of faults) {
      if (f.kind !== 'ca-outage') continue;
      this.clock.schedule(f.at, (cas) => cas.forEach((ca) => (ca.available = false)), this.authorities);
      this.clock.schedule(f.at + f.for, (cas) => cas.forEach((ca) => (ca.available = true)), this.authorities);
    }
  }

  /** Stops every workload's rotation. */
  stop(): void {
    for (const w of this.workloads.values()) w.tls.stop();
    this.ingress.tls.stop();
  }
}
