import type { FailureCause } from './failure-cause.js';

/** Marks a {@link CallError} across copies of this package (as undici brands its errors). */
const CALL_ERROR = Symbol.for('faultline.call-error');

/**
 * Why a call got no answer to forward, as an error object: one class per failure cause,
 * each with a stable `code` (`FL_…`, the same in sim and live mode). The simulator never
 * allocates these; it passes the cause and detail codes through {@link CallHandler}. A live
 * adapter that hands a failure to a Promise or an AbortSignal creates one with
 * {@link callErrorOf}.
 */
export abstract class CallError extends Error {
  /** Stable code, e.g. `FL_TIMEOUT`. */
  abstract readonly code: string;
  /** The report's failure cause. */
  abstract readonly failure: FailureCause;
  /** A finer stable code where the cause has one (`FL_TLS_CERT_EXPIRED`, `FL_JWT_EXPIRED`…), else null. */
  readonly detail: string | null;
  readonly [CALL_ERROR] = true;

  /** Creates the error; `message` says what happened in words. */
  constructor(message: string, detail: string | null = null) {
    super(detail === null ? message : `${message} (${detail})`);
    this.detail = detail;
  }
}

/** Whether `value` is a {@link CallError}, also when it comes from another copy of this package. */
export function isCallError(value: unknown): value is CallError {
  return typeof value === 'object' && value !== null && (value as { [CALL_ERROR]?: unknown })[CALL_ERROR] === true;
}

/** The route timeout (or a propagated deadline) passed before an answer: Envoy's 504 "upstream request timeout". */
export class CallTimeoutError extends CallError {
  readonly code = 'FL_TIMEOUT';
  readonly failure = 'timeout';
}
/** The upstream answered with a 5xx after the router gave up retrying. */
export class UpstreamServerError extends CallError {
  readonly code = 'FL_UPSTREAM_5XX';
  readonly failure = '5xx';
}
/** The upstream answered with a 4xx. */
export class UpstreamClientError extends CallError {
  readonly code = 'FL_UPSTREAM_4XX';
  readonly failure = '4xx';
}
/** The connection or stream was reset before the answer completed. */
export class UpstreamResetError extends CallError {
  readonly code = 'FL_RESET';
  readonly failure = 'reset';
}
/** No connection could be made to the host. */
export class ConnectFailureError extends CallError {
  readonly code = 'FL_CONNECT_FAILURE';
  readonly failure = 'connect-failure';
}
/** A connection-pool threshold, a bulkhead or the callee's queue refused the call (Envoy's x-envoy-overloaded). */
export class OverflowError extends CallError {
  readonly code = 'FL_OVERFLOW';
  readonly failure = 'overflow';
}
/** The circuit breaker is open. */
export class BreakerOpenError extends CallError {
  readonly code = 'FL_BREAKER_OPEN';
  readonly failure = 'breaker-open';
}
/** A rate limit refused the call (429). */
export class RateLimitedError extends CallError {
  readonly code = 'FL_RATE_LIMITED';
  readonly failure = 'rate-limited';
}
/** The retry budget refused the retry the call needed. */
export class BudgetExhaustedError extends CallError {
  readonly code = 'FL_BUDGET_EXHAUSTED';
  readonly failure = 'budget-exhausted';
}
/** No healthy host was left to send to (outlier detection, failure accrual). */
export class NoHealthyHostError extends CallError {
  readonly code = 'FL_NO_HEALTHY_HOST';
  readonly failure = 'ejected';
}
/** Authorization denied the call (403). */
export class AuthzDeniedError extends CallError {
  readonly code = 'FL_AUTHZ_DENIED';
  readonly failure = 'authz-denied';
}
/** Request authentication rejected the call's token (401). */
export class AuthnFailedError extends CallError {
  readonly code = 'FL_AUTHN_FAILED';
  readonly failure = 'authn-failed';
}
/** The mTLS handshake failed; `detail` says why (`FL_TLS_CERT_EXPIRED`…). */
export class TlsHandshakeError extends CallError {
  readonly code = 'FL_TLS';
  readonly failure = 'tls';
}
/** The call was cancelled from outside (the downstream went away, an AbortSignal). */
export class CallCancelledError extends CallError {
  readonly code = 'FL_CANCELLED';
  readonly failure = 'cancelled';
}

const MESSAGES: Readonly<Record<FailureCause, [new (message: string, detail: string | null) => CallError, string]>> = {
  timeout: [CallTimeoutError, 'upstream request timeout'],
  '5xx': [UpstreamServerError, 'upstream answered with a server error'],
  '4xx': [UpstreamClientError, 'upstream answered with a client error'],
  reset: [UpstreamResetError, 'upstream reset before the answer completed'],
  'connect-failure': [ConnectFailureError, 'upstream connect failure'],
  overflow: [OverflowError, 'overflow: a pool threshold, a bulkhead or a queue is full'],
  'breaker-open': [BreakerOpenError, 'the circuit breaker is open'],
  'rate-limited': [RateLimitedError, 'rate limited'],
  'budget-exhausted': [BudgetExhaustedError, 'the retry budget is exhausted'],
  ejected: [NoHealthyHostError, 'no healthy upstream host'],
  'authz-denied': [AuthzDeniedError, 'RBAC: access denied'],
  'authn-failed': [AuthnFailedError, 'Jwt verification fails'],
  tls: [TlsHandshakeError, 'TLS handshake failed'],
  cancelled: [CallCancelledError, 'the call was cancelled'],
};

/** The error object for a failure `cause` and its optional `detail` code. */
export function callErrorOf(cause: FailureCause, detail: string | null = null): CallError {
  const [ErrorClass, message] = MESSAGES[cause];
  return new ErrorClass(message, detail);
}
