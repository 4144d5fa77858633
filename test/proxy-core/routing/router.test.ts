import { describe, expect, it } from 'vitest';
import { constantBackoff, envoyBackoff } from '../../../proxy-core/routing/backoff.js';
import { Bulkhead } from '../../../proxy-core/limits/bulkhead.js';
import { EnvoyRetryBudget } from '../../../proxy-core/budgets/envoy-retry-budget.js';
import { GrpcRetryThrottle } from '../../../proxy-core/budgets/grpc-retry-throttle.js';
import { GRPC_STATUS } from '../../../proxy-core/call/grpc-status.js';
import { FaultFilter } from '../../../proxy-core/routing/fault-filter.js';
import { createLoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { OutlierDetector } from '../../../proxy-core/health/outlier-detection.js';
import { ResourceLimits } from '../../../proxy-core/health/resource-limits.js';
import { RetryOn } from '../../../proxy-core/routing/retry-on.js';
import { Router } from '../../../proxy-core/routing/router.js';
import { SlidingWindowBreaker } from '../../../proxy-core/health/sliding-window-breaker.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { constantRng, policies, RecordingHandler, scriptedBalancer, ScriptedUpstream, TestCall } from './router-fixture.js';

const retry5xx = RetryOn.parse('5xx');

/** Dispatches one call now and returns it with what its caller saw. */
function call(router: Router<TestCall>, clock: VirtualClock, handler = new RecordingHandler(clock), deadline = Infinity) {
  const req = new TestCall(1, clock.now());
  req.deadline = deadline;
  router.dispatch(req, handler);
  return { req, seen: handler.of(req), handler };
}

describe('router: the call contract', () => {
  it('delivers start then end for an answer, and the commit point names the attempt that won', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 5, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock), up);
    const { req, seen } = call(router, clock);
    clock.run();
    expect(seen.events).toEqual(['start 200', 'end ok']);
    expect(req.committedAttempt).toBe(1);
  });

  it('is right when the transport answers inside send, before it returns', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => ({ delay: 'sync', status: n < 3 ? 503 : 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx, perTryTimeoutMs: 100 }), up);
    const { seen, req } = call(router, clock);
    expect(seen.events).toEqual(['start 200', 'end ok']); // three attempts, all within dispatch
    expect(req.committedAttempt).toBe(3);
    expect(clock.queue.size).toBe(0); // no per-try or route timer left behind
    expect(up.open).toBe(0);
  });

  it('counts an HTTP 200 whose gRPC status is NOT_FOUND as a failure, and keeps the status', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 200, grpc: GRPC_STATUS.NOT_FOUND }));
    const router = new Router(clock, new SeededRng(1), policies(clock), up);
    const { seen } = call(router, clock);
    clock.run();
    expect(seen.events).toEqual(['start 200', 'end 4xx']);
    expect(seen.grpc).toBe(GRPC_STATUS.NOT_FOUND);
  });

  it('cancel ends the call with cancelled, abandons its attempts and frees what it held', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => null);
    const bulkhead = new Bulkhead(1);
    const p = policies(clock, { bulkhead });
    const router = new Router(clock, new SeededRng(1), p, up);
    const { req, seen } = call(router, clock);
    clock.runUntil(50);
    router.cancel(req);
    router.cancel(req); // a second cancel does nothing
    expect(seen.events).toEqual(['error cancelled']);
    expect(up.abandoned).toEqual([1]);
    expect(up.open).toBe(0);
    expect(bulkhead.active).toBe(0);
    expect(p.limits.active).toBe(0);
    expect(p.hosts.active(0)).toBe(0);
    expect(router.stats.cancelled).toBe(1);
    clock.run();
    expect(seen.events).toEqual(['error cancelled']); // the route timer was cancelled too
  });

  it('cancel after the commit point breaks the forwarded response', () => {
    const clock = new VirtualClock();
    const handler = new RecordingHandler(clock);
    const up = new ScriptedUpstream(clock, () => ({ delay: 5, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock), up);
    const req = new TestCall(1, 0);
    router.dispatch(req, {
      onResponseStart: (c, status) => {
        handler.onResponseStart(c, status);
        router.cancel(c); // the downstream goes away as the headers arrive
      },
      onResponseData: () => {},
      onResponseEnd: (c, o, d, g) => handler.onResponseEnd(c, o, d, g),
      onResponseError: (c, cause, d) => handler.onResponseError(c, cause, d),
    });
    clock.run();
    expect(handler.of(req).events).toEqual(['start 200', 'error cancelled']);
  });
});

