import { constants, X509Certificate } from 'node:crypto';
import { connect as tlsConnect, createSecureContext, type ConnectionOptions, type PeerCertificate, type SecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import { callErrorOf } from '../../../proxy-core/call/call-error.js';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import type { WorkloadCertificate } from '../../../proxy-core/identity/certificate-authority.js';
import type { CertificateIssuer } from '../../../proxy-core/identity/certificate-issuer.js';
import { isSpiffeIdError, parseSpiffeId, type SpiffeId } from '../../../proxy-core/identity/spiffe-id.js';
import { WorkloadIdentity, type WorkloadIdentityOptions } from '../../../proxy-core/identity/workload-identity.js';
import { verifyPeer, verifyPeerCertificate, type PeerVerdict } from './peer-verification.js';
import { failureCodeOf } from './tls-failures.js';
import { materialOf, type WorkloadMaterial, type X509Authority } from './x509-authority.js';
import type { X509TrustBundle } from './x509-trust-bundle.js';

/**
 * Live mode's servers issue no session tickets (`SSL_OP_NO_TICKET`; node keeps no stateful
 * session cache without `newSession` listeners), so every connection is a full handshake.
 * Why: a resumed session skips `checkServerIdentity`, does not show the client the server's
 * certificate at all, and does not re-check either certificate's validity, while the core
 * says resumption must not skip the checks; and the simulator charges a full handshake for
 * every new connection anyway (bench/RESULTS.md has what resumption would save). Clients
 * verify every connection on `secureConnect` regardless ({@link WorkloadTls.connect}), and
 * refuse a resumed session, whose server certificate they cannot see.
 */
export const LIVE_TLS_SECURE_OPTIONS = constants.SSL_OP_NO_TICKET;

/** Where {@link WorkloadTls.connect} goes and whom it expects there. */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  /** The server's SPIFFE ID (secure naming: the one the client means to reach). */
  readonly expected: SpiffeId;
  /** ALPN protocols to offer, e.g. `['h2']`; default none. */
  readonly ALPNProtocols?: string[];
}

/** How {@link WorkloadTls.connect} answers: the socket once verified, or why not (`verdict` set when the peer was refused). */
export type ConnectCallback = (error: Error | null, socket: TLSSocket | null, verdict: PeerVerdict | null) => void;

/** Hears a workload's certificate change (the first issue and each rotation). */
export type CertificateChangeListener = (certificate: WorkloadCertificate, material: WorkloadMaterial) => void;

/**
 * A workload's TLS, per workload: the current certificate's material for its server side and
 * its client side, swapped when the core's {@link WorkloadIdentity} rotates it, so
 * connections made after a rotation use the new certificate. Clients check the server by its
 * SPIFFE ID, never its hostname; servers ask for a client certificate and let a bad one
 * through node (`rejectUnauthorized: false`) so that peer-verification.ts can say why.
 */
export class WorkloadTls {
  /** The identity whose certificates it serves. */
  readonly identity: WorkloadIdentity;
  /** What it trusts. */
  readonly trust: X509TrustBundle;
  /** The clock its identity rotates on; peers' resumed sessions are checked against its `epochMs()`. */
  readonly clock: Clock;
  private current: WorkloadCertificate | null = null;
  private material: WorkloadMaterial | null = null;
  private noCertificateContext: SecureContext | null = null;
  private readonly listeners: CertificateChangeListener[] = [];
  private readonly firstCertificate: Promise<this>;
  private resolveFirst!: (tls: this) => void;

  /**
   * Wraps an identity that someone else starts. Certificate changes are noticed on the next
   * use; {@link WorkloadTls.start} wires them in as they happen.
   */
  constructor(clock: Clock, identity: WorkloadIdentity, trust: X509TrustBundle) {
    this.clock = clock;
    this.identity = identity;
    this.trust = trust;
    this.firstCertificate = new Promise((resolve) => (this.resolveFirst = resolve));
  }

  /**
   * Starts a workload identity for `subject` on `authority` (rotation by the core, on
   * `clock`) and resolves once its first certificate is issued (pending while the CA is out).
   * `trust` defaults to the authority's.
   *
   * @throws RangeError (synchronously) for invalid options or a subject outside the CA's domain.
   */
  static start(
    clock: Clock,
    authority: X509Authority | CertificateIssuer,
    subject: SpiffeId,
    options: WorkloadIdentityOptions = {},
    trust: X509TrustBundle | undefined = (authority as Partial<X509Authority>).trust,
  ): Promise<WorkloadTls> {
    if (trust === undefined) throw new RangeError(`workload TLS ${subject.uri}: needs a trust bundle`);
    const holder: { tls: WorkloadTls | null } = { tls: null };
    const identity = new WorkloadIdentity(clock, notifying(authority, holder), subject, options);
    const tls = new WorkloadTls(clock, identity, trust);
    holder.tls = tls;
    identity.start();
    return tls.ready();
  }

