/**
 * The `mesh` section: policies per caller → callee in the vocabulary of Istio's
 * VirtualService and DestinationRule, Envoy's cluster and route, Linkerd and resilience4j.
 * Absent fields take the references' defaults, the proxy-core policies' own `DEFAULT_*`; a
 * block that is absent turns its policy off, as in Istio. The parsed shape is the control
 * plane's `MeshRule` (proxy-core/control-plane/mesh-rule.ts), checked below.
 */
import { z } from 'zod';
import { DEFAULT_ADAPTIVE_THROTTLE } from '../proxy-core/budgets/adaptive-throttle.js';
import { DEFAULT_ENVOY_RETRY_BUDGET } from '../proxy-core/budgets/envoy-retry-budget.js';
import { GRPC_MAX_TOKENS } from '../proxy-core/budgets/grpc-retry-throttle.js';
import { DEFAULT_FAILURE_ACCRUAL } from '../proxy-core/health/failure-accrual.js';
import { MAX_UINT32 } from '../proxy-core/health/resource-limits.js';
import {
  DEFAULT_LINKERD_RETRY_BUDGET,
  LINKERD_MAX_RETRY_RATIO,
  LINKERD_MAX_TTL_MS,
  LINKERD_MIN_RETRIES_PER_SECOND_LIMIT,
  LINKERD_MIN_TTL_MS,
} from '../proxy-core/budgets/linkerd-retry-budget.js';
import { DEFAULT_ACTIVE_REQUEST_BIAS, DEFAULT_CHOICE_COUNT } from '../proxy-core/balancing/load-balancer.js';
import { DEFAULT_OVERPROVISIONING_FACTOR, DEFAULT_PANIC_THRESHOLD_PERCENT } from '../proxy-core/balancing/locality-priority.js';
import { DEFAULT_OUTLIER_DETECTION } from '../proxy-core/health/outlier-detection.js';
import { DEFAULT_ISTIO_RETRY_ATTEMPTS, DEFAULT_ISTIO_RETRY_ON } from '../proxy-core/routing/retry-on.js';
import { DEFAULT_SLIDING_WINDOW, MIN_WAIT_DURATION_IN_OPEN_STATE_MS } from '../proxy-core/health/sliding-window-breaker.js';
import { GRPC_MAX_HEDGED_ATTEMPTS } from '../proxy-core/control-plane/router-builder.js';
import type { MeshRule } from '../proxy-core/control-plane/mesh-rule.js';
import { MAX_CHOICE_COUNT, MAX_FACTOR, MAX_RETRY_ATTEMPTS, MAX_SLIDING_WINDOW_SIZE, MAX_WEIGHT } from './limits.js';
import { Duration, duration, Name, withBound } from './schema-primitives.js';

const Percent = z.number().min(0).max(100);

/** A count Envoy keeps in a uint32: an integer from `min` to 2^32 − 1. */
const uint32 = (min: number) => z.number().int().min(min).max(MAX_UINT32);

/** A duration the core needs above 0. */
const positiveDuration = (description?: string) => duration({ above: 0 }, description);