describe('router: retries', () => {
  it('retries a 5xx up to num_retries, after the backoff, and forwards the last failure', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 10, status: 503 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 2, retryOn: retry5xx, backoff: constantBackoff(100) }), up);
    const { seen, req } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.at)).toEqual([0, 110, 220]); // answer after 10 ms, then 100 ms backoff
    expect(seen.events).toEqual(['start 503', 'end 5xx']);
    expect(seen.endedAt).toBe(230);
    expect(req.committedAttempt).toBe(3);
    expect(router.stats.retries).toBe(2);
  });

  it('waits the Envoy fully-jittered exponential backoff: retry N in [0, min(25·2^(N−1), 250)) ms', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 0, status: 500 }));
    // A draw just below 1 gives the top of each range: 24, 49, 99, 199, 249.
    const router = new Router(clock, constantRng(0.9999), policies(clock, { maxRetries: 5, retryOn: retry5xx, backoff: envoyBackoff({}) }), up);
    call(router, clock);
    clock.run();
    const gaps = up.sent.slice(1).map((s, i) => s.at - up.sent[i].at);
    expect(gaps).toEqual([24, 49, 99, 199, 249]);
  });

  it('does not retry what retry_on does not name, nor a success', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => ({ delay: 5, status: n === 1 ? 404 : 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx }), up);
    const { seen } = call(router, clock);
    clock.run();
    expect(up.sent).toHaveLength(1);
    expect(seen.events).toEqual(['start 404', 'end 4xx']);
  });

  it("honours the answer's Retry-After instead of the backoff", () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => (n === 1 ? { delay: 0, status: 503, retryAfterMs: 2000 } : { delay: 0, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 1, retryOn: retry5xx, backoff: constantBackoff(25) }), up);
    const { seen } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.at)).toEqual([0, 2000]);
    expect([seen.endedAt, seen.outcome]).toEqual([2000, 'ok']);
  });

  it('sends a retry to another host than the ones tried (Envoy previous_hosts)', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (host) => ({ delay: 1, status: host === 0 ? 503 : 200 }));
    const p = policies(clock, { maxRetries: 1, retryOn: retry5xx, avoidPreviousHosts: true, hostSelectionRetryMaxAttempts: 5, balancer: scriptedBalancer([0, 0, 0, 2]) });
    const router = new Router(clock, new SeededRng(1), p, up);
    const { seen } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.host)).toEqual([0, 2]);
    expect(seen.outcome).toBe('ok');
  });

  it('tells hosts 0, 31 and 32 apart when avoiding the hosts tried', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (host) => ({ delay: 1, status: host === 40 ? 200 : 503 }));
    // Tried 0 then 31; the balancer offers 32 next, which was never tried and must be taken.
    const p = policies(clock, { maxRetries: 3, retryOn: retry5xx, avoidPreviousHosts: true, hostSelectionRetryMaxAttempts: 5, balancer: scriptedBalancer([0, 31, 32, 32, 40]) }, 41);
    const router = new Router(clock, new SeededRng(1), p, up);
    call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.host)).toEqual([0, 31, 32, 40]);
  });

  it('forwards the failure with budget-exhausted when the Envoy budget refuses the retry', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const budget = new EnvoyRetryBudget({ budgetPercent: 0, minRetryConcurrency: 0 });
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx, budget }), up);
    const { seen } = call(router, clock);
    clock.run();
    expect(up.sent).toHaveLength(1);
    expect(seen.events).toEqual(['start 503', 'end budget-exhausted']);
    expect(router.stats.budgetDenied).toBe(1);
  });

  it("refuses retries beyond Envoy's max_retries threshold when no budget is set (overflow)", () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const limits = new ResourceLimits({ maxRetries: 0 });
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx, limits }), up);
    const { seen } = call(router, clock);
    clock.run();
    expect(seen.outcome).toBe('overflow');
    expect(router.stats.retryOverflow).toBe(1);
  });

  it('a retry passes max_requests like a first attempt: with the pool full the retry is refused (overflow)', () => {
    const clock = new VirtualClock();
    // Host 0 fails fast; host 1 never answers, so the second call keeps the only request slot.
    const up = new ScriptedUpstream(clock, (host) => (host === 0 ? { delay: 10, status: 503 } : null));
    const limits = new ResourceLimits({ maxRequests: 1, maxConnections: 1, maxPendingRequests: 0 });
    const p = policies(clock, { maxRetries: 2, retryOn: retry5xx, backoff: constantBackoff(5), limits, balancer: scriptedBalancer([0, 1, 0]) });
    const router = new Router(clock, new SeededRng(1), p, up);
    const handler = new RecordingHandler(clock);
    const first = call(router, clock, handler);
    clock.runUntil(12); // the first attempt failed at 10 and released its slot; its retry waits out the backoff
    const second = call(router, clock, handler); // takes the slot
    clock.runUntil(20);
    expect(first.seen.outcome).toBe('overflow'); // its retry found the pool full
    expect(router.stats.retryOverflow).toBe(1);
    router.cancel(second.req);
    expect(limits.active).toBe(0);
  });

  it('does not retry a call whose body exceeds the retry buffer, and counts it', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 2, retryOn: retry5xx, retryBufferLimitBytes: 1024 }), up);
    const req = new TestCall(1, 0);
    req.bodyBytes = 4096;
    const handler = new RecordingHandler(clock);
    router.dispatch(req, handler);
    clock.run();
    expect(up.sent).toHaveLength(1);
    expect(handler.of(req).outcome).toBe('5xx');
    expect(router.stats.retryBufferOverflow).toBe(1);
  });
});

