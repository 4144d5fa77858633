import { isCallError } from '../../../proxy-core/call/call-error.js';
import type { FailureCause } from '../../../proxy-core/call/failure-cause.js';
import { failureCodeOf, handshakeFailureOf } from '../identity/tls-failures.js';

/** A transport error as the report counts it: its cause and a finer stable code, or null. */
export interface TransportFailure {
  readonly cause: FailureCause;
  readonly detail: string | null;
}

const REFUSED: TransportFailure = { cause: 'connect-failure', detail: 'FL_CONNECT_REFUSED' };
const CONNECT_TIMEOUT: TransportFailure = { cause: 'connect-failure', detail: 'FL_CONNECT_TIMEOUT' };
const RESET: TransportFailure = { cause: 'reset', detail: null };

/**
 * Classifies an error of undici or node:net by its `code`, as Envoy's response flags do:
 * a connection that could not be made is `connect-failure` (UF), one that broke is `reset`
 * (UC/UR); a failed mTLS handshake is `tls` with its `FL_TLS_…` code.
 */
export function failureOfError(error: unknown): TransportFailure {
  if (isCallError(error) && error.code === 'FL_TLS') return { cause: 'tls', detail: error.detail };
  const handshake = handshakeFailureOf(error as { code?: unknown } | null);
  if (handshake !== null) return { cause: 'tls', detail: failureCodeOf(handshake) };
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return REFUSED;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return CONNECT_TIMEOUT;
    default:
      return RESET;
  }
}
