/**
 * The whole policy chain of one call, as the issue lists it, outside the simulator: a
 * `Router` with every caller-side policy on (route and per-try timeouts, retries on
 * '5xx,reset' under an Envoy retry budget, connection-pool thresholds, a sliding-window
 * breaker, outlier detection, least-request balancing over 3 hosts, a bulkhead), plus the
 * callee's inbound checks the simulator runs per attempt (a rate limit and an Istio ALLOW
 * policy on principals). Shared by bench/policy-chain.bench.ts (time) and
 * bench/policy-chain-child.ts (allocation).
 *
 * The clock does nothing (timers are armed and cancelled, never fire) and advances 1 ms per
 * call, so the token bucket refills; the upstream answers 200 synchronously from `send`.
 */
import { Authorizer, type RequestAttributes } from '../proxy-core/identity/authorization-policy.js';
import { envoyBackoff } from '../proxy-core/routing/backoff.js';
import { Bulkhead } from '../proxy-core/limits/bulkhead.js';
import type { Clock, TimerHandle } from '../proxy-core/clock/clock.js';
import type { Rng } from '../proxy-core/clock/rng.js';
import type { CallHandler } from '../proxy-core/call/dispatch.js';
import { NO_HEADERS } from '../proxy-core/call/headers.js';
import { EnvoyRetryBudget } from '../proxy-core/budgets/envoy-retry-budget.js';
import type { Outcome } from '../proxy-core/call/failure-cause.js';
import { HostSet } from '../proxy-core/balancing/host-set.js';
import { createLoadBalancer } from '../proxy-core/balancing/load-balancer.js';
import { OutlierDetector } from '../proxy-core/health/outlier-detection.js';
import { bucketForRate, RATE_LIMIT_UNIT_MS, RateLimit } from '../proxy-core/limits/rate-limit.js';
import { ResourceLimits } from '../proxy-core/health/resource-limits.js';
import { RetryOn } from '../proxy-core/routing/retry-on.js';
import { RoutedCall } from '../proxy-core/routing/routed-call.js';
import { DEFAULT_RETRY_BUFFER_LIMIT_BYTES, Router, type RouterPolicies } from '../proxy-core/routing/router.js';
import { SlidingWindowBreaker } from '../proxy-core/health/sliding-window-breaker.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../proxy-core/call/upstream.js';
import { SeededRng } from '../sim/seeded-rng.js';

const GATEWAY = 'cluster.local/ns/default/sa/gateway';

/** The request: the only per-call allocation. */
export class BenchCall extends RoutedCall {
  readonly caller = 'gateway';
  readonly callee = 'auth';
  /** Outcomes delivered to this call (must end at exactly 1). */
  outcomes = 0;
  okOutcomes = 0;
  constructor(id: number, startedAt: number) {
    super(id, 'GET', '/', 'auth', NO_HEADERS, startedAt);
  }
}

/** Clock time advanced by the caller; timers are handed out and never fire. */
export class InertClock implements Clock {
  time = 0;
  private nextHandle = 0;
  now(): number {
    return this.time;
  }
  epochMs(): number {
    return this.time;
  }
  schedule<T>(_delayMs: number, _callback: (arg: T) => void, _arg: T): TimerHandle {
    return ++this.nextHandle;
  }
  scheduleBackground<T>(_delayMs: number, _callback: (arg: T) => void, _arg: T): TimerHandle {
    return ++this.nextHandle;
  }
  cancel(_handle: TimerHandle): void {}
}

/** The transport's attempt object; the upstream owns one and reuses it (its answer is synchronous). */
class BenchAttempt implements UpstreamAttempt<BenchCall> {
  call: BenchCall = null!;
  host = 0;
  number = 0;
  sentAt = 0;
  abandoned = false;
  nextOutstanding: UpstreamAttempt<BenchCall> | null = null;
}

/** Answers every attempt 200 from inside `send`, reusing one attempt object. */
export class SyncOkUpstream implements Upstream<BenchCall> {
  sent = 0;
  private readonly attempt = new BenchAttempt();
  constructor(private readonly clock: Clock) {}
  send(req: BenchCall, host: number, number: number, _expected: number, handler: AttemptHandler<BenchCall>): void {
    const a = this.attempt;
    a.call = req;
    a.host = host;
    a.number = number;
    a.sentAt = this.clock.now();
    a.abandoned = false;
    a.nextOutstanding = null;
    this.sent++;
    handler.onAttemptSent(a);
    handler.onAttemptResponse(a, 200, 'ok', -1, -1, null);
  }
  abandon(_a: UpstreamAttempt<BenchCall>): void {}
}

const handler: CallHandler<BenchCall> = {
  onResponseStart(): void {},
  onResponseData(): void {},
  onResponseEnd(call: BenchCall, outcome: Outcome): void {
    call.outcomes++;
    if (outcome === 'ok') call.okOutcomes++;
  },
  onResponseError(call: BenchCall): void {
    call.outcomes++;
  },
};

