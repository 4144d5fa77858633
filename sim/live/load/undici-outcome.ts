import type { FailureCause } from '../../../proxy-core/call/failure-cause.js';

/** Error codes of a connection that was never made. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** undici's own timeouts (about 1 s resolution: the target's per-request timeout is its own). */
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** The client gave up: a destroyed or closed pool, an aborted request. */
const CANCELLED = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED', 'UND_ERR_ABORTED']);
/** OpenSSL's certificate verdicts, which Node passes on as codes without a common prefix. */
const CERTIFICATE_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)_)/;

/**
 * The failure cause of an error undici reports for a request (switching on `code`, as the
 * errors' classes vary): refused or unreachable → `connect-failure`, undici's timeouts →
 * `timeout`, TLS and certificate errors → `tls`, a destroyed pool or aborted request →
 * `cancelled`, anything else on an open connection (`UND_ERR_SOCKET` "other side closed",
 * `ECONNRESET`, `EPIPE`) → `reset`.
 */
export function outcomeOfError(error: Error): FailureCause {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return 'reset';
  if (CONNECT_FAILURES.has(code)) return 'connect-failure';
  if (TIMEOUTS.has(code)) return 'timeout';
  if (CANCELLED.has(code)) return 'cancelled';
  if (CERTIFICATE_CODE.test(code)) return 'tls';
  return 'reset';
}
