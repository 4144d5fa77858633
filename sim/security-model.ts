import { CertificateAuthority, type WorkloadCertificate } from '../proxy-core/identity/certificate-authority.js';
import type { Clock } from '../proxy-core/clock/clock.js';
import { MtlsHandshake } from '../proxy-core/identity/mtls-handshake.js';
import { resolvePeerAuthMode, type PeerAuthMode } from '../proxy-core/identity/peer-authentication.js';
import { signSimulatedJwt, simulatedKeySet } from '../proxy-core/identity/simulated-jws.js';
import { workloadId } from '../proxy-core/identity/spiffe-id.js';
import { trustBundleOf, type TrustBundle } from '../proxy-core/identity/trust-bundle.js';
import { WorkloadIdentity } from '../proxy-core/identity/workload-identity.js';
import type { InboundChain, InboundHandler } from '../proxy-core/inbound/inbound-chain.js';
import { peerIdentityOf, type PeerIdentity } from '../proxy-core/inbound/peer-identity.js';
import type { Fault, Scenario } from '../scenarios/schema.js';
import type { Attempt } from './attempt.js';
import type { Edge } from './edge.js';
import { handshakeDelayMs } from './handshake-cost.js';
import type { SimCall } from './sim-call.js';
import type { Timeline } from './timeline.js';
import { inboundChainOf } from './inbound-chain-of.js';

/** What the security model knows of one service. */
interface Workload {
  readonly name: string;
  readonly identity: WorkloadIdentity;
  /** The certificate whose expiry is on the timeline already (null: none). */
  expiryRecorded: WorkloadCertificate | null;
  /** The identity its current certificate establishes for a peer (from the certificate's SPIFFE ID). */
  peerCert: WorkloadCertificate | null;
  peer: PeerIdentity | null;
  /** PeerAuthentication mode of its inbound side. */
  readonly mode: PeerAuthMode;
}

/**
 * Identity and mTLS in the simulated mesh, around the core's inbound chain. One CA per
 * trust domain issues each service's workload certificate, rotated by timer as istio-agent
 * does; only the mesh's own trust domain is trusted. A connection between a calling
 * instance and a callee instance pays a TLS 1.3 handshake (sim/handshake-cost.ts) the first
 * time and again whenever a certificate was rotated or has expired; its outcome depends on
 * the certificates' validity at that time, and the identity it establishes is the one in
 * the client's certificate. At the callee, every request meets the service's
 * {@link InboundChain} (request authentication, authorization, rate limit) before a worker.
 * Load from outside the mesh enters through the ingress, without a peer identity.
 */
