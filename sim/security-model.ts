import { Authorizer, AUTHZ_DENIED_STATUS, type RequestAttributes } from '../proxy-core/identity/authorization-policy.js';
import { CertificateAuthority, type WorkloadCertificate } from '../proxy-core/identity/certificate-authority.js';
import type { Clock } from '../proxy-core/clock/clock.js';
import type { Outcome } from '../proxy-core/call/failure-cause.js';
import { headerValue } from '../proxy-core/call/headers.js';
import { MtlsHandshake, type TrustBundle } from '../proxy-core/identity/mtls-handshake.js';
import { resolvePeerAuthMode, type PeerAuthMode } from '../proxy-core/identity/peer-authentication.js';
import { issueToken, RequestAuthenticator, REQUEST_AUTH_REJECT_STATUS } from '../proxy-core/identity/request-authentication.js';
import { principalOf, workloadId } from '../proxy-core/identity/spiffe-id.js';
import { WorkloadIdentity } from '../proxy-core/identity/workload-identity.js';
import type { Fault, Scenario } from '../scenarios/schema.js';
import type { Edge } from './edge.js';
import type { SimCall } from './sim-call.js';
import type { Timeline } from './timeline.js';

/** What the security model knows of one service. */
interface Workload {
  readonly name: string;
  readonly identity: WorkloadIdentity;
  /** Serial of the certificate last presented (0: none yet), and whether its expiry is on the timeline. */
  serial: number;
  expiryRecorded: boolean;
  /** Istio principal of its certificates (`<td>/ns/<ns>/sa/<sa>`). */
  readonly principal: string;
  readonly namespace: string;
  /** PeerAuthentication mode of its inbound side. */
  readonly mode: PeerAuthMode;
  readonly authenticator: RequestAuthenticator | null;
  readonly authorizer: Authorizer | null;
}

type MutableAttributes = { -readonly [K in keyof RequestAttributes]: RequestAttributes[K] };

/**
 * Identity, mTLS and authorization in the simulated mesh. One CA per trust domain issues each
 * service's workload certificate, rotated as istio-agent does; only the mesh's own trust
 * domain is trusted. A connection between a calling instance and a callee instance pays a
 * full TLS 1.3 handshake (one extra round trip, CPU) the first time and again whenever a
 * certificate was rotated or has expired; its outcome depends on the certificates' validity
 * at that virtual time. At the callee, request authentication and then authorization run
 * before the request reaches a worker. Load from outside the mesh enters through the
 * ingress, without a peer identity.
 */