/** Retries (Istio `HTTPRetry`, Envoy `RetryPolicy`). */
export const Retries = z.strictObject({
  attempts: z
    .number()
    .int()
    .min(0)
    .max(MAX_RETRY_ATTEMPTS)
    .default(DEFAULT_ISTIO_RETRY_ATTEMPTS)
    .meta({ description: withBound('Retries after the first attempt (Istio: max requests = 1 + attempts; default 2).', MAX_RETRY_ATTEMPTS) }),
  perTryTimeout: duration({}, 'Timeout of each attempt; 0s or absent: the route timeout.').optional(),
  retryOn: z
    .string()
    .default(DEFAULT_ISTIO_RETRY_ON)
    .meta({ description: "Envoy retry_on conditions, comma separated: 5xx, gateway-error, reset, connect-failure, retriable-4xx, refused-stream, status codes like 503, gRPC names. Default: Istio's." }),
  backoff: z
    .strictObject({
      type: z.enum(['envoy', 'full', 'equal', 'decorrelated', 'grpc', 'constant']).default('envoy'),
      base: duration({}, 'Base interval (Envoy default 25ms); above 0 except for type constant.').optional(),
      max: duration({}, 'Cap, at least base (Envoy default 10 × base); not for type constant.').optional(),
      multiplier: z.number().gt(0).max(MAX_FACTOR).optional().meta({ description: withBound('gRPC backoffMultiplier; type grpc only.', MAX_FACTOR) }),
    })
    .optional(),
  retryAfter: z.boolean().default(true).meta({ description: 'Honour a Retry-After answer as the backoff (Envoy rate_limited_retry_back_off).' }),
  retryIgnorePreviousHosts: z.boolean().default(true).meta({ description: 'Retries avoid the hosts already tried (Istio default true).' }),
  hedgeOnPerTryTimeout: z.boolean().default(false).meta({ description: 'On a per-try timeout, send a retry without cancelling the slow attempt (Envoy HedgePolicy).' }),
});
/** Parsed retries. */
export type Retries = z.output<typeof Retries>;

/**
 * gRPC's hedging policy (A6 hedgingPolicy): the first attempt at once, another every
 * `hedgingDelay` until `maxAttempts` (capped at 5), the first good answer wins; a non-fatal
 * failure sends the next hedge at once. Exclusive with `retries`, as in gRPC.
 */
export const Hedging = z.strictObject({
  maxAttempts: z.number().int().min(2).max(GRPC_MAX_HEDGED_ATTEMPTS),
  hedgingDelay: positiveDuration('Delay between hedges (faultline does not send all hedges at once).'),
  nonFatalStatusCodes: z.string().default('unavailable').meta({ description: 'Failures after which the next hedge goes at once, in retryOn syntax (gRPC names or status codes).' }),
});
/** A parsed hedging policy. */
export type Hedging = z.output<typeof Hedging>;

/** A retry budget: Envoy's, Linkerd's, gRPC's retry throttling, or the SRE book's adaptive throttling. */
export const RetryBudget = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('envoy'),
    percent: Percent.default(DEFAULT_ENVOY_RETRY_BUDGET.budgetPercent),
    minRetryConcurrency: uint32(0).default(DEFAULT_ENVOY_RETRY_BUDGET.minRetryConcurrency),
  }),
  z.strictObject({
    type: z.literal('linkerd'),
    retryRatio: z.number().min(0).max(LINKERD_MAX_RETRY_RATIO).default(DEFAULT_LINKERD_RETRY_BUDGET.retryRatio),
    minRetriesPerSecond: z
      .number()
      .int()
      .min(0)
      .max(LINKERD_MIN_RETRIES_PER_SECOND_LIMIT - 1)
      .default(DEFAULT_LINKERD_RETRY_BUDGET.minRetriesPerSecond),
    ttl: duration({ min: LINKERD_MIN_TTL_MS, max: LINKERD_MAX_TTL_MS }, 'How long a deposit counts (Linkerd: 1s to 60s).').default(DEFAULT_LINKERD_RETRY_BUDGET.ttlMs),
  }),
  z.strictObject({
    type: z.literal('grpc'),
    maxTokens: z.number().gt(0).max(GRPC_MAX_TOKENS).default(10),
    tokenRatio: z.number().min(0.001).max(GRPC_MAX_TOKENS).default(0.1).meta({ description: 'Tokens a success adds; gRPC counts 3 decimals, so at least 0.001.' }),
  }),
  z.strictObject({
    type: z.literal('adaptive'),
    k: z.number().gt(0).max(MAX_FACTOR).default(DEFAULT_ADAPTIVE_THROTTLE.k),
    window: positiveDuration('How far back requests and accepts count.').default(DEFAULT_ADAPTIVE_THROTTLE.windowMs),
    maxRetryRatio: z.number().min(0).max(1).default(DEFAULT_ADAPTIVE_THROTTLE.maxRetryRatio),
  }),
]);
/** A parsed retry budget. */
export type RetryBudget = z.output<typeof RetryBudget>;

