import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantBackoff, envoyBackoff } from '../../../proxy-core/routing/backoff.js';
import { Bulkhead } from '../../../proxy-core/limits/bulkhead.js';
import type { CallHandler, CallRequest } from '../../../proxy-core/call/dispatch.js';
import { EnvoyRetryBudget } from '../../../proxy-core/budgets/envoy-retry-budget.js';
import { outcomeOfStatus, type Outcome } from '../../../proxy-core/call/failure-cause.js';
import { FaultFilter } from '../../../proxy-core/routing/fault-filter.js';
import { HostSet } from '../../../proxy-core/balancing/host-set.js';
import type { LoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { createLoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { OutlierDetector } from '../../../proxy-core/health/outlier-detection.js';
import { ResourceLimits } from '../../../proxy-core/health/resource-limits.js';
import { RetryOn } from '../../../proxy-core/routing/retry-on.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { RoutedCall } from '../../../proxy-core/routing/routed-call.js';
import { Router, type RouterPolicies } from '../../../proxy-core/routing/router.js';
import { SlidingWindowBreaker } from '../../../proxy-core/health/sliding-window-breaker.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../../../proxy-core/call/upstream.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

class TestCall extends RoutedCall {
  readonly caller = 'a';
  readonly callee = 'b';
}

/** What a host does with one attempt: answer after `delay` ms, or never (`null`). */
type Answer = { delay: number; status: number; retryAfterMs?: number } | null;

/** An upstream whose hosts answer as `script(host, attemptNumber)` says; it records every attempt. */
class ScriptedUpstream implements Upstream {
  readonly sent: { host: number; number: number; at: number; expected: number }[] = [];
  readonly abandoned: number[] = [];
  constructor(
    private readonly clock: VirtualClock,
    private readonly script: (host: number, number: number) => Answer,
  ) {}

  send(req: CallRequest, host: number, number: number, expected: number, handler: AttemptHandler): void {
    const a: UpstreamAttempt = { call: req, host, number, sentAt: this.clock.now(), abandoned: false, nextOutstanding: null };
    handler.onAttemptSent(a);
    this.sent.push({ host, number, at: this.clock.now(), expected });
    const answer = this.script(host, number);
    if (answer === null) return;
    this.clock.schedule(
      answer.delay,
      () => {
        if (a.abandoned) return;
        if (answer.status === 0) handler.onAttemptError(req, a, 'reset');
        else handler.onAttemptResponse(req, a, answer.status, outcomeOfStatus(answer.status), answer.retryAfterMs ?? -1);
      },
      null,
    );
  }

  abandon(a: UpstreamAttempt): void {
    this.abandoned.push(a.number);
  }
}

/** A balancer that returns hosts from a list, then repeats the last. */
function scriptedBalancer(hosts: number[]): LoadBalancer {
  let i = 0;
  return { pick: () => hosts[Math.min(i++, hosts.length - 1)] };
}

/** An Rng that always draws `x`. */
const constantRng = (x: number): Rng => ({ next: () => x, int: (n) => Math.floor(x * n), fork: () => constantRng(x) });

function policies(clock: VirtualClock, overrides: Partial<RouterPolicies> = {}, hostCount = 3): RouterPolicies {
  const hosts = new HostSet(Array.from({ length: hostCount }, () => ({ zone: 0 })), clock);
  return {
    routeTimeoutMs: 15_000,
    perTryTimeoutMs: 0,
    maxRetries: 0,
    retryOn: null,
    backoff: constantBackoff(0),
    retryAfter: true,
    avoidPreviousHosts: false,
    hostSelectionRetryMaxAttempts: 1,
    hedgeOnPerTryTimeout: false,
    budget: null,
    limits: new ResourceLimits(),
    bulkhead: null,
    breaker: null,
    outlier: null,
    accrual: null,
    hosts,
    balancer: createLoadBalancer('round-robin', hosts, new SeededRng(1)),
    fault: null,
    ...overrides,
  };
}

/** Dispatches one call and collects its outcomes (there must be exactly one). */
function call(router: Router, clock: VirtualClock, deadline = Infinity) {
  const outcomes: { at: number; status: number; outcome: Outcome }[] = [];
  const handler: CallHandler = {
    onResponse: (_req, status, outcome) => outcomes.push({ at: clock.now(), status, outcome }),
    onError: (_req, outcome) => outcomes.push({ at: clock.now(), status: 0, outcome }),
  };
  const req = new TestCall(1, {}, clock.now());
  req.deadline = deadline;
  router.dispatch(req, handler);
  return { outcomes, req };
}

const retry5xx = RetryOn.parse('5xx');

describe('router: retries', () => {
  it('retries a 5xx up to num_retries, after the backoff, and returns the last failure', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 10, status: 503 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 2, retryOn: retry5xx, backoff: constantBackoff(100) }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.at)).toEqual([0, 110, 220]); // answer after 10 ms, then 100 ms backoff
    expect(outcomes).toEqual([{ at: 230, status: 503, outcome: '5xx' }]);
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
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.sent).toHaveLength(1);
    expect(outcomes).toEqual([{ at: 5, status: 404, outcome: '4xx' }]);
  });

  it("honours the answer's Retry-After instead of the backoff", () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => (n === 1 ? { delay: 0, status: 503, retryAfterMs: 2000 } : { delay: 0, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 1, retryOn: retry5xx, backoff: constantBackoff(25) }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.at)).toEqual([0, 2000]);
    expect(outcomes[0]).toEqual({ at: 2000, status: 200, outcome: 'ok' });
  });

  it('sends a retry to another host than the ones tried (Envoy previous_hosts)', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (host) => ({ delay: 1, status: host === 0 ? 503 : 200 }));
    const p = policies(clock, { maxRetries: 1, retryOn: retry5xx, avoidPreviousHosts: true, hostSelectionRetryMaxAttempts: 5, balancer: scriptedBalancer([0, 0, 0, 2]) });
    const router = new Router(clock, new SeededRng(1), p, up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.host)).toEqual([0, 2]);
    expect(outcomes[0].outcome).toBe('ok');
  });

  it('stops retrying when the Envoy budget refuses: the retry is spent and the call fails budget-exhausted', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const budget = new EnvoyRetryBudget({ budgetPercent: 0, minRetryConcurrency: 0 });
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx, budget }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.sent).toHaveLength(1);
    expect(outcomes).toEqual([{ at: 1, status: 503, outcome: 'budget-exhausted' }]);
    expect(router.stats.budgetDenied).toBe(1);
  });

  it("refuses retries beyond Envoy's max_retries threshold when no budget is set (overflow)", () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const limits = new ResourceLimits({ maxRetries: 0 });
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx, limits }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(outcomes[0].outcome).toBe('overflow');
    expect(router.stats.retryOverflow).toBe(1);
  });
});

