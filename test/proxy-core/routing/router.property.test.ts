import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdaptiveThrottle } from '../../../proxy-core/budgets/adaptive-throttle.js';
import { EnvoyRetryBudget } from '../../../proxy-core/budgets/envoy-retry-budget.js';
import { GrpcRetryThrottle } from '../../../proxy-core/budgets/grpc-retry-throttle.js';
import { LinkerdRetryBudget } from '../../../proxy-core/budgets/linkerd-retry-budget.js';
import type { RetryBudget } from '../../../proxy-core/budgets/retry-budget.js';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import { createLoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { OutlierDetector } from '../../../proxy-core/health/outlier-detection.js';
import { ResourceLimits } from '../../../proxy-core/health/resource-limits.js';
import { SlidingWindowBreaker } from '../../../proxy-core/health/sliding-window-breaker.js';
import { Bulkhead } from '../../../proxy-core/limits/bulkhead.js';
import { envoyBackoff } from '../../../proxy-core/routing/backoff.js';
import { FaultFilter } from '../../../proxy-core/routing/fault-filter.js';
import { RetryOn } from '../../../proxy-core/routing/retry-on.js';
import { Router } from '../../../proxy-core/routing/router.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { JitteredClock, policies, RecordingHandler, ScriptedUpstream, TestCall, type Answer } from './router-fixture.js';

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ delay: fc.oneof(fc.constant('sync' as const), fc.integer({ min: 0, max: 3000 })), status: fc.constantFrom(0, 200, 200, 200, 404, 429, 500, 503), retryAfterMs: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }), grpc: fc.option(fc.constantFrom(0, 5, 14), { nil: undefined }), whole: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const budget = fc.constantFrom('none', 'envoy', 'linkerd', 'grpc', 'adaptive');

function budgetOf(kind: string, clock: Clock): RetryBudget | null {
  switch (kind) {
    case 'envoy':
      return new EnvoyRetryBudget({ budgetPercent: 20, minRetryConcurrency: 2 });
    case 'linkerd':
      return new LinkerdRetryBudget(clock, { retryRatio: 0.2, minRetriesPerSecond: 1, ttlMs: 1000 });
    case 'grpc':
      return new GrpcRetryThrottle({ maxTokens: 4, tokenRatio: 0.5 });
    case 'adaptive':
      return new AdaptiveThrottle(clock, new SeededRng(11), { k: 1.5, windowMs: 5000 });
    default:
      return null;
  }
}

/** One call of a run: when it starts, its propagated deadline, whether and when it is cancelled. */
const callPlan = fc.record({
  at: fc.integer({ min: 0, max: 2000 }),
  deadline: fc.option(fc.integer({ min: 1, max: 4000 }), { nil: undefined }),
  cancelAfter: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
});

const setup = fc.record({
  script: fc.array(answer, { minLength: 1, maxLength: 16 }),
  hosts: fc.integer({ min: 1, max: 40 }),
  routeTimeoutMs: fc.integer({ min: 1, max: 4000 }),
  perTryTimeoutMs: fc.integer({ min: 0, max: 1500 }),
  maxRetries: fc.integer({ min: 0, max: 4 }),
  hedge: fc.boolean(),
  budget,
  breaker: fc.boolean(),
  bulkhead: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  maxRequests: fc.integer({ min: 1, max: 8 }),
  eject: fc.boolean(),
  fault: fc.option(fc.record({ delayPercent: fc.integer({ min: 0, max: 100 }), abortPercent: fc.integer({ min: 0, max: 100 }) }), { nil: undefined }),
  jittered: fc.boolean(),
  calls: fc.array(callPlan, { minLength: 1, maxLength: 10 }),
});