/** Envoy circuit-breaker thresholds (Istio `connectionPool`); absent fields take Envoy's defaults. */
export const ConnectionPool = z.strictObject({
  maxConnections: uint32(1).optional().meta({ description: 'Envoy max_connections (default 1024).' }),
  maxPendingRequests: uint32(0).optional().meta({ description: 'Envoy max_pending_requests (default 1024).' }),
  maxRequests: uint32(1).optional().meta({ description: 'Envoy max_requests (default 1024).' }),
  maxRetries: uint32(0).optional().meta({ description: 'Envoy max_retries: concurrent retries (default 3).' }),
});
/** Parsed connection-pool thresholds. */
export type ConnectionPool = z.output<typeof ConnectionPool>;

/** Envoy outlier detection (Istio `outlierDetection`). */
export const OutlierDetection = z.strictObject({
  consecutive5xxErrors: uint32(0).default(DEFAULT_OUTLIER_DETECTION.consecutive5xx),
  consecutiveGatewayErrors: uint32(0).default(0).meta({ description: 'Off by default (Istio).' }),
  interval: positiveDuration('Time between ejection sweeps.').default(DEFAULT_OUTLIER_DETECTION.intervalMs),
  baseEjectionTime: positiveDuration('Ejection time per time ejected in a row.').default(DEFAULT_OUTLIER_DETECTION.baseEjectionTimeMs),
  maxEjectionTime: positiveDuration('Cap on the ejection time, at least baseEjectionTime; default max(300s, baseEjectionTime).').optional(),
  maxEjectionPercent: Percent.default(DEFAULT_OUTLIER_DETECTION.maxEjectionPercent).meta({ description: 'Envoy: a host is ejected only while ejected hosts stay within this share, so 10% ejects nothing below 10 hosts.' }),
  alwaysEjectOneHost: z.boolean().default(DEFAULT_OUTLIER_DETECTION.alwaysEjectOneHost).meta({ description: 'Envoy always_eject_one_host: eject one host even when the percentage allows none.' }),
  successRate: z
    .strictObject({
      minimumHosts: uint32(1).default(DEFAULT_OUTLIER_DETECTION.successRateMinimumHosts),
      requestVolume: uint32(1).default(DEFAULT_OUTLIER_DETECTION.successRateRequestVolume),
      stdevFactor: z
        .number()
        .gt(0)
        .max(MAX_UINT32 / 1000)
        .default(DEFAULT_OUTLIER_DETECTION.successRateStdevFactor / 1000)
        .meta({ description: 'Envoy success_rate_stdev_factor / 1000 (Envoy keeps thousandths in a uint32).' }),
    })
    .optional()
    .meta({ description: 'Success-rate ejection (Envoy; Istio turns it off, so it is off unless given).' }),
  failurePercentage: z
    .strictObject({
      threshold: Percent.default(DEFAULT_OUTLIER_DETECTION.failurePercentageThreshold),
      minimumHosts: uint32(1).default(DEFAULT_OUTLIER_DETECTION.failurePercentageMinimumHosts),
      requestVolume: uint32(1).default(DEFAULT_OUTLIER_DETECTION.failurePercentageRequestVolume),
    })
    .optional()
    .meta({ description: 'Failure-percentage ejection (Envoy; off unless given).' }),
});
/** Parsed outlier detection. */
export type OutlierDetection = z.output<typeof OutlierDetection>;