describe('router: budgets are told "failed" only for retryable failures', () => {
  it('a 404 leaves the gRPC throttle tokens alone; a retryable 503 takes one', () => {
    const clock = new VirtualClock();
    const budget = new GrpcRetryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    let status = 404;
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 0, retryOn: RetryOn.parse('unavailable,503'), budget }), up);
    for (let i = 0; i < 5; i++) call(router, clock);
    clock.run();
    expect(budget.tokens).toBe(10);
    status = 503;
    call(router, clock);
    clock.run();
    expect(budget.tokens).toBe(9);
  });
});

describe('router: timeouts and deadlines', () => {
  it('retries after a per-try timeout, abandoning the slow attempt', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => ({ delay: n === 1 ? 5000 : 10, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { perTryTimeoutMs: 500, maxRetries: 2, retryOn: retry5xx }), up);
    const { seen } = call(router, clock);
    clock.run();
    expect(up.abandoned).toEqual([1]);
    expect(up.sent.map((s) => [s.at, s.expected])).toEqual([
      [0, 500],
      [500, 500],
    ]);
    expect([seen.endedAt, seen.outcome]).toEqual([510, 'ok']);
  });

  it('ends the call at the route timeout, over all attempts and backoff waits', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 400, status: 503 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { routeTimeoutMs: 2000, perTryTimeoutMs: 500, maxRetries: 10, retryOn: retry5xx, backoff: constantBackoff(300) }), up);
    const { seen } = call(router, clock);
    clock.run();
    // attempts at 0, 700, 1400; the third is cut by the route timeout at 2000.
    expect(up.sent.map((s) => s.at)).toEqual([0, 700, 1400]);
    expect(up.sent[2].expected).toBe(500);
    expect(seen.events).toEqual(['error timeout']);
    expect(seen.endedAt).toBe(2000);
  });

  it('never sends an attempt at the deadline, whichever of the backoff and the route timer fires first', () => {
    for (const backoffFirst of [true, false]) {
      const clock = new VirtualClock();
      const up = new ScriptedUpstream(clock, () => ({ delay: 900, status: 503 }));
      // The first attempt fails at 900; its retry is due at 900 + 100 = 1000, the route deadline.
      const router = new Router(clock, new SeededRng(1), policies(clock, { routeTimeoutMs: 1000, maxRetries: 1, retryOn: retry5xx, backoff: constantBackoff(100) }), up);
      const handler = new RecordingHandler(clock);
      const req = new TestCall(1, 0);
      if (!backoffFirst) req.deadline = 1000; // a propagated deadline: the route timer is armed first
      router.dispatch(req, handler);
      clock.run();
      expect(up.sent).toHaveLength(1);
      expect(handler.of(req).events).toEqual(['error timeout']);
      expect(handler.of(req).endedAt).toBe(1000);
    }
  });

  it('lowers its deadline to one the caller propagated, and tells the callee the time left', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => null);
    const router = new Router(clock, new SeededRng(1), policies(clock, { routeTimeoutMs: 15_000 }), up);
    const { seen } = call(router, clock, undefined, 800);
    clock.run();
    expect(up.sent[0].expected).toBe(800); // x-envoy-expected-rq-timeout-ms
    expect([seen.endedAt, seen.outcome]).toEqual([800, 'timeout']);
  });

  it('hedges on a per-try timeout: the slow attempt stays out and the first good answer wins', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => ({ delay: n === 1 ? 700 : 600, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { perTryTimeoutMs: 500, maxRetries: 1, retryOn: retry5xx, hedgeOnPerTryTimeout: true }), up);
    const { seen, req } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.at)).toEqual([0, 500]);
    expect([seen.endedAt, seen.outcome]).toEqual([700, 'ok']); // the first attempt, 400 ms before the hedge
    expect(req.committedAttempt).toBe(1);
    expect(up.abandoned).toEqual([2]);
    expect(router.stats.hedges).toBe(1);
  });

  it('a hedge that answers first wins; the slow first attempt is reset at the commit point', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => ({ delay: n === 1 ? 5000 : 50, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { perTryTimeoutMs: 100, maxRetries: 1, retryOn: retry5xx, hedgeOnPerTryTimeout: true }), up);
    const { seen, req } = call(router, clock);
    clock.run();
    expect(req.committedAttempt).toBe(2);
    expect([seen.endedAt, seen.outcome]).toEqual([150, 'ok']);
    expect(up.abandoned).toEqual([1]);
  });
});