/** One router with every policy on, the callee's inbound checks, and counters for the sanity check. */
export class PolicyChain {
  readonly clock = new InertClock();
  readonly upstream = new SyncOkUpstream(this.clock);
  readonly router: Router<BenchCall>;
  readonly rateLimit = new RateLimit(this.clock, { default: bucketForRate(100_000, RATE_LIMIT_UNIT_MS.second) });
  readonly authorizer = new Authorizer([
    { name: 'allow-gateway', action: 'ALLOW', rules: [{ from: [{ source: { principals: [GATEWAY] } }] }] },
  ]);
  private readonly attrs: { -readonly [K in keyof RequestAttributes]: RequestAttributes[K] } = {
    principal: GATEWAY,
    namespace: 'default',
    requestPrincipal: null,
    path: '/',
    method: 'GET',
    authority: 'auth',
    headers: NO_HEADERS,
    claims: null,
  };
  calls = 0;
  /** Calls that did not get exactly one 'ok' outcome, or were limited or denied. */
  bad = 0;

  constructor() {
    this.router = new Router(this.clock, new SeededRng(1).fork('router'), chainPolicies(this.clock, new SeededRng(1), { perTryTimeoutMs: 500, maxConcurrentCalls: 64 }), this.upstream);
  }

  /** One call through the whole chain: rate limit, authorization, then the router. */
  call(): void {
    const clock = this.clock;
    clock.time++;
    const call = new BenchCall(++this.calls, clock.time);
    if (!this.rateLimit.check(undefined) || this.authorizer.evaluate(this.attrs).decision !== 'allow') {
      this.bad++;
      return;
    }
    this.router.dispatch(call, handler);
    if (call.outcomes !== 1 || call.okOutcomes !== 1) this.bad++;
  }

  /** `n` calls. */
  run(n: number): void {
    for (let i = 0; i < n; i++) this.call();
  }

  /** Throws unless every call so far got exactly one 'ok' outcome and nothing was refused. */
  check(): void {
    const problems: string[] = [];
    if (this.bad !== 0) problems.push(`${this.bad} of ${this.calls} calls without exactly one 'ok' outcome (or limited/denied)`);
    if (this.upstream.sent !== this.calls) problems.push(`${this.upstream.sent} attempts for ${this.calls} calls, expected one each`);
    if (this.rateLimit.limited !== 0) problems.push(`${this.rateLimit.limited} calls rate-limited`);
    const s = this.router.stats;
    if (s.retries + s.rejected + s.noHealthyHost !== 0) problems.push(`router stats ${JSON.stringify(s)}`);
    if (problems.length > 0) throw new Error(`policy chain is not sane: ${problems.join('; ')}`);
  }
}

/** What allocating the request alone costs: a bare request per iteration, the same constructor. */
export function allocateBareRequests(n: number, sink: { last: BenchCall | null }): void {
  for (let i = 0; i < n; i++) sink.last = new BenchCall(i, i);
}

/**
 * Every caller-side policy of the benchmarked chain, the same for both policy-chain
 * benchmarks: route timeout 2 s, 2 retries on '5xx,reset' with Envoy's backoff under an
 * Envoy budget, avoiding hosts tried, pool thresholds, a bulkhead, a resilience4j breaker,
 * Envoy outlier detection, least-request over 3 hosts.
 */
export function chainPolicies(clock: Clock, rng: Rng, size: { perTryTimeoutMs: number; maxConcurrentCalls: number }): RouterPolicies {
  const hosts = new HostSet([{ zone: 0 }, { zone: 0 }, { zone: 0 }], clock);
  return {
    routeTimeoutMs: 2000,
    perTryTimeoutMs: size.perTryTimeoutMs,
    maxRetries: 2,
    retryOn: RetryOn.parse('5xx,reset'),
    backoff: envoyBackoff({}),
    retryAfter: true,
    avoidPreviousHosts: true,
    hostSelectionRetryMaxAttempts: 5,
    hedgeOnPerTryTimeout: false,
    retryBufferLimitBytes: DEFAULT_RETRY_BUFFER_LIMIT_BYTES,
    budget: new EnvoyRetryBudget(),
    limits: new ResourceLimits({ maxRequests: 1024 }),
    bulkhead: new Bulkhead(size.maxConcurrentCalls),
    breaker: new SlidingWindowBreaker(clock, { slidingWindowSize: 100, failureRateThreshold: 50 }),
    outlier: new OutlierDetector(clock, rng.fork('outlier'), 3, { consecutive5xx: 5, maxEjectionPercent: 34 }),
    accrual: null,
    hosts,
    balancer: createLoadBalancer('least-request', hosts, rng.fork('lb')),
    fault: null,
  };
}
