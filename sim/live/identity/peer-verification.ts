import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { peerIdentityOf, type PeerIdentity } from '../../../proxy-core/inbound/peer-identity.js';
import { isSpiffeIdError, parseSpiffeId, type SpiffeId } from '../../../proxy-core/identity/spiffe-id.js';
import { failureCodeOf, handshakeFailureOf, type LiveHandshakeFailure } from './tls-failures.js';
import type { X509TrustBundle } from './x509-trust-bundle.js';

// Check order of Envoy's SPIFFE validator, as the core's verifyCertificate: the trust domain
// has a bundle, the issuer is one of that domain's roots, then the validity period.

/** A peer whose certificate passed every check. */
export interface PeerAccepted {
  readonly ok: true;
  /** Who it is, from the SPIFFE ID of its certificate (what authorization reads). */
  readonly identity: PeerIdentity;
  /** Its certificate. */
  readonly certificate: X509Certificate;
}

/** A peer refused, and why. */
export interface PeerRefused {
  readonly ok: false;
  /** Why, as the core names it (or `wrong-server-identity`). */
  readonly failure: LiveHandshakeFailure;
  /** The stable `FL_TLS_…` code of `failure`. */
  readonly code: string;
  /** Whose certificate failed: the client's (seen by a server) or the server's (seen by a client). */
  readonly peer: 'client' | 'server';
  /** What node reported or what did not match, for logs. */
  readonly detail: string;
}

/** The verdict on a connection's peer. */
export type PeerVerdict = PeerAccepted | PeerRefused;

/** What {@link verifyPeer} checks against. */
export interface PeerCheck {
  /** The roots per trust domain. */
  readonly trust: X509TrustBundle;
  /** Whose certificate is checked: `client` on a server's socket, `server` on a client's. */
  readonly peer: 'client' | 'server';
  /** The SPIFFE ID the server must have (a client's check); absent: any trusted ID. */
  readonly expected?: SpiffeId;
}

/** What a TLS socket says about its peer, the input of {@link verifyPeerCertificate}. */
export interface PeerEvidence {
  /** The peer's certificate; `undefined` when it sent none (or a resumed session hides it). */
  readonly certificate: X509Certificate | undefined;
  /** Whether node verified the chain and found nothing wrong (`socket.authorized`). */
  readonly authorized: boolean;
  /** node's `authorizationError` (OpenSSL's verification code); `null` when none was reported. */
  readonly authorizationError: string | null;
  /** Whether the session was resumed rather than negotiated. */
  readonly resumed: boolean;
  /**
   * Wall time, Unix ms: the validity period is checked against it when node did not check it
   * (a resumed session, or a socket node did not verify).
   */
  readonly nowEpochMs: number;
}

/**
 * The verdict on the peer of an established TLS socket, from node's own verification
 * (`authorizationError`, so sockets must run with `rejectUnauthorized: false` to get here
 * with a bad certificate) and the checks node cannot do: the SPIFFE ID, its trust domain,
 * which root signed it, and a resumed session's validity. Call it on `secureConnect` (client)
 * or `secureConnection` (server), for every connection, resumed or not.
 */
export function verifyPeer(socket: TLSSocket, check: PeerCheck, nowEpochMs = Date.now()): PeerVerdict {
  const evidence: PeerEvidence = {
    certificate: socket.getPeerX509Certificate(),
    authorized: socket.authorized,
    authorizationError: authorizationErrorOf(socket),
    resumed: socket.isSessionReused(),
    nowEpochMs,
  };
  return verifyPeerCertificate(evidence, check);
}

/**
 * {@link verifyPeer} on what a socket reported. Order: a certificate at all
 * (`no-client-certificate` / `no-server-certificate`); exactly one URI SAN that is a SPIFFE ID
 * in a trust domain the bundle trusts (`wrong-trust-domain`); a chain to a root of that domain
 * (`untrusted-issuer`: OpenSSL's chain codes, or a root of another domain); the validity
 * period (`not-yet-valid`, `expired`); last, on a client, the expected ID
 * (`wrong-server-identity`).
 */
