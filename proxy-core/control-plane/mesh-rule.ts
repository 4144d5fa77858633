/**
 * The mesh's policies as the control plane reads them: one rule per caller → callee (`*`
 * matches any), its blocks in the vocabulary of Istio's VirtualService and DestinationRule,
 * Envoy, Linkerd and resilience4j, with durations in ms and every default filled. The
 * scenario format (scenarios/mesh-schema.ts) produces exactly this shape; a live control
 * plane can build it from any other source. A block that is absent turns its policy off.
 */

/** Retries (Istio `HTTPRetry`, Envoy `RetryPolicy`). */
export interface RetriesSpec {
  /** Retries after the first attempt. */
  readonly attempts: number;
  /** Timeout of each attempt, ms (absent: the route timeout). */
  readonly perTryTimeout?: number;
  /** Envoy `retry_on`, comma separated. */
  readonly retryOn: string;
  /** Backoff: Envoy's, AWS full/equal/decorrelated jitter, gRPC's, or constant. */
  readonly backoff?: { readonly type: 'envoy' | 'full' | 'equal' | 'decorrelated' | 'grpc' | 'constant'; readonly base?: number; readonly max?: number; readonly multiplier?: number };
  /** Honour Retry-After as the backoff. */
  readonly retryAfter: boolean;
  /** Retries avoid the hosts already tried. */
  readonly retryIgnorePreviousHosts: boolean;
  /** Envoy HedgePolicy.hedge_on_per_try_timeout. */
  readonly hedgeOnPerTryTimeout: boolean;
}

/** gRPC's hedging policy (A6). */
export interface HedgingSpec {
  readonly maxAttempts: number;
  /** ms. */
  readonly hedgingDelay: number;
  /** Non-fatal failures, in retryOn syntax. */
  readonly nonFatalStatusCodes: string;
}

/** A retry budget: Envoy's, Linkerd's, gRPC's retry throttling, or the SRE book's adaptive throttling. */
export type RetryBudgetSpec =
  | { readonly type: 'envoy'; readonly percent: number; readonly minRetryConcurrency: number }
  | { readonly type: 'linkerd'; readonly retryRatio: number; readonly minRetriesPerSecond: number; readonly ttl: number }
  | { readonly type: 'grpc'; readonly maxTokens: number; readonly tokenRatio: number }
  | { readonly type: 'adaptive'; readonly k: number; readonly window: number; readonly maxRetryRatio: number };

/** Envoy circuit-breaker thresholds (Istio `connectionPool`); absent fields take Envoy's defaults. */
export interface ConnectionPoolSpec {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
}

/** Envoy outlier detection (Istio `outlierDetection`); durations in ms. */
export interface OutlierDetectionSpec {
  readonly consecutive5xxErrors: number;
  readonly consecutiveGatewayErrors: number;
  readonly interval: number;
  readonly baseEjectionTime: number;
  readonly maxEjectionTime?: number;
  readonly maxEjectionPercent: number;
  readonly alwaysEjectOneHost: boolean;
  readonly successRate?: { readonly minimumHosts: number; readonly requestVolume: number; readonly stdevFactor: number };
  readonly failurePercentage?: { readonly threshold: number; readonly minimumHosts: number; readonly requestVolume: number };
}

/** Linkerd failure accrual; durations in ms. */
export interface FailureAccrualSpec {
  readonly consecutiveFailures: number;
  readonly minPenalty: number;
  readonly maxPenalty: number;
  readonly jitterRatio: number;
}

/** resilience4j's circuit breaker; durations in ms. */
export interface CircuitBreakerSpec {
  readonly slidingWindowType: 'COUNT_BASED' | 'TIME_BASED';
  readonly slidingWindowSize: number;
  readonly minimumNumberOfCalls: number;
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number;
  readonly slowCallDurationThreshold: number;
  readonly waitDurationInOpenState: number;
  readonly permittedNumberOfCallsInHalfOpenState: number;
}

/** The load balancer (Istio `loadBalancer`), with locality failover. */
export interface LoadBalancerSpec {
  readonly simple: 'ROUND_ROBIN' | 'RANDOM' | 'LEAST_REQUEST' | 'PEAK_EWMA';
  readonly choiceCount: number;
  readonly activeRequestBias: number;
  readonly localityLbSetting?: { readonly enabled: boolean; readonly overprovisioningFactor: number };
  readonly panicThreshold: number;
}

/** Envoy's HTTP fault filter (Istio `HTTPFaultInjection`); delay in ms. */
export interface FaultInjectionSpec {
  readonly delay?: { readonly fixedDelay: number; readonly percentage: number };
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
  readonly headers?: Readonly<Record<string, string>>;
}

/** A rate limit on an edge's calls, checked by the callee (envoyproxy/ratelimit descriptors, Envoy local rate limit). */
export interface RateLimitSpec {
  readonly requestsPerUnit: number;
  readonly unit: 'second' | 'minute' | 'hour' | 'day';
  readonly key?: string;
  readonly perValue: boolean;
  readonly overrides: readonly { readonly value: string; readonly requestsPerUnit: number; readonly unit: 'second' | 'minute' | 'hour' | 'day' }[];
  /** `edge`: one limit shared by the callee's instances; `instance`: one per callee instance. */
  readonly scope: 'edge' | 'instance';
}

/** The blocks a rule can carry. */
export interface PolicyBlocks {
  readonly retries?: RetriesSpec;
  readonly hedging?: HedgingSpec;
  readonly retryBudget?: RetryBudgetSpec;
  readonly connectionPool?: ConnectionPoolSpec;
  readonly outlierDetection?: OutlierDetectionSpec;
  readonly failureAccrual?: FailureAccrualSpec;
  readonly circuitBreaker?: CircuitBreakerSpec;
  readonly bulkhead?: { readonly maxConcurrentCalls: number };
  readonly loadBalancer?: LoadBalancerSpec;
  readonly fault?: FaultInjectionSpec;
  readonly rateLimit?: RateLimitSpec;
  /** Send the calls to these services by weight instead of `to`. */
  readonly split?: readonly { readonly service: string; readonly weight: number }[];
}

/** One rule: the policies for calls `from` → `to` (`*` matches any). */
export interface MeshRule extends PolicyBlocks {
  readonly from: string;
  readonly to: string;
  /** Route timeout over all attempts, ms; 0 disables; absent: Envoy's 15 s. */
  readonly timeout?: number;
}

/** The policy in force on one edge: the route timeout, and each block from the most specific rule that has it. */
export interface EdgePolicy extends PolicyBlocks {
  /** Route timeout in ms over all attempts; 0: none. */
  readonly timeoutMs: number;
}
