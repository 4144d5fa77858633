import { FAILURE_CAUSES, outcomeOfStatus, type FailureCause, type Outcome } from '../../../proxy-core/call/failure-cause.js';
import { GRPC_STATUS, httpStatusOfGrpc, outcomeOfGrpcStatus } from '../../../proxy-core/call/grpc-status.js';
import { headerValue, type Headers } from '../../../proxy-core/call/headers.js';
import { failureCodeOf, type LiveHandshakeFailure } from '../identity/tls-failures.js';
import { LOCAL_REPLY_CAUSE, OVERLOADED } from './wire-headers.js';

export { httpStatusOfGrpc };

/**
 * How an answer reads on each of live mode's wires, in one table, so that an HTTP/1.1, an
 * HTTP/2 and a gRPC callee answer the caller's router alike. A gRPC answer reaches the
 * router with the HTTP status of its row and its `grpc-status`; an answer's reason (the
 * callee sidecar's `x-faultline-cause` and `x-faultline-detail`, `x-envoy-overloaded`,
 * `retry-after`) travels in the response headers over HTTP and in the trailing metadata
 * over gRPC.
 *
 * | HTTP | gRPC | counted as (no stated cause) |
 * | --- | --- | --- |
 * | 1xx–3xx | OK (0) | ok |
 * | 400 | INVALID_ARGUMENT (3) ← also FAILED_PRECONDITION, OUT_OF_RANGE | 4xx |
 * | 401 | UNAUTHENTICATED (16) | HTTP: 4xx; gRPC: authn-failed |
 * | 403 | PERMISSION_DENIED (7) | HTTP: 4xx; gRPC: authz-denied |
 * | 404 | NOT_FOUND (5) | 4xx |
 * | 409 | ABORTED (10) ← also ALREADY_EXISTS | 4xx |
 * | 429 | RESOURCE_EXHAUSTED (8) | rate-limited |
 * | 499 | CANCELLED (1) | HTTP: 4xx; gRPC: cancelled |
 * | other 4xx | FAILED_PRECONDITION (9) | 4xx |
 * | 500 | INTERNAL (13) ← also UNKNOWN, DATA_LOSS | 5xx |
 * | 501 | UNIMPLEMENTED (12) | 5xx |
 * | 502, 503 | UNAVAILABLE (14) | 5xx (503 with `x-envoy-overloaded: true`: overflow) |
 * | 504 | DEADLINE_EXCEEDED (4) | HTTP: 5xx; gRPC: timeout |
 * | other 5xx | UNKNOWN (2) | 5xx |
 *
 * gRPC → HTTP is Envoy's `grpcToHttpStatus` ({@link httpStatusOfGrpc} in the core); HTTP →
 * gRPC is its inverse ({@link grpcStatusOfHttp}), so every status of a row survives a round
 * trip (the ones after a `←` come back as the row's first). Envoy's own `httpToGrpcStatus`
 * (the gRPC spec's table, which folds 429 and 504 into UNAVAILABLE) is not used: the core's
 * retry and report conditions would then read a gRPC rate limit as a 5xx.
 *
 * An answer is counted ({@link outcomeOfAnswer}) by the cause the callee's sidecar states
 * first; the mesh states it on every local reply (overflow, rate-limited, authz-denied,
 * authn-failed, timeout), so those count the same on every protocol. Without one, HTTP
 * counts by the status class and gRPC by the core's gRPC reading ({@link outcomeOfGrpcStatus}),
 * which names four codes more precisely (the "HTTP: …; gRPC: …" cells).
 *
 * A transport failure (no answer) is a cause, not a status: `connect-failure` or `reset`
 * on every protocol ({@link failureOfGrpcStatus} for the statuses grpc-js makes up itself).
 */
export const PROTOCOL_STATUS_TABLE: readonly { readonly http: number; readonly grpc: number }[] = [
  { http: 200, grpc: GRPC_STATUS.OK },
  { http: 400, grpc: GRPC_STATUS.INVALID_ARGUMENT },
  { http: 401, grpc: GRPC_STATUS.UNAUTHENTICATED },
  { http: 403, grpc: GRPC_STATUS.PERMISSION_DENIED },
  { http: 404, grpc: GRPC_STATUS.NOT_FOUND },
  { http: 409, grpc: GRPC_STATUS.ABORTED },
  { http: 429, grpc: GRPC_STATUS.RESOURCE_EXHAUSTED },
  { http: 499, grpc: GRPC_STATUS.CANCELLED },
  { http: 500, grpc: GRPC_STATUS.INTERNAL },
  { http: 501, grpc: GRPC_STATUS.UNIMPLEMENTED },
  { http: 503, grpc: GRPC_STATUS.UNAVAILABLE },
  { http: 504, grpc: GRPC_STATUS.DEADLINE_EXCEEDED },
];

