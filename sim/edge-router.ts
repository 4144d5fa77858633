/**
 * Builds one calling instance's router for an edge from the edge's resolved mesh policy:
 * every block of the scenario becomes the proxy-core policy that implements it, with the
 * references' defaults where a field is absent and the policy off where a block is.
 */
import { constantBackoff, createBackoff } from '../proxy-core/routing/backoff.js';
import { Bulkhead } from '../proxy-core/limits/bulkhead.js';
import { FailureAccrual, type FailureAccrualOptions } from '../proxy-core/health/failure-accrual.js';
import { FaultFilter } from '../proxy-core/routing/fault-filter.js';
import { HostSet } from '../proxy-core/balancing/host-set.js';
import { createLoadBalancer, type LoadBalancerKind } from '../proxy-core/balancing/load-balancer.js';
import { DEFAULT_PANIC_THRESHOLD_PERCENT } from '../proxy-core/balancing/locality-priority.js';
import { DEFAULT_OUTLIER_DETECTION, OutlierDetector, type OutlierDetectionOptions } from '../proxy-core/health/outlier-detection.js';
import type { PolicyEventKind, PolicyEventSink } from '../proxy-core/health/policy-event.js';
import { ResourceLimits } from '../proxy-core/health/resource-limits.js';
import { RetryOn } from '../proxy-core/routing/retry-on.js';
import { DEFAULT_RETRY_BUFFER_LIMIT_BYTES, Router, type RouterPolicies } from '../proxy-core/routing/router.js';
import { SlidingWindowBreaker, type SlidingWindowOptions } from '../proxy-core/health/sliding-window-breaker.js';
import type { Rng } from '../proxy-core/clock/rng.js';
import { createRetryBudget } from './retry-budget-of.js';
import type { Edge } from './edge.js';
import type { SimCall } from './sim-call.js';
import type { EdgePolicy } from './mesh-policy.js';
import type { World } from './world.js';

/** Istio's host_selection_retry_max_attempts with retryIgnorePreviousHosts (Envoy's default is 1). */
const ISTIO_HOST_SELECTION_RETRY_MAX_ATTEMPTS = 5;

const BALANCERS: Record<string, LoadBalancerKind> = {
  ROUND_ROBIN: 'round-robin',
  RANDOM: 'random',
  LEAST_REQUEST: 'least-request',
  PEAK_EWMA: 'peak-ewma',
};

/** The router of caller instance `callerIndex` (in zone `callerZone`, -1 outside the mesh) on `edge`. */
export function buildRouter(edge: Edge, world: World, callerIndex: number, callerZone: number): Router<SimCall> {
  const policy = edge.policy;
  const clock = world.clock;
  const rng = world.rng.fork(`router/${edge.name}/${callerIndex}`);
  const hosts = new HostSet(
    edge.callee.instances.map((i) => ({ zone: i.zone })),
    clock,
  );
  const events = eventSink(edge, world, callerIndex);
  let outlier: OutlierDetector | null = null;
  let accrual: FailureAccrual | null = null;
  // Health follows outlier detection and failure accrual: a host is healthy when neither shuts it.
  const health: PolicyEventSink = (kind, host, at) => {
    if (host >= 0) hosts.setHealthy(host, !(outlier?.isEjected(host) ?? false) && (accrual?.isAvailable(host) ?? true));
    events(kind, host, at);
  };
  outlier = policy.outlierDetection ? new OutlierDetector(clock, rng.fork('outlier'), hosts.size, outlierOptions(policy), health) : null;
  accrual = policy.failureAccrual ? new FailureAccrual(clock, rng.fork('accrual'), hosts.size, accrualOptions(policy), health) : null;
  const policies: RouterPolicies = {
    routeTimeoutMs: policy.timeoutMs,
    retryBufferLimitBytes: DEFAULT_RETRY_BUFFER_LIMIT_BYTES,
    ...retryPolicies(policy),
    budget: policy.retryBudget ? createRetryBudget(policy.retryBudget, clock, rng.fork('budget')) : null,
    limits: new ResourceLimits(policy.connectionPool ?? {}),
    bulkhead: policy.bulkhead ? new Bulkhead(policy.bulkhead.maxConcurrentCalls) : null,
    breaker: policy.circuitBreaker ? new SlidingWindowBreaker(clock, breakerOptions(policy), events) : null,
    outlier,
    accrual,
    hosts,
    balancer: balancer(policy, hosts, rng.fork('balancer'), callerZone),
    fault: policy.fault ? faultFilter(policy, rng.fork('fault')) : null,
  };
  return new Router(clock, rng.fork('retry'), policies, edge);
}

/** Forwards a router's policy events to the world's timeline, tagged with the edge and caller. */
function eventSink(edge: Edge, world: World, callerIndex: number): PolicyEventSink {
  return (kind: PolicyEventKind, host: number, at: number) => {
    world.timeline.record(kind, edge.name, callerIndex, host, at);
    edge.countEvent(kind);
  };
}

/** gRPC A6: hedging sends at most 5 attempts. */
const GRPC_MAX_ATTEMPTS = 5;

function retryPolicies(policy: EdgePolicy) {
  const h = policy.hedging;
  // gRPC hedging is Envoy's hedge on per-try timeout with the hedging delay as the per-try timeout and no backoff.
  if (h) {
    return {
      perTryTimeoutMs: h.hedgingDelay,
      maxRetries: Math.min(h.maxAttempts, GRPC_MAX_ATTEMPTS) - 1,
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

function balancer(policy: EdgePolicy, hosts: HostSet, rng: Rng, callerZone: number) {
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