export function verifyPeerCertificate(evidence: PeerEvidence, check: PeerCheck): PeerVerdict {
  const { certificate } = evidence;
  const peer = check.peer;
  if (certificate === undefined) {
    const why = evidence.resumed ? 'a resumed session does not show the peer certificate' : 'the peer sent no certificate';
    return refuse(peer === 'client' ? 'no-client-certificate' : 'no-server-certificate', peer, why);
  }
  const id = spiffeIdOf(certificate);
  if (typeof id === 'string') return refuse('wrong-trust-domain', peer, id);
  if (!check.trust.trusts(id.trustDomain)) return refuse('wrong-trust-domain', peer, `${id.uri}: trust domain ${id.trustDomain} has no bundle`);
  const chain = chainFailure(certificate, id, evidence, check.trust);
  if (chain !== null) return refuse(chain.failure, peer, chain.detail);
  if (evidence.resumed || !evidence.authorized) {
    const period = periodFailure(certificate, evidence.nowEpochMs);
    if (period !== null) return refuse(period, peer, `${id.uri}: ${period} at ${new Date(evidence.nowEpochMs).toISOString()}`);
  }
  if (check.expected !== undefined && id.uri !== check.expected.uri) {
    return refuse('wrong-server-identity', peer, `${id.uri} is not the expected ${check.expected.uri}`);
  }
  return { ok: true, identity: peerIdentityOf(id), certificate };
}

/** The certificate's SPIFFE ID, or why it has none (X509-SVID.md: exactly one URI SAN). */
export function spiffeIdOf(certificate: X509Certificate): SpiffeId | string {
  const uris = (certificate.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice(4));
  if (uris.length !== 1) return `the certificate has ${uris.length} URI SANs, a SPIFFE certificate has one`;
  try {
    return parseSpiffeId(uris[0]);
  } catch (error) {
    if (isSpiffeIdError(error)) return error.message;
    throw error;
  }
}

/**
 * Whether the chain ends at a root of `id`'s trust domain. node verified it against every
 * root of the bundle and reports one code; a period code can hide a bad signature (OpenSSL
 * reports `CERT_HAS_EXPIRED` for an expired certificate of an unknown CA), so the issuer is
 * checked here too, by name and key identifier and, unless node vouched for the chain
 * (`authorized`), by signature. A period code maps to its failure once the issuer is right.
 */
function chainFailure(certificate: X509Certificate, id: SpiffeId, evidence: PeerEvidence, trust: X509TrustBundle): { failure: LiveHandshakeFailure; detail: string } | null {
  const code = evidence.authorized ? null : evidence.authorizationError;
  const mapped = code === null ? null : handshakeFailureOf(code);
  if (code !== null && mapped !== 'expired' && mapped !== 'not-yet-valid') {
    return { failure: 'untrusted-issuer', detail: `${id.uri}: ${code}` };
  }
  const signedByRoot = trust
    .rootsOf(id.trustDomain)
    .some((root) => certificate.checkIssued(root.certificate) && (evidence.authorized || certificate.verify(root.certificate.publicKey)));
  if (!signedByRoot) return { failure: 'untrusted-issuer', detail: `${id.uri}: not signed by a root of ${id.trustDomain}` };
  return mapped === null ? null : { failure: mapped, detail: `${id.uri}: ${code}` };
}

function periodFailure(certificate: X509Certificate, nowEpochMs: number): 'expired' | 'not-yet-valid' | null {
  if (nowEpochMs < Date.parse(certificate.validFrom)) return 'not-yet-valid';
  // X.509 notAfter is inclusive, to the second.
  if (nowEpochMs >= Date.parse(certificate.validTo) + 1000) return 'expired';
  return null;
}

/** node's `authorizationError` as a string (typed `Error`, it holds the code). */
function authorizationErrorOf(socket: TLSSocket): string | null {
  const error = socket.authorizationError as unknown;
  if (error === undefined || error === null) return null;
  return typeof error === 'string' ? error : String((error as { code?: unknown }).code ?? error);
}

function refuse(failure: LiveHandshakeFailure, peer: 'client' | 'server', detail: string): PeerRefused {
  return { ok: false, failure, code: failureCodeOf(failure), peer, detail };
}