export class SecurityModel {
  /** Some callee accepts mTLS: attempts between services go through {@link connect}. */
  readonly mtls: boolean;
  /** The stable code of the last failed handshake (`FL_TLS_…`). */
  failureCode: string | null = null;
  /** The peer identity the last successful {@link connect} established (null: plaintext). */
  peer: PeerIdentity | null = null;
  private readonly workloads = new Map<string, Workload>();
  private readonly cas: CertificateAuthority[] = [];
  private readonly trust: TrustBundle;
  private readonly handshake = new MtlsHandshake();
  /** See {@link lowestCertificateLifeLeft}: sampled when the CAs come back and when an expired certificate is used. */
  private lowestOverdueLifeLeft = 1;

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: Clock,
    private readonly timeline: Timeline,
  ) {
    const security = scenario.security;
    this.trust = trustBundleOf([this.caFor(security.trustDomain)]);
    const peerPolicies = security.peerAuthentication.map((p) => ({ namespace: p.namespace ?? null, workload: p.service, mode: p.mode }));
    if (security.mtls !== 'PERMISSIVE') peerPolicies.push({ namespace: null, workload: undefined, mode: security.mtls });
    for (const [name, spec] of Object.entries(scenario.services)) {
      const subject = workloadId(spec.trustDomain ?? security.trustDomain, spec.namespace, spec.serviceAccount ?? name);
      const identity = new WorkloadIdentity(clock, this.caFor(subject.trustDomain), subject, { graceRatio: security.certificates.graceRatio }, {
        onRotated: () => timeline.recordCertificate('certificate-rotated', name, clock.now()),
      });
      this.workloads.set(name, { name, identity, expiryRecorded: null, peerCert: null, peer: null, mode: resolvePeerAuthMode(peerPolicies, spec.namespace, name) });
    }
    this.mtls = [...this.workloads.values()].some((w) => w.mode !== 'DISABLE');
    for (const w of this.workloads.values()) w.identity.start();
  }

  /** Switches the CAs off for each `ca-outage` fault: no certificate is issued or rotated meanwhile. */
  schedule(faults: readonly Fault[]): void {
    for (const f of faults) {
      if (f.kind !== 'ca-outage') continue;
      this.clock.schedule(f.at, (cas) => cas.forEach((ca) => (ca.available = false)), this.cas);
      this.clock.schedule(f.at + f.for, (model) => model.caBack(), this);
    }
  }

  /**
   * The inbound chain of service `name`, answering through `handler`: request
   * authentication, authorization and the rate limits of the edges into it; null when it
   * checks nothing (no rule and no rate limit names it).
   */
  inboundChain(name: string, edgesInto: readonly Edge[], handler: InboundHandler<Attempt>): InboundChain<Attempt> | null {
    const keys = new Map(this.scenario.security.issuers.map((i) => [i.issuer, i.key]));
    return inboundChainOf<Attempt>(this.scenario, name, {
      clock: this.clock,
      keysOf: (issuer) => simulatedKeySet([{ k: keys.get(issuer) ?? '' }]),
      limited: edgesInto.some((e) => e.rateLimitAt(0) !== null),
      rateLimitOf: (attempt) => attempt.call.edge.rateLimitAt(attempt.host),
      handler,
    });
  }

  /**
   * The mTLS connection an attempt from `call`'s instance to callee instance `host` uses:
   * the extra delay (ms) a new handshake adds, 0 on an established connection, or -1 when
   * the handshake fails (the attempt fails with cause `tls`, {@link failureCode} says why).
   * Sets {@link peer} to the identity the client's certificate establishes (null: plaintext).
   */
  connect(edge: Edge, call: SimCall, host: number, oneWayMs: number): number {
    this.peer = null;
    const server = this.workloads.get(edge.to)!;
    if (server.mode === 'DISABLE') return 0;
    const now = this.clock.epochMs();
    const client = this.workloads.get(edge.from)!;
    const clientCert = this.certificateOf(client, now);
    const serverCert = this.certificateOf(server, now);
    const sessions = edge.sessionsOf(call.callerInstance!.index);
    if (
      clientCert !== null &&
      serverCert !== null &&
      sessions[2 * host] === clientCert.serial &&
      sessions[2 * host + 1] === serverCert.serial &&
      now <= clientCert.notAfter &&
      now <= serverCert.notAfter
    ) {
      this.peer = this.peerOf(client, clientCert);
      return 0;
    }
    const result = this.handshake.run(clientCert, serverCert, this.trust, now, server.mode);
    if (result.outcome !== 'ok' && result.outcome !== 'plaintext') {
      sessions[2 * host] = sessions[2 * host + 1] = 0;
      this.failureCode = result.code;
      return -1;
    }
    sessions[2 * host] = clientCert?.serial ?? 0;
    sessions[2 * host + 1] = serverCert?.serial ?? 0;
    if (result.outcome === 'ok') this.peer = this.peerOf(client, clientCert!);
    return handshakeDelayMs(result, oneWayMs);
  }

  /** The certificate `w` presents now; the first use of an expired one goes on the timeline. */
  private certificateOf(w: Workload, nowEpochMs: number): WorkloadCertificate | null {
    const cert = w.identity.certificate();
    if (cert !== null && w.expiryRecorded !== cert && nowEpochMs > cert.notAfter) {
      this.timeline.recordCertificate('certificate-expired', w.name, this.clock.now());
      w.expiryRecorded = cert;
      this.lowestOverdueLifeLeft = Math.min(this.lowestOverdueLifeLeft, w.identity.lifeLeft(nowEpochMs));
    }
    return cert;
  }

  /** The identity `cert` establishes, derived once per certificate from its SPIFFE ID. */
  private peerOf(w: Workload, cert: WorkloadCertificate): PeerIdentity {
    if (w.peerCert !== cert) {
      w.peerCert = cert;
      w.peer = peerIdentityOf(cert.subject);
    }
    return w.peer!;
  }

  /**
   * The least fraction of its lifetime a workload certificate has had left while it was due
   * for rotation: 1 while every rotation is on time; when a CA outage delays
   * one, what the certificate had left when the CA could sign again (or when the run ended),
   * which falls the longer the outage lasts; 0 or less once a certificate was used expired.
   */
  lowestCertificateLifeLeft(): number {
    this.sampleOverdue();
    return this.lowestOverdueLifeLeft;
  }

  /** The CAs sign again: what the overdue certificates had left is sampled first. */
  private caBack(): void {
    this.sampleOverdue();
    for (const ca of this.cas) ca.available = true;
  }

  /** Lowers {@link lowestOverdueLifeLeft} to what each certificate due for rotation has left now. */
  private sampleOverdue(): void {
    const now = this.clock.epochMs();
    for (const w of this.workloads.values()) {
      if (w.identity.rotateAt <= now) this.lowestOverdueLifeLeft = Math.min(this.lowestOverdueLifeLeft, w.identity.lifeLeft(now));
    }
  }

  /** The signed token named `name` in `security.tokens`, as a request class sends it (times in Unix seconds). */
  token(name: string): string {
    const t = this.scenario.security.tokens[name];
    const key = this.scenario.security.issuers.find((i) => i.issuer === t.issuer)?.key ?? '';
    return signSimulatedJwt(t.forgedSignature ? `${key}-forged` : key, {
      iss: t.issuer,
      sub: t.subject,
      ...(t.audience !== undefined ? { aud: t.audience } : {}),
      exp: (this.clock.epochMs() + t.expiresIn) / 1000,
    });
  }

  private caFor(trustDomain: string): CertificateAuthority {
    let ca = this.cas.find((c) => c.trustDomain === trustDomain);
    if (!ca) {
      ca = new CertificateAuthority(this.clock, { trustDomain, workloadTtlMs: this.scenario.security.certificates.ttl });
      this.cas.push(ca);
    }
    return ca;
  }
}
