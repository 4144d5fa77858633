/**
 * Builds one calling instance's router for an edge from the edge's resolved policy: every
 * block becomes the proxy-core policy that implements it, with the references' defaults
 * where a field is absent and the policy off where a block is. The simulator and live mode
 * call this same builder, so the chain that was simulated is the chain that runs.
 */
import { createLoadBalancer, type LoadBalancer, type LoadBalancerKind } from '../balancing/load-balancer.js';
import { HostSet, type HostSpec } from '../balancing/host-set.js';
import { DEFAULT_PANIC_THRESHOLD_PERCENT } from '../balancing/locality-priority.js';
import type { Clock } from '../clock/clock.js';
import type { Rng } from '../clock/rng.js';
import type { Upstream } from '../call/upstream.js';
import { FailureAccrual, type FailureAccrualOptions } from '../health/failure-accrual.js';
import { DEFAULT_OUTLIER_DETECTION, OutlierDetector, type OutlierDetectionOptions } from '../health/outlier-detection.js';
import { ignoreEvents, type PolicyEventSink } from '../health/policy-event.js';
import { ResourceLimits } from '../health/resource-limits.js';
import { SlidingWindowBreaker, type SlidingWindowOptions } from '../health/sliding-window-breaker.js';
import { Bulkhead } from '../limits/bulkhead.js';
import { constantBackoff, createBackoff } from '../routing/backoff.js';
import { FaultFilter } from '../routing/fault-filter.js';
import { RetryOn } from '../routing/retry-on.js';
import type { RoutedCall } from '../routing/routed-call.js';
import { DEFAULT_RETRY_BUFFER_LIMIT_BYTES, Router, type RouterPolicies } from '../routing/router.js';
import { HostHealth } from './host-health.js';
import type { EdgePolicy } from './mesh-rule.js';
import { createRetryBudget } from './retry-budget-factory.js';

/** Istio's host_selection_retry_max_attempts with retryIgnorePreviousHosts (Envoy's default is 1). */
export const ISTIO_HOST_SELECTION_RETRY_MAX_ATTEMPTS = 5;

/** gRPC A6: hedging sends at most 5 attempts. */
export const GRPC_MAX_HEDGED_ATTEMPTS = 5;

const BALANCERS: Record<string, LoadBalancerKind> = {
  ROUND_ROBIN: 'round-robin',
  RANDOM: 'random',
  LEAST_REQUEST: 'least-request',
  PEAK_EWMA: 'peak-ewma',
};

/** What a router is built over, besides its policy. */
export interface RouterEnvironment<C extends RoutedCall> {
  readonly clock: Clock;
  /** The router's own random stream; the builder forks one per policy from it. */
  readonly rng: Rng;
  /** The callee's hosts (instances), with their zones, in the order the transport indexes them. */
  readonly hosts: readonly HostSpec[];
  /** Zone of the calling instance; -1 outside the mesh (no locality preference). */
  readonly callerZone: number;
  /** The transport. */
  readonly upstream: Upstream<C>;
  /** Receives the policies' state changes (breaker, ejections); default: ignored. */
  readonly events?: PolicyEventSink;
}

/** A built router with the policies it composes, for counters and teardown. */
export interface BuiltRouter<C extends RoutedCall> {
  readonly router: Router<C>;
  readonly policies: RouterPolicies;
}

/** The router of one calling instance on an edge whose resolved policy is `policy`. */
export function buildRouter<C extends RoutedCall>(policy: EdgePolicy, env: RouterEnvironment<C>): BuiltRouter<C> {
  const { clock, rng } = env;
  const events = env.events ?? ignoreEvents;
  const hosts = new HostSet(env.hosts, clock);
  const health = new HostHealth(hosts, events);
  const outlier = policy.outlierDetection ? new OutlierDetector(clock, rng.fork('outlier'), hosts.size, outlierOptions(policy), health.onEvent) : null;
  const accrual = policy.failureAccrual ? new FailureAccrual(clock, rng.fork('accrual'), hosts.size, accrualOptions(policy), health.onEvent) : null;
  health.outlier = outlier;
  health.accrual = accrual;
  const policies: RouterPolicies = {
    routeTimeoutMs: policy.timeoutMs,
    ...retryPolicies(policy),
    retryBufferLimitBytes: DEFAULT_RETRY_BUFFER_LIMIT_BYTES,
    budget: policy.retryBudget ? createRetryBudget(policy.retryBudget, clock, rng.fork('budget')) : null,
    limits: new ResourceLimits(policy.connectionPool ?? {}),
    bulkhead: policy.bulkhead ? new Bulkhead(policy.bulkhead.maxConcurrentCalls) : null,
    breaker: policy.circuitBreaker ? new SlidingWindowBreaker(clock, breakerOptions(policy), events) : null,
    outlier,
    accrual,
    hosts,
    balancer: balancer(policy, hosts, rng.fork('balancer'), env.callerZone),
    fault: policy.fault ? faultFilter(policy, rng.fork('fault')) : null,
  };
  return { router: new Router(clock, rng.fork('retry'), policies, env.upstream), policies };
}

/** Stops a built router's background timers (outlier sweeps, penalties, the breaker's wait): teardown. */
export function stopRouter(built: { readonly policies: RouterPolicies }): void {
  built.policies.outlier?.stop();
  built.policies.accrual?.stop();
  built.policies.breaker?.stop();
}