  /** Resolves once the workload has a certificate. */
  ready(): Promise<this> {
    this.refresh();
    return this.firstCertificate;
  }

  /** Stops rotation (the identity's timers). */
  stop(): void {
    this.identity.stop();
  }

  /** Calls `listener` on every certificate change from now on; returns what unsubscribes it. */
  onChange(listener: CertificateChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** The certificate presented now; `null` before the first issue. */
  certificate(): WorkloadCertificate | null {
    this.refresh();
    return this.current;
  }

  /** The material of the current certificate; `null` before the first issue. */
  currentMaterial(): WorkloadMaterial | null {
    this.refresh();
    return this.material;
  }

  /**
   * Options for a server that builds its own context (`tls.Server#setSecureContext`,
   * `http2.createSecureServer`): key, certificate, roots and no session tickets. `null`
   * before the first issue.
   */
  serverContextOptions(): SecureContextOptions | null {
    const material = this.currentMaterial();
    if (material === null) return null;
    return { key: material.keyPem, cert: material.certPem, ca: [...material.caPems], secureOptions: LIVE_TLS_SECURE_OPTIONS };
  }

  /**
   * Options for a client that connects through another library (undici's `connect`,
   * `http2.connect`): the prebuilt context, node's chain check (`rejectUnauthorized`) and
   * a SPIFFE ID check in place of the hostname check. Node then rejects a bad server with
   * its own codes (tls-failures.ts's `handshakeFailureOf` maps them; a foreign trust domain
   * reads as an unknown CA there). A library that resumes sessions skips the ID check, but live servers
   * issue no tickets ({@link LIVE_TLS_SECURE_OPTIONS}). {@link WorkloadTls.connect} gives the
   * exact verdict.
   */
  clientOptions(expected: SpiffeId): ConnectionOptions {
    return { secureContext: this.clientContext(), rejectUnauthorized: true, checkServerIdentity: spiffeServerIdentityCheck(expected, this.trust) };
  }

  /**
   * What a client that cannot hand over its sockets (grpc-js) connects with: a context with
   * the current certificate that lets OpenSSL build chains to `runRootPems` (every CA of the
   * run), and a `checkServerIdentity` that gives the SPIFFE verdict of {@link verifyPeer} —
   * the peer's trust domain must have a bundle here and its issuer must be one of that
   * domain's roots (go-spiffe's and Envoy's order), then the expected ID. Trusting every run
   * CA at the OpenSSL level is what lets a foreign trust domain be refused by name
   * (`FL_TLS_WRONG_TRUST_DOMAIN`) rather than as an unknown issuer; the per-domain check keeps
   * a foreign CA from vouching for this domain. A refusal's message starts with its code.
   * Built at each call: take it when a channel is made.
   */
  opaqueClientOptions(expected: SpiffeId, runRootPems: readonly string[]): ConnectionOptions {
    const material = this.currentMaterial();
    const ca = [...new Set([...this.trust.caPems(), ...runRootPems])];
    const secureContext = createSecureContext(material === null ? { ca } : { key: material.keyPem, cert: material.certPem, ca });
    const check = { trust: this.trust, peer: 'server' as const, expected };
    return {
      secureContext,
      rejectUnauthorized: true,
      checkServerIdentity: (_host, certificate) => {
        const evidence = { certificate: new X509Certificate(certificate.raw), authorized: true, authorizationError: null, resumed: false, nowEpochMs: this.clock.epochMs() };
        const verdict = verifyPeerCertificate(evidence, check);
        return verdict.ok ? undefined : Object.assign(new Error(`${verdict.code}: ${verdict.detail}`), { code: verdict.code });
      },
    };
  }

  /**
   * Opens a TLS connection presenting the current certificate (none while the workload has
   * none), verifies the server on `secureConnect` ({@link verifyPeer}: trust domain, issuer,
   * validity, expected ID; resumed sessions refused) and answers `callback(null, socket,
   * accepted)`, or destroys the socket and answers the core's `TlsHandshakeError` (`FL_TLS`,
   * detail `FL_TLS_…`) with the verdict, or the connection error (`ECONNREFUSED`…). The
   * server's verdict on this client comes after: in TLS 1.3 the client finishes first, so a
   * refused client sees its connection closed, without a reason.
   */
  connect(target: ConnectTarget, callback: ConnectCallback): TLSSocket {
    const socket = tlsConnect({
      host: target.host,
      port: target.port,
      secureContext: this.clientContext(),
      rejectUnauthorized: false,
      checkServerIdentity: acceptAnyName,
      ALPNProtocols: target.ALPNProtocols,
    });
    socket.setNoDelay(true); // as undici's own connector: without it Nagle and delayed ACKs hold small requests ~40 ms
    let answered = false;
    const answer: ConnectCallback = (error, verified, verdict) => {
      if (answered) return;
      answered = true;
      socket.off('error', onError);
      callback(error, verified, verdict);
    };
    const onError = (error: Error): void => answer(error, null, null);
    socket.on('error', onError);
    socket.once('secureConnect', () => {
      const verdict = verifyPeer(socket, { trust: this.trust, peer: 'server', expected: target.expected }, this.clock.epochMs());
      if (verdict.ok) return answer(null, socket, verdict);
      socket.destroy();
      answer(callErrorOf('tls', verdict.code), null, verdict);
    });
    return socket;
  }

  /** Picks up a certificate the identity got since last time; tells the listeners. */
  refresh(): void {
    const certificate = this.identity.certificate();
    if (certificate === this.current || certificate === null) return;
    const material = materialOf(certificate);
    if (material === null) throw new Error(`workload TLS ${this.identity.subject.uri}: certificate ${certificate.serial} has no X.509 material (a simulated CA?)`);
    this.current = certificate;
    this.material = material;
    for (const listener of this.listeners) listener(certificate, material);
    this.resolveFirst(this);
  }

  private clientContext(): SecureContext {
    const material = this.currentMaterial();
    if (material !== null) return material.secureContext;
    this.noCertificateContext ??= createSecureContext({ ca: this.trust.caPems() });
    return this.noCertificateContext;
  }
}

/**
 * A `checkServerIdentity` that checks the server's SPIFFE ID instead of its hostname: the
 * certificate's one URI SAN must be `expected` (`FL_TLS_WRONG_SERVER_IDENTITY`), in a trust
 * domain the bundle trusts (`FL_TLS_WRONG_TRUST_DOMAIN`). node calls it only after the chain
 * verified, and never on a resumed session.
 */
export function spiffeServerIdentityCheck(expected: SpiffeId, trust: X509TrustBundle): (host: string, certificate: PeerCertificate) => Error | undefined {
  return (_host, certificate) => {
    const uris = (certificate.subjectaltname ?? '').split(', ').filter((e) => e.startsWith('URI:'));
    const id = uris.length === 1 ? tryParse(uris[0].slice(4)) : null;
    if (id === null || !trust.trusts(id.trustDomain)) {
      return identityError('wrong-trust-domain', `server certificate SANs ${certificate.subjectaltname ?? '(none)'}: no SPIFFE ID in a trusted domain`);
    }
    if (id.uri !== expected.uri) return identityError('wrong-server-identity', `server is ${id.uri}, expected ${expected.uri}`);
    return undefined;
  };
}

function identityError(failure: 'wrong-trust-domain' | 'wrong-server-identity', message: string): Error {
  return Object.assign(new Error(message), { code: failureCodeOf(failure) });
}

function tryParse(uri: string): SpiffeId | null {
  try {
    return parseSpiffeId(uri);
  } catch (error) {
    if (isSpiffeIdError(error)) return null;
    throw error;
  }
}

/** Hostname checks do not apply: {@link verifyPeer} checks the SPIFFE ID. */
function acceptAnyName(): undefined {
  return undefined;
}

/** `authority`, telling `holder.tls` after each answer (first issue, rotation, CSR retry). */
function notifying(authority: CertificateIssuer, holder: { tls: WorkloadTls | null }): CertificateIssuer {
  return {
    name: authority.name,
    trustDomain: authority.trustDomain,
    requestCertificate<T>(subject: SpiffeId, done: (arg: T, certificate: WorkloadCertificate | null) => void, arg: T): void {
      authority.requestCertificate(
        subject,
        (a: T, certificate: WorkloadCertificate | null) => {
          done(a, certificate);
          holder.tls?.refresh();
        },
        arg,
      );
    },
  };
}
