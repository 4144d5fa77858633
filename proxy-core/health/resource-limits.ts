// Envoy: circuit_breaker.proto `CircuitBreakers.Thresholds` (one priority), with the
// HTTP/1.1 connection pool of source/common/conn_pool/conn_pool_base.cc (newStreamImpl,
// attachStreamToClient, onUpstreamReady) reduced to counts.

/** Envoy: circuit_breaker.proto `Thresholds` (the fields a simulated HTTP/1.1 cluster uses). */
export interface ResourceThresholds {
  /** `max_connections`: connections to the cluster; an HTTP/1.1 connection carries one request at a time. */
  maxConnections: number;
  /** `max_pending_requests`: requests queued for a connection. */
  maxPendingRequests: number;
  /** `max_requests`: requests on a connection at once. */
  maxRequests: number;
  /** `max_retries`: retries in flight at once (a concurrency limit, not a per-request count). */
  maxRetries: number;
}

/** {@link ResourceThresholds} with every field optional. */
export type ResourceThresholdsOptions = Partial<ResourceThresholds>;

/** Envoy's defaults: 1024 / 1024 / 1024 / 3. */
export const DEFAULT_RESOURCE_THRESHOLDS: Readonly<ResourceThresholds> = Object.freeze({
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
});

/** 2^32 − 1 (Go's `math.MaxUint32`): the largest value of Envoy's uint32 thresholds and counts. */
export const MAX_UINT32 = 4294967295;

/**
 * What Istio writes when a DestinationRule leaves a field of `connectionPool` unset:
 * MaxUint32 for all four (istio/istio pilot/pkg/networking/core/cluster_traffic_policy.go,
 * `getDefaultCircuitBreakerThresholds`; Envoy's `max_retries` 3 caused 503s during pod churn).
 * `tcp.maxConnections` → maxConnections, `http.http1MaxPendingRequests` → maxPendingRequests,
 * `http.http2MaxRequests` → maxRequests, `http.maxRetries` → maxRetries.
 */
export const ISTIO_CONNECTION_POOL_DEFAULTS: Readonly<ResourceThresholds> = Object.freeze({
  maxConnections: MAX_UINT32,
  maxPendingRequests: MAX_UINT32,
  maxRequests: MAX_UINT32,
  maxRetries: MAX_UINT32,
});

/**
 * Fills Envoy's defaults and checks the values.
 *
 * @throws RangeError if a threshold is not an integer ≥ 0.
 */
export function resolveResourceThresholds(options: ResourceThresholdsOptions = {}): ResourceThresholds {
  const config: ResourceThresholds = {
    maxConnections: options.maxConnections ?? DEFAULT_RESOURCE_THRESHOLDS.maxConnections,
    maxPendingRequests: options.maxPendingRequests ?? DEFAULT_RESOURCE_THRESHOLDS.maxPendingRequests,
    maxRequests: options.maxRequests ?? DEFAULT_RESOURCE_THRESHOLDS.maxRequests,
    maxRetries: options.maxRetries ?? DEFAULT_RESOURCE_THRESHOLDS.maxRetries,
  };
  for (const key of Object.keys(config) as (keyof ResourceThresholds)[]) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`circuit breaker ${key} must be an integer >= 0, got ${value}`);
    }
  }
  return config;
}

/**
 * Envoy's cluster circuit breakers for one priority, over an HTTP/1.1 connection pool.
 *
 * The model, in counts only:
 * - A request needs a connection to itself (HTTP/1.1). Connections are kept alive and
 *   opening one takes no time, so while fewer than `max_connections` requests are active a
 *   free or new connection serves the request at once: it becomes *active*.
 * - Otherwise every connection is busy and the request waits in the pool: it becomes
 *   *pending*; if `max_pending_requests` are already pending it overflows instead
 *   (Envoy: `upstream_rq_pending_overflow`, a local 503 with `x-envoy-overloaded`).
 * - A request about to become active overflows if `max_requests` are already active
 *   (Envoy checks `requests()` in attachStreamToClient, and counts the same stat).
 * - When a request ends, its connection takes the oldest pending request (onUpstreamReady):
 *   one pending request becomes active. This object only counts; how long a pending
 *   request waits is up to the caller's model.
 * - Retries are limited separately: at most `max_retries` in flight at once
 *   (`upstream_rq_retry_overflow`). A retry is also a request: the caller calls both
 *   {@link ResourceLimits.tryStartRetry} and {@link ResourceLimits.tryStartRequest}.
 *   A configured retry budget replaces `max_retries` in Envoy (see EnvoyRetryBudget).
 *
 * Differences from Envoy: connection set-up is instantaneous, so a request never waits as
 * pending for a connection being opened (in Envoy it does, and `max_pending_requests: 0`
 * then overflows every request that needs a new connection); Envoy's limits are shared
 * atomics that may be overshot briefly by racing workers, these are exact.
 */
