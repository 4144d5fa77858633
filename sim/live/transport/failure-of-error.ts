import type { FailureCause } from '../../../proxy-core/call/failure-cause.js';

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
 * (UC/UR). TLS failures are classified by the identity layer before this is asked.
 */
export function failureOfError(error: unknown): TransportFailure {
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
