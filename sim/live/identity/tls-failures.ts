import { HANDSHAKE_FAILURE_CODES, type HandshakeFailure } from '../../../proxy-core/identity/mtls-handshake.js';

/**
 * Why a live handshake failed: the core's {@link HandshakeFailure}s, and one that only a real
 * client meets: the server's certificate is valid but names another workload than the one
 * the client meant to reach (secure naming; the simulator's clients do not check it).
 */
export type LiveHandshakeFailure = HandshakeFailure | 'wrong-server-identity';

/** Stable code of each {@link LiveHandshakeFailure}: the core's `FL_TLS_…` codes, and one more. */
export const LIVE_HANDSHAKE_FAILURE_CODES: Readonly<Record<LiveHandshakeFailure, string>> = {
  ...HANDSHAKE_FAILURE_CODES,
  'wrong-server-identity': 'FL_TLS_WRONG_SERVER_IDENTITY',
};

/**
 * The one table from what node:tls reports to a {@link LiveHandshakeFailure}: OpenSSL's
 * verification codes (`socket.authorizationError`, or the `code` of the error a client with
 * `rejectUnauthorized` gets), the alerts a peer sends when it rejects our certificate
 * (`ERR_SSL_…_ALERT_…`), node's own for a missing certificate, and faultline's `FL_TLS_…`
 * codes (from our `checkServerIdentity`). A code not listed is not a certificate problem.
 */
const FAILURE_OF_CODE: ReadonlyMap<string, LiveHandshakeFailure> = new Map<string, LiveHandshakeFailure>([
  ['CERT_HAS_EXPIRED', 'expired'],
  ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'expired'],
  ['CERT_NOT_YET_VALID', 'not-yet-valid'],
  // A chain that does not end at a trusted root, or whose signature does not hold.
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted-issuer'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'untrusted-issuer'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'untrusted-issuer'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'untrusted-issuer'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'untrusted-issuer'],
  ['CERT_SIGNATURE_FAILURE', 'untrusted-issuer'],
  ['CERT_UNTRUSTED', 'untrusted-issuer'],
  ['CERT_REJECTED', 'untrusted-issuer'],
  ['INVALID_CA', 'untrusted-issuer'],
  ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'untrusted-issuer'],
  // No certificate: the client's (TLS 1.3 alert, or node's server-side error), or the server's.
  ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'no-client-certificate'],
  ['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', 'no-client-certificate'],
  ...Object.entries(LIVE_HANDSHAKE_FAILURE_CODES).map(([failure, code]) => [code, failure as LiveHandshakeFailure] as const),
]);

/**
 * The failure a node TLS error or an `authorizationError` string stands for, by its code
 * (see {@link FAILURE_OF_CODE}); `null` when it is not a certificate problem (a reset, a
 * timeout, a protocol error) or there is no error.
 */
export function handshakeFailureOf(error: string | { readonly code?: unknown } | null | undefined): LiveHandshakeFailure | null {
  const code = typeof error === 'string' ? error : error?.code;
  if (typeof code !== 'string') return null;
  return FAILURE_OF_CODE.get(code) ?? null;
}

/** The `FL_TLS_…` code of `failure`. */
export function failureCodeOf(failure: LiveHandshakeFailure): string {
  return LIVE_HANDSHAKE_FAILURE_CODES[failure];
}