export class ResourceLimits {
  /** The thresholds in force. */
  readonly thresholds: Readonly<ResourceThresholds>;
  /** Requests refused by `max_pending_requests` or `max_requests` (Envoy `upstream_rq_pending_overflow`). */
  requestOverflows = 0;
  /** Retries refused by `max_retries` (Envoy `upstream_rq_retry_overflow`). */
  retryOverflows = 0;
  private readonly maxConnections: number;
  private readonly maxPendingRequests: number;
  private readonly maxRequests: number;
  private readonly maxRetries: number;
  private activeCount = 0;
  private pendingCount = 0;
  private retryCount = 0;

  /** @throws RangeError on a bad threshold (see {@link resolveResourceThresholds}). */
  constructor(options: ResourceThresholdsOptions = {}) {
    const config = resolveResourceThresholds(options);
    this.thresholds = Object.freeze(config);
    this.maxConnections = config.maxConnections;
    this.maxPendingRequests = config.maxPendingRequests;
    this.maxRequests = config.maxRequests;
    this.maxRetries = config.maxRetries;
  }

  /** Requests on a connection now (Envoy gauge `upstream_rq_active`). */
  get active(): number {
    return this.activeCount;
  }

  /** Requests waiting for a connection now (Envoy gauge `upstream_rq_pending_active`). */
  get pending(): number {
    return this.pendingCount;
  }

  /** Retries in flight now (Envoy `remaining_retries` = maxRetries − this). */
  get activeRetries(): number {
    return this.retryCount;
  }

  /**
   * Admits a request as active or pending (`true`), or refuses it as an overflow (`false`).
   * Every admitted request must be matched by one {@link ResourceLimits.endRequest}.
   */
  tryStartRequest(): boolean {
    if (this.activeCount < this.maxConnections) {
      if (this.activeCount >= this.maxRequests) {
        this.requestOverflows++;
        return false;
      }
      this.activeCount++;
      return true;
    }
    if (this.pendingCount >= this.maxPendingRequests) {
      this.requestOverflows++;
      return false;
    }
    this.pendingCount++;
    return true;
  }

  /**
   * An admitted request ended (answered, failed, timed out or cancelled). If requests are
   * pending, the freed connection takes one of them; otherwise one fewer is active.
   *
   * @throws RangeError if no request is admitted (an end without a start is a bug).
   */
  endRequest(): void {
    if (this.pendingCount > 0) {
      this.pendingCount--;
    } else if (this.activeCount > 0) {
      this.activeCount--;
    } else {
      throw new RangeError('resource limits: endRequest() without a matching tryStartRequest()');
    }
  }

  /** Admits a retry if fewer than `max_retries` are in flight (`true`); otherwise counts an overflow. */
  tryStartRetry(): boolean {
    if (this.retryCount >= this.maxRetries) {
      this.retryOverflows++;
      return false;
    }
    this.retryCount++;
    return true;
  }

  /**
   * An admitted retry's outcome is known. As in Envoy (RetryStateImpl: `retries().inc()` in
   * shouldRetry, `dec()` in resetRetry), a retry counts from admission, through its backoff,
   * until then.
   *
   * @throws RangeError if no retry is in flight.
   */
  endRetry(): void {
    if (this.retryCount === 0) throw new RangeError('resource limits: endRetry() without a matching tryStartRetry()');
    this.retryCount--;
  }
}