describe('router: properties', () => {
  it('every call ends exactly once, never after its deadline, and gives back every host, retry, slot and stream it held', () => {
    fc.assert(
      fc.property(setup, (s) => {
        const virtual = new VirtualClock();
        const clock: Clock = s.jittered ? new JitteredClock(virtual, new SeededRng(5)) : virtual;
        let i = 0;
        const up = new ScriptedUpstream(clock, () => s.script[i++ % s.script.length]);
        const retryBudget = budgetOf(s.budget, clock);
        const bulkhead = s.bulkhead === undefined ? null : new Bulkhead(s.bulkhead);
        const limits = new ResourceLimits({ maxRequests: s.maxRequests, maxConnections: s.maxRequests, maxPendingRequests: 2, maxRetries: 2 });
        const fault = s.fault && new FaultFilter(new SeededRng(9), { delay: { fixedDelayMs: 200, percentage: s.fault.delayPercent }, abort: { httpStatus: 503, percentage: s.fault.abortPercent } });
        const p = policies(
          clock,
          {
            routeTimeoutMs: s.routeTimeoutMs,
            perTryTimeoutMs: s.perTryTimeoutMs,
            maxRetries: s.maxRetries,
            retryOn: RetryOn.parse('5xx,reset,unavailable'),
            backoff: envoyBackoff({}),
            hedgeOnPerTryTimeout: s.hedge,
            avoidPreviousHosts: true,
            hostSelectionRetryMaxAttempts: 5,
            budget: retryBudget,
            limits,
            bulkhead,
            breaker: s.breaker ? new SlidingWindowBreaker(clock, { slidingWindowSize: 4, minimumNumberOfCalls: 2, waitDurationInOpenStateMs: 500, permittedNumberOfCallsInHalfOpenState: 1 }) : null,
            fault: fault ?? null,
          },
          s.hosts,
        );
        if (s.eject) {
          // Fast ejection and no panic, so that attempts can find no healthy host.
          p.outlier = new OutlierDetector(clock, new SeededRng(3), s.hosts, { consecutive5xx: 2, maxEjectionPercent: 100, intervalMs: 500, baseEjectionTimeMs: 1000 }, (kind, host) =>
            p.hosts.setHealthy(host, kind !== 'host-ejected'),
          );
          p.balancer = createLoadBalancer('least-request', p.hosts, new SeededRng(5), {}, { enabled: false, panicThresholdPercent: 0, callerZone: 0 });
        }
        const router = new Router(clock, new SeededRng(7), p, up);
        const handler = new RecordingHandler(clock);
        const calls = s.calls.map((plan, id) => {
          const call = new TestCall(id, plan.at);
          virtual.schedule(
            plan.at,
            () => {
              if (plan.deadline !== undefined) call.deadline = plan.at + plan.deadline;
              router.dispatch(call, handler);
              if (plan.cancelAfter !== undefined) virtual.schedule(plan.cancelAfter, () => router.cancel(call), null);
            },
            null,
          );
          return { call, plan };
        });
        virtual.run();
        for (const { call, plan } of calls) {
          const seen = handler.of(call);
          const ends = seen.events.filter((e) => e.startsWith('end') || e.startsWith('error'));
          expect(ends, seen.events.join(', ')).toHaveLength(1);
          expect(seen.events.at(-1)).toBe(ends[0]); // nothing after the end
          expect(seen.events.filter((e) => e.startsWith('start')).length).toBeLessThanOrEqual(1);
          if (seen.events[0].startsWith('start')) expect(seen.events[1]).toMatch(/^(end|error)/);
          // The deadline starts after an injected delay (the fault filter precedes the router).
          const admittedBy = plan.at + (s.fault ? 200 : 0) + 0.01;
          const deadline = Math.min(plan.deadline === undefined ? Infinity : plan.at + plan.deadline, admittedBy + s.routeTimeoutMs);
          expect(seen.endedAt).toBeLessThanOrEqual(Math.max(deadline, admittedBy) + 0.01);
        }
        if (retryBudget instanceof EnvoyRetryBudget) {
          expect(retryBudget.activeRetries).toBe(0);
          expect(retryBudget.activeCalls).toBe(0);
        }
        expect(bulkhead?.active ?? 0).toBe(0);
        expect([limits.active, limits.pending, limits.activeRetries]).toEqual([0, 0, 0]);
        expect(fault?.activeFaults ?? 0).toBe(0);
        for (let h = 0; h < p.hosts.size; h++) expect(p.hosts.active(h)).toBe(0);
        expect(up.open).toBe(0); // every attempt was answered or abandoned
        expect(up.sent.length).toBeLessThanOrEqual(s.calls.length * (s.maxRetries + 1));
        p.outlier?.stop();
      }),
      { numRuns: 400 },
    );
  });
});