/** Linkerd failure accrual: consecutive failures shut an endpoint, then one probe at a time. */
export const FailureAccrual = z.strictObject({
  consecutiveFailures: uint32(1).default(DEFAULT_FAILURE_ACCRUAL.maxFailures),
  minPenalty: Duration.default(DEFAULT_FAILURE_ACCRUAL.minPenaltyMs),
  maxPenalty: positiveDuration('Cap on the backoff, at least minPenalty.').default(DEFAULT_FAILURE_ACCRUAL.maxPenaltyMs),
  jitterRatio: z.number().min(0).max(100).default(DEFAULT_FAILURE_ACCRUAL.jitterRatio),
});
/** Parsed failure accrual. */
export type FailureAccrual = z.output<typeof FailureAccrual>;

/** resilience4j's circuit breaker over a count- or time-based sliding window. */
export const CircuitBreaker = z.strictObject({
  slidingWindowType: z.enum(['COUNT_BASED', 'TIME_BASED']).default(DEFAULT_SLIDING_WINDOW.slidingWindowType),
  slidingWindowSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_SLIDING_WINDOW_SIZE)
    .default(DEFAULT_SLIDING_WINDOW.slidingWindowSize)
    .meta({ description: withBound('Calls (COUNT_BASED) or seconds (TIME_BASED); kept in memory per calling instance.', MAX_SLIDING_WINDOW_SIZE) }),
  minimumNumberOfCalls: uint32(1).default(DEFAULT_SLIDING_WINDOW.minimumNumberOfCalls),
  failureRateThreshold: z.number().gt(0).max(100).default(DEFAULT_SLIDING_WINDOW.failureRateThreshold),
  slowCallRateThreshold: z.number().gt(0).max(100).default(DEFAULT_SLIDING_WINDOW.slowCallRateThreshold),
  slowCallDurationThreshold: positiveDuration('A call lasting longer is slow.').default(DEFAULT_SLIDING_WINDOW.slowCallDurationThresholdMs),
  waitDurationInOpenState: duration({ min: MIN_WAIT_DURATION_IN_OPEN_STATE_MS }, 'Time the breaker stays open before trial calls.').default(DEFAULT_SLIDING_WINDOW.waitDurationInOpenStateMs),
  permittedNumberOfCallsInHalfOpenState: uint32(1).default(DEFAULT_SLIDING_WINDOW.permittedNumberOfCallsInHalfOpenState),
});
/** Parsed sliding-window breaker. */
export type CircuitBreaker = z.output<typeof CircuitBreaker>;

/** The load balancer (Istio `loadBalancer`), with locality failover. */
export const LoadBalancer = z.strictObject({
  simple: z
    .enum(['ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST', 'PEAK_EWMA'])
    .default('ROUND_ROBIN')
    .meta({ description: "Envoy's default is ROUND_ROBIN; LEAST_REQUEST is P2C; PEAK_EWMA is Linkerd's." }),
  choiceCount: z
    .number()
    .int()
    .min(2)
    .max(MAX_CHOICE_COUNT)
    .default(DEFAULT_CHOICE_COUNT)
    .meta({ description: withBound('Hosts a least-request pick compares.', MAX_CHOICE_COUNT) }),
  activeRequestBias: z.number().min(0).max(MAX_FACTOR).default(DEFAULT_ACTIVE_REQUEST_BIAS),
  localityLbSetting: z
    .strictObject({
      enabled: z.boolean().default(true),
      overprovisioningFactor: z.number().min(1).max(MAX_FACTOR).default(DEFAULT_OVERPROVISIONING_FACTOR),
    })
    .optional()
    .meta({ description: "Prefer the caller's zone; fail over to other zones as its hosts become unhealthy (Envoy priorities)." }),
  panicThreshold: Percent.default(DEFAULT_PANIC_THRESHOLD_PERCENT).meta({ description: 'Envoy healthy_panic_threshold (Istio minHealthPercent).' }),
});
/** A parsed load balancer. */
export type LoadBalancer = z.output<typeof LoadBalancer>;