describe('router: timeouts', () => {
  it('retries after a per-try timeout, abandoning the slow attempt', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => ({ delay: n === 1 ? 5000 : 10, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { perTryTimeoutMs: 500, maxRetries: 2, retryOn: retry5xx }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.abandoned).toEqual([1]);
    expect(up.sent.map((s) => [s.at, s.expected])).toEqual([
      [0, 500],
      [500, 500],
    ]);
    expect(outcomes).toEqual([{ at: 510, status: 200, outcome: 'ok' }]);
  });

  it('ends the call at the route timeout, over all attempts and backoff waits', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 400, status: 503 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { routeTimeoutMs: 2000, perTryTimeoutMs: 500, maxRetries: 10, retryOn: retry5xx, backoff: constantBackoff(300) }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    // attempts at 0, 700, 1400; the third is cut by the route timeout at 2000.
    expect(up.sent.map((s) => s.at)).toEqual([0, 700, 1400]);
    expect(up.sent[2].expected).toBe(500);
    expect(outcomes).toEqual([{ at: 2000, status: 0, outcome: 'timeout' }]);
  });

  it('lowers its deadline to one the caller propagated, and tells the callee the time left', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => null);
    const router = new Router(clock, new SeededRng(1), policies(clock, { routeTimeoutMs: 15_000 }), up);
    const { outcomes } = call(router, clock, 800);
    clock.run();
    expect(up.sent[0].expected).toBe(800); // x-envoy-expected-rq-timeout-ms
    expect(outcomes).toEqual([{ at: 800, status: 0, outcome: 'timeout' }]);
  });

  it('hedges on a per-try timeout: the slow attempt stays out and the first good answer wins', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (_h, n) => ({ delay: n === 1 ? 700 : 600, status: 200 }));
    const router = new Router(clock, new SeededRng(1), policies(clock, { perTryTimeoutMs: 500, maxRetries: 1, retryOn: retry5xx, hedgeOnPerTryTimeout: true }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.sent.map((s) => s.at)).toEqual([0, 500]);
    expect(outcomes).toEqual([{ at: 700, status: 200, outcome: 'ok' }]); // the first attempt, 400 ms before the hedge
    expect(up.abandoned).toEqual([2]);
    expect(router.stats.hedges).toBe(1);
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
    const { outcomes } = call(router, clock);
    clock.run();
    expect(breaker.state).toBe('open');
    expect(up.sent).toHaveLength(4);
    expect(outcomes[0]).toEqual({ at: clock.now(), status: 503, outcome: 'breaker-open' });
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
    expect(first.outcomes[0].outcome).toBe('ok');
    expect(second.outcomes[0].outcome).toBe('overflow');
    expect(third.outcomes[0].outcome).toBe('ok');
  });

  it('does not retry an abort injected by the fault filter (it precedes the router)', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 200 }));
    const fault = new FaultFilter(new SeededRng(1), { abort: { httpStatus: 503, percentage: 100 } });
    const router = new Router(clock, new SeededRng(1), policies(clock, { maxRetries: 3, retryOn: retry5xx, fault }), up);
    const { outcomes } = call(router, clock);
    clock.run();
    expect(up.sent).toHaveLength(0);
    expect(outcomes).toEqual([{ at: 0, status: 503, outcome: '5xx' }]);
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
    const { outcomes } = call(router, clock);
    clock.runUntil(clock.now() + 5);
    expect(up.sent).toHaveLength(2);
    expect(outcomes[0].outcome).toBe('ejected');
    p.outlier.stop();
  });
});