function retryPolicies(policy: EdgePolicy) {
  const h = policy.hedging;
  // gRPC hedging is Envoy's hedge on per-try timeout with the hedging delay as the per-try timeout and no backoff.
  if (h) {
    return {
      perTryTimeoutMs: h.hedgingDelay,
      maxRetries: Math.min(h.maxAttempts, GRPC_MAX_HEDGED_ATTEMPTS) - 1,
      retryOn: RetryOn.parse(h.nonFatalStatusCodes),
      backoff: constantBackoff(0),
      retryAfter: true,
      avoidPreviousHosts: true, // A6: hedges should reach other backends where the balancer can
      hostSelectionRetryMaxAttempts: ISTIO_HOST_SELECTION_RETRY_MAX_ATTEMPTS,
      hedgeOnPerTryTimeout: true,
    };
  }
  const r = policy.retries;
  return {
    perTryTimeoutMs: r?.perTryTimeout ?? 0,
    maxRetries: r?.attempts ?? 0,
    retryOn: r && r.attempts > 0 ? RetryOn.parse(r.retryOn) : null,
    backoff: createBackoff({ type: r?.backoff?.type ?? 'envoy', baseMs: r?.backoff?.base, maxMs: r?.backoff?.max, multiplier: r?.backoff?.multiplier }),
    retryAfter: r?.retryAfter ?? true,
    avoidPreviousHosts: r?.retryIgnorePreviousHosts ?? false,
    hostSelectionRetryMaxAttempts: r?.retryIgnorePreviousHosts ? ISTIO_HOST_SELECTION_RETRY_MAX_ATTEMPTS : 1,
    hedgeOnPerTryTimeout: r?.hedgeOnPerTryTimeout ?? false,
  };
}

function balancer(policy: EdgePolicy, hosts: HostSet, rng: Rng, callerZone: number): LoadBalancer {
  const lb = policy.loadBalancer;
  const locality = lb?.localityLbSetting;
  return createLoadBalancer(
    BALANCERS[lb?.simple ?? 'ROUND_ROBIN'],
    hosts,
    rng,
    { choiceCount: lb?.choiceCount, activeRequestBias: lb?.activeRequestBias },
    {
      enabled: !!locality?.enabled && callerZone >= 0,
      overprovisioningFactor: locality?.overprovisioningFactor,
      panicThresholdPercent: lb?.panicThreshold ?? DEFAULT_PANIC_THRESHOLD_PERCENT,
      callerZone: Math.max(0, callerZone),
    },
  );
}

function outlierOptions(policy: EdgePolicy): OutlierDetectionOptions {
  const o = policy.outlierDetection!;
  const sr = o.successRate;
  const fp = o.failurePercentage;
  return {
    consecutive5xx: o.consecutive5xxErrors || DEFAULT_OUTLIER_DETECTION.consecutive5xx,
    enforcingConsecutive5xx: o.consecutive5xxErrors > 0 ? 100 : 0, // Istio: 0 disables
    consecutiveGatewayFailure: o.consecutiveGatewayErrors || DEFAULT_OUTLIER_DETECTION.consecutiveGatewayFailure,
    enforcingConsecutiveGatewayFailure: o.consecutiveGatewayErrors > 0 ? 100 : 0,
    intervalMs: o.interval,
    baseEjectionTimeMs: o.baseEjectionTime,
    ...(o.maxEjectionTime !== undefined ? { maxEjectionTimeMs: o.maxEjectionTime } : {}),
    maxEjectionPercent: o.maxEjectionPercent,
    alwaysEjectOneHost: o.alwaysEjectOneHost,
    enforcingSuccessRate: sr ? 100 : 0, // Istio turns success-rate ejection off
    ...(sr ? { successRateMinimumHosts: sr.minimumHosts, successRateRequestVolume: sr.requestVolume, successRateStdevFactor: Math.round(sr.stdevFactor * 1000) } : {}),
    enforcingFailurePercentage: fp ? 100 : 0,
    ...(fp ? { failurePercentageThreshold: fp.threshold, failurePercentageMinimumHosts: fp.minimumHosts, failurePercentageRequestVolume: fp.requestVolume } : {}),
  };
}

function accrualOptions(policy: EdgePolicy): FailureAccrualOptions {
  const a = policy.failureAccrual!;
  return { maxFailures: a.consecutiveFailures, minPenaltyMs: a.minPenalty, maxPenaltyMs: a.maxPenalty, jitterRatio: a.jitterRatio };
}

function breakerOptions(policy: EdgePolicy): SlidingWindowOptions {
  const b = policy.circuitBreaker!;
  return {
    slidingWindowType: b.slidingWindowType,
    slidingWindowSize: b.slidingWindowSize,
    minimumNumberOfCalls: b.minimumNumberOfCalls,
    failureRateThreshold: b.failureRateThreshold,
    slowCallRateThreshold: b.slowCallRateThreshold,
    slowCallDurationThresholdMs: b.slowCallDurationThreshold,
    waitDurationInOpenStateMs: b.waitDurationInOpenState,
    permittedNumberOfCallsInHalfOpenState: b.permittedNumberOfCallsInHalfOpenState,
  };
}

function faultFilter(policy: EdgePolicy, rng: Rng): FaultFilter {
  const f = policy.fault!;
  return new FaultFilter(rng, {
    delay: f.delay && { fixedDelayMs: f.delay.fixedDelay, percentage: f.delay.percentage },
    abort: f.abort && { httpStatus: f.abort.httpStatus, percentage: f.abort.percentage },
    headers: f.headers,
  });
}