const GRPC_OF_HTTP = new Map(PROTOCOL_STATUS_TABLE.map((row) => [row.http, row.grpc]));
const CAUSES = new Set<string>(FAILURE_CAUSES);

/** The gRPC status an HTTP status is sent as (the table above, read right to left). */
export function grpcStatusOfHttp(status: number): number {
  const exact = GRPC_OF_HTTP.get(status);
  if (exact !== undefined) return exact;
  if (status < 400) return GRPC_STATUS.OK;
  if (status < 500) return GRPC_STATUS.FAILED_PRECONDITION;
  if (status === 502) return GRPC_STATUS.UNAVAILABLE;
  return GRPC_STATUS.UNKNOWN;
}

/** The cause the callee's sidecar states in `x-faultline-cause` (headers or trailing metadata), if it is a report cause. */
export function statedCause(headers: Headers): FailureCause | undefined {
  const cause = headerValue(headers, LOCAL_REPLY_CAUSE);
  return cause !== undefined && CAUSES.has(cause) ? (cause as FailureCause) : undefined;
}

/**
 * How an answer counts, on any protocol: the stated cause, else Envoy's overload flag on a
 * 503 (overflow), else by `grpcStatus` when it is a gRPC answer (≥ 0), else by HTTP status.
 */
export function outcomeOfAnswer(status: number, grpcStatus: number, headers: Headers): Outcome {
  const cause = statedCause(headers);
  if (cause !== undefined) return cause;
  if (status === 503 && headerValue(headers, OVERLOADED) === 'true') return 'overflow';
  return grpcStatus >= 0 ? outcomeOfGrpcStatus(grpcStatus) : outcomeOfStatus(status);
}

/** A transport failure as the report counts it (the twin of `failureOfError` for grpc-js). */
export interface GrpcTransportFailure {
  readonly cause: 'connect-failure' | 'reset' | 'tls';
  readonly detail: string | null;
}

/**
 * grpc-js keeps only the message of the error that failed its connection. A refusal by our
 * own check (`WorkloadTls.opaqueClientOptions`) starts with its `FL_TLS_…` code; OpenSSL's
 * verification errors are known by their texts (node's messages for the codes in
 * tls-failures.ts).
 */
const OPENSSL_MESSAGES: readonly [string, LiveHandshakeFailure][] = [
  ['certificate has expired', 'expired'],
  ['certificate is not yet valid', 'not-yet-valid'],
  ['unable to verify the first certificate', 'untrusted-issuer'],
  ['unable to get local issuer certificate', 'untrusted-issuer'],
  ['unable to get issuer certificate', 'untrusted-issuer'],
  ['self-signed certificate', 'untrusted-issuer'],
  ['certificate signature failure', 'untrusted-issuer'],
  ['certificate required', 'no-client-certificate'],
];
const FL_TLS_CODE = /\bFL_TLS_[A-Z_]+/;

/** The `FL_TLS_…` code of a handshake failure grpc-js reported in `details`, or null if it was not one. */
function tlsCodeIn(details: string): string | null {
  const own = FL_TLS_CODE.exec(details);
  if (own !== null) return own[0];
  const lower = details.toLowerCase();
  for (const [text, failure] of OPENSSL_MESSAGES) if (lower.includes(text)) return failureCodeOf(failure);
  return null;
}

const CONNECT_REFUSED: GrpcTransportFailure = { cause: 'connect-failure', detail: 'FL_CONNECT_REFUSED' };
const CONNECT_FAILED: GrpcTransportFailure = { cause: 'connect-failure', detail: null };
const RESET: GrpcTransportFailure = { cause: 'reset', detail: null };

/**
 * A status grpc-js made up on the client side because no answer came (no response headers,
 * no trailing metadata) read as the transport failure it stands for: `No connection
 * established` (a refused or failed connection, or a channel still backing off after one)
 * is `connect-failure`, or `tls` with its code when the handshake failed; anything else — a session destroyed mid-call reads `CANCELLED`
 * (RST_STREAM 8), a dropped connection `UNAVAILABLE` or `INTERNAL` — is `reset`. A local
 * DEADLINE_EXCEEDED is not a transport failure and is not asked here.
 */
export function failureOfGrpcStatus(details: string): GrpcTransportFailure {
  if (details.startsWith('No connection established')) {
    const tls = tlsCodeIn(details);
    if (tls !== null) return { cause: 'tls', detail: tls };
    return details.includes('ECONNREFUSED') ? CONNECT_REFUSED : CONNECT_FAILED;
  }
  return RESET;
}