describe('router: a retry that finds no healthy host', () => {
  it('fails the call with ejected and gives the admitted retry back to the budget', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const p = policies(clock, { maxRetries: 2, retryOn: retry5xx, backoff: constantBackoff(10) }, 1);
    p.budget = new EnvoyRetryBudget();
    p.outlier = new OutlierDetector(clock, new SeededRng(1), 1, { consecutive5xx: 2, maxEjectionPercent: 100 }, (kind, host) => {
      if (kind === 'host-ejected') p.hosts.setHealthy(host, false);
    });
    p.balancer = createLoadBalancer('round-robin', p.hosts, new SeededRng(1), {}, { enabled: false, panicThresholdPercent: 0, callerZone: 0 });
    const router = new Router(clock, new SeededRng(1), p, up);
    const { outcomes } = call(router, clock);
    clock.runUntil(100);
    expect(up.sent).toHaveLength(2); // the second 503 ejects the only host; the second retry has nowhere to go
    expect(outcomes).toEqual([{ at: 22, status: 503, outcome: 'ejected' }]);
    expect((p.budget as EnvoyRetryBudget).activeRetries).toBe(0);
    expect((p.budget as EnvoyRetryBudget).activeCalls).toBe(0);
    p.outlier.stop();
  });
});

describe('router: properties', () => {
  const answers = fc.array(
    fc.oneof(
      fc.record({ delay: fc.integer({ min: 0, max: 3000 }), status: fc.constantFrom(0, 200, 200, 404, 500, 503) }),
      fc.constant(null),
    ),
    { minLength: 1, maxLength: 12 },
  );

  it('every call gets exactly one outcome, never after its deadline, and releases every host, retry and slot it held', () => {
    fc.assert(
      fc.property(
        answers,
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        (script, routeTimeoutMs, perTryTimeoutMs, maxRetries, hedge, calls, eject) => {
          const clock = new VirtualClock();
          let i = 0;
          const up = new ScriptedUpstream(clock, () => script[i++ % script.length]);
          const budget = new EnvoyRetryBudget({ budgetPercent: 20, minRetryConcurrency: 2 });
          const bulkhead = new Bulkhead(5);
          const p = policies(clock, { routeTimeoutMs, perTryTimeoutMs, maxRetries, retryOn: RetryOn.parse('5xx,reset'), backoff: envoyBackoff({}), hedgeOnPerTryTimeout: hedge, budget, bulkhead });
          if (eject) {
            // Outlier detection that ejects fast and a balancer without panic, so that retries can find no host.
            p.outlier = new OutlierDetector(clock, new SeededRng(3), p.hosts.size, { consecutive5xx: 2, maxEjectionPercent: 100, intervalMs: 500, baseEjectionTimeMs: 1000 }, (kind, host) =>
              p.hosts.setHealthy(host, kind !== 'host-ejected'),
            );
            p.balancer = createLoadBalancer('least-request', p.hosts, new SeededRng(5), {}, { enabled: false, panicThresholdPercent: 0, callerZone: 0 });
          }
          const router = new Router(clock, new SeededRng(7), p, up);
          const all = Array.from({ length: calls }, () => call(router, clock));
          clock.run();
          for (const { outcomes } of all) {
            expect(outcomes).toHaveLength(1);
            expect(outcomes[0].at).toBeLessThanOrEqual(routeTimeoutMs);
          }
          expect(budget.activeRetries).toBe(0);
          expect(budget.activeCalls).toBe(0);
          expect(bulkhead.active).toBe(0);
          expect(p.limits.active).toBe(0);
          for (let h = 0; h < p.hosts.size; h++) expect(p.hosts.active(h)).toBe(0);
          expect(up.sent.length).toBeLessThanOrEqual(calls * (maxRetries + 1));
          p.outlier?.stop();
        },
      ),
      { numRuns: 300 },
    );
  });
});