/** Envoy's HTTP fault filter (Istio `HTTPFaultInjection`); percentage unset means none, as in Istio. */
export const FaultInjection = z.strictObject({
  delay: z.strictObject({ fixedDelay: positiveDuration(), percentage: Percent.default(0) }).optional(),
  abort: z.strictObject({ httpStatus: z.number().int().min(200).max(599), percentage: Percent.default(0) }).optional(),
  headers: z.record(z.string(), z.string()).optional().meta({ description: 'Only requests with all these header values are faulted.' }),
});
/** Parsed fault injection. */
export type FaultInjection = z.output<typeof FaultInjection>;

const RateLimitUnit = z.enum(['second', 'minute', 'hour', 'day']);
const LimitWindow = { requestsPerUnit: uint32(1), unit: RateLimitUnit };

/**
 * A rate limit on the calls of an edge, checked by the callee (answering 429), in the
 * vocabulary of envoyproxy/ratelimit: a limit per unit, optionally one per value of a key,
 * with overrides for particular values; shared by the callee's instances (a global limit) or
 * per instance (Envoy's local rate limit).
 */
export const RateLimit = z.strictObject({
  ...LimitWindow,
  key: z.string().optional().meta({ description: "A header name, or 'source.principal' / 'source.service' for the caller." }),
  perValue: z.boolean().default(false).meta({ description: 'Each value of key gets its own limit.' }),
  overrides: z.array(z.strictObject({ value: z.string(), ...LimitWindow })).default([]),
  scope: z
    .enum(['edge', 'instance'])
    .default('edge')
    .meta({ description: "edge: one limit for the edge's calls, shared by the callee's instances (a global rate limit service); instance: one per callee instance (Envoy's local rate limit, per sidecar)." }),
});
/** A parsed rate limit. */
export type RateLimit = z.output<typeof RateLimit>;

/** A weighted destination of a traffic split (Istio route destinations with weights). */
export const SplitDestination = z.strictObject({
  service: Name,
  weight: z.number().int().min(0).max(MAX_WEIGHT).meta({ description: withBound('Share of the calls; at least one destination needs a weight above 0.', MAX_WEIGHT) }),
});

/** Policies for calls from `from` to `to` (`*` matches any). More specific rules override less specific ones, block by block. */
export const MeshPolicy = z.strictObject({
  from: z.string().default('*'),
  to: z.string().default('*'),
  timeout: Duration.optional().meta({ description: 'Route timeout over all attempts and backoff; 0s disables (Envoy default 15s).' }),
  retries: Retries.optional(),
  hedging: Hedging.optional(),
  retryBudget: RetryBudget.optional(),
  connectionPool: ConnectionPool.optional(),
  outlierDetection: OutlierDetection.optional(),
  failureAccrual: FailureAccrual.optional(),
  circuitBreaker: CircuitBreaker.optional(),
  bulkhead: z.strictObject({ maxConcurrentCalls: uint32(1) }).optional().meta({ description: 'Most calls in flight on the edge from one caller instance; beyond it calls fail fast (overflow).' }),
  loadBalancer: LoadBalancer.optional(),
  fault: FaultInjection.optional(),
  rateLimit: RateLimit.optional(),
  split: z.array(SplitDestination).min(1).optional().meta({ description: 'Send the calls to these services by weight instead of `to` (canaries).' }),
});
/** A parsed mesh policy. */
export type MeshPolicy = z.output<typeof MeshPolicy>;

/** The parsed policy is exactly what the control plane reads: this fails to compile if they drift apart. */
const _parsedPolicyIsAMeshRule: (policy: MeshPolicy) => MeshRule = (policy) => policy;
void _parsedPolicyIsAMeshRule;

/** The mesh: policies for calls, each from a caller to a callee. */
export const Mesh = z.strictObject({
  policies: z.array(MeshPolicy).default([]),
});