export class SecurityModel {
  /** Some callee accepts mTLS: attempts between services go through {@link connect}. */
  readonly mtls: boolean;
  /** Some service authenticates or authorizes requests: arrivals go through {@link admit}. */
  readonly inbound: boolean;
  /** The stable code of the last failed handshake ({@link HANDSHAKE_FAILURE_CODES}). */
  failureCode: string | null = null;
  /** Why {@link admit} rejected the last request it rejected. */
  rejection: Outcome = 'authz-denied';
  private readonly workloads = new Map<string, Workload>();
  private readonly cas: CertificateAuthority[] = [];
  private readonly trust: TrustBundle;
  private readonly handshake = new MtlsHandshake();
  private readonly attributes: MutableAttributes = { principal: null, namespace: null, requestPrincipal: null, path: '/', method: 'GET', host: null, headers: {}, claims: null };

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: Clock,
    private readonly timeline: Timeline,
  ) {
    const security = scenario.security;
    const meshCa = this.caFor(security.trustDomain);
    this.trust = { trustDomains: new Set([meshCa.trustDomain]), issuers: new Set([meshCa.name]) };
    const peerPolicies = security.peerAuthentication.map((p) => ({ namespace: p.namespace ?? null, workload: p.service, mode: p.mode }));
    if (security.mtls !== 'PERMISSIVE') peerPolicies.push({ namespace: null, workload: undefined, mode: security.mtls });
    const keys = new Map(security.issuers.map((i) => [i.issuer, i.key]));
    for (const [name, spec] of Object.entries(scenario.services)) {
      const subject = workloadId(spec.trustDomain ?? security.trustDomain, spec.namespace, spec.serviceAccount ?? name);
      const rules = security.requestAuthentication.filter((r) => r.service === name).flatMap((r) => r.jwtRules);
      const policies = security.authorization.filter((p) => p.service === name);
      this.workloads.set(name, {
        name,
        serial: 0,
        expiryRecorded: false,
        identity: new WorkloadIdentity(clock, this.caFor(subject.trustDomain), subject, { graceRatio: security.certificates.graceRatio }),
        principal: principalOf(subject),
        namespace: spec.namespace,
        mode: resolvePeerAuthMode(peerPolicies, spec.namespace, name),
        authenticator: rules.length ? new RequestAuthenticator(clock, rules.map((r) => ({ ...r, key: keys.get(r.issuer) ?? '' }))) : null,
        authorizer: policies.length ? new Authorizer(policies.map((p, i) => ({ ...p, name: p.name ?? `${name}-${i}` }))) : null,
      });
    }
    this.mtls = [...this.workloads.values()].some((w) => w.mode !== 'DISABLE');
    this.inbound = [...this.workloads.values()].some((w) => w.authenticator !== null || w.authorizer !== null);
  }

  /** Switches the CAs off for each `ca-outage` fault: no certificate is issued or rotated meanwhile. */
  schedule(faults: readonly Fault[]): void {
    for (const f of faults) {
      if (f.kind !== 'ca-outage') continue;
      this.clock.schedule(f.at, (cas) => cas.forEach((ca) => (ca.available = false)), this.cas);
      this.clock.schedule(f.at + f.for, (cas) => cas.forEach((ca) => (ca.available = true)), this.cas);
    }
  }

  /**
   * The mTLS connection an attempt from `call`'s instance to callee instance `host` uses:
   * the extra delay (ms) a new handshake adds, 0 on an established connection, or -1 when
   * the handshake fails (the attempt fails with cause `tls`).
   */
  connect(edge: Edge, call: SimCall, host: number, oneWayMs: number): number {
    const server = this.workloads.get(edge.to)!;
    if (server.mode === 'DISABLE') return 0;
    const now = this.clock.now();
    const clientCert = this.certificateOf(this.workloads.get(edge.from)!, now);
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
      return 0;
    }
    const result = this.handshake.run(clientCert, serverCert, this.trust, now, server.mode);
    if (result.outcome !== 'ok' && result.outcome !== 'plaintext') {
      this.failureCode = result.code;
      sessions[2 * host] = sessions[2 * host + 1] = 0;
      return -1;
    }
    sessions[2 * host] = clientCert?.serial ?? 0;
    sessions[2 * host + 1] = serverCert?.serial ?? 0;
    return 2 * oneWayMs * result.cost.roundTrips + result.cost.cpuMs;
  }

  /** The certificate `w` presents now; a rotation, and the first use of an expired certificate, go on the timeline. */
  private certificateOf(w: Workload, now: number): WorkloadCertificate | null {
    const cert = w.identity.certificate();
    if (cert === null) return null;
    if (cert.serial !== w.serial) {
      if (w.serial !== 0) this.timeline.recordCertificate('certificate-rotated', w.name, now);
      w.serial = cert.serial;
      w.expiryRecorded = false;
    }
    if (!w.expiryRecorded && now > cert.notAfter) {
      this.timeline.recordCertificate('certificate-expired', w.name, now);
      w.expiryRecorded = true;
    }
    return cert;
  }

  /**
   * The callee's inbound checks, in Istio's order: request authentication (an invalid token
   * is answered 401), then authorization (CUSTOM, DENY, ALLOW; a denial is answered 403).
   * Returns 0 to admit, or the status to answer with ({@link rejection} says why).
   */
  admit(call: SimCall, callee: string): number {
    const w = this.workloads.get(callee)!;
    const attrs = this.attributes;
    attrs.requestPrincipal = null;
    attrs.claims = null;
    if (w.authenticator !== null) {
      const r = w.authenticator.authenticate(call.headers);
      if (r.outcome === 'invalid') {
        this.rejection = 'authz-denied';
        return REQUEST_AUTH_REJECT_STATUS;
      }
      attrs.requestPrincipal = r.requestPrincipal;
      attrs.claims = r.claims;
    }
    if (w.authorizer === null) return 0;
    const peer = call.callerInstance === null || w.mode === 'DISABLE' ? null : this.workloads.get(call.edge.from)!;
    attrs.principal = peer ? peer.principal : null;
    attrs.namespace = peer ? peer.namespace : null;
    attrs.path = call.path;
    attrs.method = call.method;
    attrs.host = call.authority;
    attrs.headers = call.headers;
    if (w.authorizer.evaluate(attrs).decision === 'allow') return 0;
    this.rejection = 'authz-denied';
    return AUTHZ_DENIED_STATUS;
  }

  /** The value a rate limit keyed on `key` sees for `call`: the caller's principal or service name, or a header. */
  rateLimitKey(key: string | undefined, call: SimCall): string | undefined {
    if (key === undefined) return undefined;
    if (key === 'source.service') return call.edge.from;
    if (key === 'source.principal') return call.callerInstance === null ? undefined : this.workloads.get(call.edge.from)?.principal;
    return headerValue(call.headers, key);
  }

  /** The signed token named `name` in `security.tokens`, as a request class sends it. */
  token(name: string): string {
    const t = this.scenario.security.tokens[name];
    const key = this.scenario.security.issuers.find((i) => i.issuer === t.issuer)?.key ?? '';
    return issueToken(t.forgedSignature ? `${key}-forged` : key, {
      iss: t.issuer,
      sub: t.subject,
      ...(t.audience !== undefined ? { aud: t.audience } : {}),
      exp: t.expiresIn / 1000,
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