describe('router: admission', () => {
  it('fails fast with breaker-open while the breaker is open, and the upstream sees nothing', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 500 }));
    const breaker = new SlidingWindowBreaker(clock, { slidingWindowSize: 4, minimumNumberOfCalls: 4, waitDurationInOpenStateMs: 60_000 });
    const router = new Router(clock, new SeededRng(1), policies(clock, { breaker }), up);
    for (let i = 0; i < 4; i++) {
      call(router, clock);
      clock.run();
    }
    const { seen } = call(router, clock);
    clock.run();
    expect(breaker.state).toBe('open');
    expect(up.sent).toHaveLength(4);
    expect(seen.events).toEqual(['error breaker-open']);
  });

  it('rejects calls beyond the bulkhead with overflow and frees the slot when a call ends', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 100, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { bulkhead: new Bulkhead(1) }), up);
    const first = call(router, clock);
    const second = call(router, clock);
    clock.run();
    const third = call(router, clock);
    clock.run();
    expect([first.seen.outcome, second.seen.outcome, third.seen.outcome]).toEqual(['ok', 'overflow', 'ok']);
  });

  it('answers an abort injected by the fault filter with its status, and does not retry it', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 200 }));
    const fault = new FaultFilter(new SeededRng(1), { abort: { httpStatus: 503, percentage: 100 } });
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx, fault }), up);
    const { seen } = call(router, clock);
    clock.run();
    expect(up.sent).toHaveLength(0);
    expect(seen.events).toEqual(['start 503', 'end 5xx']);
  });

  it('a call cancelled during an injected delay gives the fault back', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 200 }));
    const fault = new FaultFilter(new SeededRng(1), { delay: { fixedDelayMs: 1000, percentage: 100 } });
    const router = new Router(clock, new SeededRng(1), policies(clock, { fault }), up);
    const { req, seen } = call(router, clock);
    clock.runUntil(10);
    expect(fault.activeFaults).toBe(1);
    router.cancel(req);
    expect(fault.activeFaults).toBe(0);
    expect(seen.events).toEqual(['error cancelled']);
    clock.run();
    expect(up.sent).toHaveLength(0);
  });

  it('stops sending to a host outlier detection ejected, and fails with ejected when none is left', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const p = policies(clock, {}, 1);
    p.outlier = new OutlierDetector(clock, new SeededRng(1), 1, { consecutive5xx: 2, maxEjectionPercent: 100 }, (kind, host) => {
      if (kind === 'host-ejected') p.hosts.setHealthy(host, false);
    });
    p.balancer = createLoadBalancer('round-robin', p.hosts, new SeededRng(1), {}, { enabled: false, panicThresholdPercent: 0, callerZone: 0 });
    const router = new Router(clock, new SeededRng(1), p, up);
    for (let i = 0; i < 2; i++) {
      call(router, clock);
      clock.runUntil(clock.now() + 5);
    }
    const { seen } = call(router, clock);
    clock.runUntil(clock.now() + 5);
    expect(up.sent).toHaveLength(2);
    expect(seen.outcome).toBe('ejected');
    p.outlier.stop();
  });

  it('a retry that finds no healthy host fails the call with ejected and gives its admission back', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const p = policies(clock, { maxRetries: 2, retryOn: retry5xx, backoff: constantBackoff(10) }, 1);
    p.budget = new EnvoyRetryBudget();
    p.outlier = new OutlierDetector(clock, new SeededRng(1), 1, { consecutive5xx: 2, maxEjectionPercent: 100 }, (kind, host) => {
      if (kind === 'host-ejected') p.hosts.setHealthy(host, false);
    });
    p.balancer = createLoadBalancer('round-robin', p.hosts, new SeededRng(1), {}, { enabled: false, panicThresholdPercent: 0, callerZone: 0 });
    const router = new Router(clock, new SeededRng(1), p, up);
    const { seen } = call(router, clock);
    clock.runUntil(100);
    expect(up.sent).toHaveLength(2); // the second 503 ejects the only host; the second retry has nowhere to go
    expect([seen.endedAt, seen.outcome]).toEqual([22, 'ejected']);
    expect((p.budget as EnvoyRetryBudget).activeRetries).toBe(0);
    expect((p.budget as EnvoyRetryBudget).activeCalls).toBe(0);
    p.outlier.stop();
  });
});

