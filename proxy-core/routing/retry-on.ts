import type { Outcome } from '../call/failure-cause.js';
import { GRPC_STATUS } from '../call/grpc-status.js';

/** Envoy's default `num_retries` when a route has a retry policy (route_components.proto). */
export const DEFAULT_ENVOY_NUM_RETRIES = 1;

/**
 * Istio's default `retryOn` when a VirtualService route sets no `retries`
 * (istio/istio `pilot/pkg/networking/core/route/retry/retry.go`).
 */
export const DEFAULT_ISTIO_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** Istio's default `attempts` (retries after the first attempt) when `retries` is omitted. */
export const DEFAULT_ISTIO_RETRY_ATTEMPTS = 2;

/** The named conditions {@link RetryOn.parse} accepts (Envoy router_filter.rst `x-envoy-retry-on` / `-grpc-on`). */
export const RETRY_ON_CONDITIONS = [
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const;

/** One of {@link RETRY_ON_CONDITIONS}. */
export type RetryCondition = (typeof RETRY_ON_CONDITIONS)[number];

const F_5XX = 1 << 0;
const F_GATEWAY = 1 << 1;
const F_RESET = 1 << 2;
const F_CONNECT = 1 << 3;
const F_4XX = 1 << 4;
const F_REFUSED = 1 << 5;
const F_CODES = 1 << 6;
const F_CANCELLED = 1 << 7;
const F_DEADLINE = 1 << 8;
const F_INTERNAL = 1 << 9;
const F_EXHAUSTED = 1 << 10;
const F_UNAVAILABLE = 1 << 11;

/** Lowest and highest status accepted in a status-code list. */
const MIN_STATUS = 100;
const MAX_STATUS = 599;

/**
 * The status a gRPC condition matches: a response's HTTP status stands for the gRPC status
 * Envoy maps onto it (`Grpc::Utility::grpcToHttpStatus`): CANCELLED→499, DEADLINE_EXCEEDED→504,
 * INTERNAL→500, RESOURCE_EXHAUSTED→429, UNAVAILABLE→503.
 */
const GRPC_AS_HTTP = { cancelled: 499, 'deadline-exceeded': 504, internal: 500, 'resource-exhausted': 429, unavailable: 503 };

/**
 * Which failed attempts a retry policy retries: Envoy `RetryPolicy.retry_on` (route_components.proto,
 * router_filter.rst; `RetryStateImpl::wouldRetryFromHeaders/FromReset`).
 *
 * `matches(status, outcome)` reads `status` 0 as "no response" (`outcome` then says why):
 * - `5xx`: any status ≥ 500, and every no-response: reset, connect-failure, per-try `timeout`.
 * - `gateway-error`: 502, 503, 504, and every no-response (Envoy counts a reset as a 5xx).
 * - `reset`: every no-response (a per-try timeout is a local reset in Envoy).
 * - `connect-failure`: only `connect-failure`.
 * - `retriable-4xx`: 409. `retriable-status-codes`: the listed statuses (any response status, as Envoy).
 * - `refused-stream`: HTTP/2 REFUSED_STREAM — the simulator has no such outcome, so it matches nothing.
 * - gRPC names match the HTTP status Envoy maps the gRPC status to: `cancelled` 499,
 *   `deadline-exceeded` 504, `internal` 500, `resource-exhausted` 429, `unavailable` 503. Like Envoy
 *   (which reads grpc-status from response headers only), they never match a no-response.
 *
 * Never retried, whatever the conditions: local rejections — `breaker-open`, `budget-exhausted`,
 * `authz-denied`, `authn-failed`, `tls`, `ejected`, `cancelled`, `rate-limited` (a 429 carrying x-envoy-ratelimited; in a mesh
 * every 429 comes from a rate-limit filter, so `resource-exhausted` and a listed 429 are inert) and
 * `overflow` without a response (Envoy's reset reason Overflow). Chosen here: `overflow` *with* a
 * status (503) is the upstream's own queue overflowing, a real upstream response, judged by its status.
 */
export class RetryOn {
  /** The named conditions, in the order given, without duplicates (numeric entries add `retriable-status-codes`). */
  readonly conditions: readonly RetryCondition[];
  /** The statuses `retriable-status-codes` retries, ascending; inert without that condition. */
  readonly retriableStatusCodes: readonly number[];
  private readonly flags: number;
  private readonly codes: Uint8Array;

  private constructor(conditions: RetryCondition[], codes: number[]) {
    let flags = 0;
    for (const c of conditions) flags |= 1 << RETRY_ON_CONDITIONS.indexOf(c);
    this.flags = flags;
    this.conditions = Object.freeze(conditions);
    this.retriableStatusCodes = Object.freeze([...new Set(codes)].sort((a, b) => a - b));
    this.codes = new Uint8Array(MAX_STATUS + 1);
    if (flags & F_CODES) for (const code of codes) this.codes[code] = 1;
  }

  /**
   * Parses an Envoy/Istio `retryOn` comma list (entries trimmed, empty entries skipped; an empty
   * list retries nothing). A numeric entry such as `503` is added to the retriable status codes
   * and turns on `retriable-status-codes`, as Istio does.
   *
   * @param retriableStatusCodes - Envoy `retriable_status_codes`, used only with `retriable-status-codes`.
   * @throws RangeError naming the valid conditions on an unknown entry, or on a status outside 100–599.
   */
  static parse(spec: string, retriableStatusCodes: readonly number[] = []): RetryOn {
    const conditions: RetryCondition[] = [];
    const codes: number[] = [];
    for (const code of retriableStatusCodes) codes.push(checkStatus(code, 'retriable status code'));
    for (const raw of spec.split(',')) {
      const entry = raw.trim();
      if (entry === '') continue;
      const condition = /^\d+$/.test(entry) ? addCode(codes, entry) : checkCondition(entry);
      if (!conditions.includes(condition)) conditions.push(condition);
    }
    return new RetryOn(conditions, codes);
  }

  /**
   * Whether a failed attempt should be retried (the retry limit and budgets are checked elsewhere).
   *
   * @param status - the response status, or 0 when no response arrived.
   * @param outcome - how the attempt ended; with status 0, why no response arrived.
   * @param grpcStatus - the response's `grpc-status` when it came with the headers (Envoy
   *   reads `retry_grpc_on` there only), else -1: gRPC names then match the HTTP status.
   */
  matches(status: number, outcome: Outcome, grpcStatus = -1): boolean {
    if (isLocalRejection(status, outcome)) return false;
    if (status === 0) return this.matchesNoResponse(outcome);
    if (grpcStatus >= 0) return this.matchesGrpc(grpcStatus) || (grpcStatus !== 0 && this.matchesStatus(status));
    return this.matchesStatus(status);
  }

  /** Envoy `retry_grpc_on`: the gRPC names against the `grpc-status` itself. */
  private matchesGrpc(code: number): boolean {
    const f = this.flags;
    return (
      (code === GRPC_STATUS.CANCELLED && (f & F_CANCELLED) !== 0) ||
      (code === GRPC_STATUS.DEADLINE_EXCEEDED && (f & F_DEADLINE) !== 0) ||
      (code === GRPC_STATUS.INTERNAL && (f & F_INTERNAL) !== 0) ||
      (code === GRPC_STATUS.RESOURCE_EXHAUSTED && (f & F_EXHAUSTED) !== 0) ||
      (code === GRPC_STATUS.UNAVAILABLE && (f & F_UNAVAILABLE) !== 0)
    );
  }

  private matchesNoResponse(outcome: Outcome): boolean {
    if (outcome === 'ok') return false;
    if (outcome === 'connect-failure') return (this.flags & (F_5XX | F_GATEWAY | F_RESET | F_CONNECT)) !== 0;
    return (this.flags & (F_5XX | F_GATEWAY | F_RESET)) !== 0;
  }

  private matchesStatus(status: number): boolean {
    const f = this.flags;
    if (status >= 500 && f & F_5XX) return true;
    if ((status === 502 || status === 503 || status === 504) && f & F_GATEWAY) return true;
    if (status === 409 && f & F_4XX) return true;
    if (status <= MAX_STATUS && this.codes[status] === 1) return true;
    return (
      (status === GRPC_AS_HTTP.unavailable && (f & F_UNAVAILABLE) !== 0) ||
      (status === GRPC_AS_HTTP.cancelled && (f & F_CANCELLED) !== 0) ||
      (status === GRPC_AS_HTTP['deadline-exceeded'] && (f & F_DEADLINE) !== 0) ||
      (status === GRPC_AS_HTTP.internal && (f & F_INTERNAL) !== 0) ||
      (status === GRPC_AS_HTTP['resource-exhausted'] && (f & F_EXHAUSTED) !== 0)
    );
  }
}

/** Local rejections are never retried; `overflow` counts as local only without a response. */
function isLocalRejection(status: number, outcome: Outcome): boolean {
  switch (outcome) {
    case 'breaker-open':
    case 'budget-exhausted':
    case 'authz-denied':
    case 'authn-failed':
    case 'cancelled':
    case 'tls':
    case 'ejected':
    case 'rate-limited':
      return true;
    case 'overflow':
      return status === 0;
    default:
      return false;
  }
}

function checkCondition(entry: string): RetryCondition {
  const i = (RETRY_ON_CONDITIONS as readonly string[]).indexOf(entry);
  if (i < 0) {
    throw new RangeError(
      `unknown retryOn condition '${entry}'; valid: ${RETRY_ON_CONDITIONS.join(', ')}, or an HTTP status such as 503`,
    );
  }
  return RETRY_ON_CONDITIONS[i];
}

function addCode(codes: number[], entry: string): RetryCondition {
  codes.push(checkStatus(Number(entry), 'retryOn status'));
  return 'retriable-status-codes';
}

function checkStatus(code: number, what: string): number {
  if (!Number.isInteger(code) || code < MIN_STATUS || code > MAX_STATUS) {
    throw new RangeError(`${what} must be an integer HTTP status in ${MIN_STATUS}–${MAX_STATUS}, got ${code}`);
  }
  return code;
}
