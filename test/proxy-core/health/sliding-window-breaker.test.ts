import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyEventKind } from '../../../proxy-core/health/policy-event.js';
import {
  DEFAULT_SLIDING_WINDOW,
  SlidingWindowBreaker,
  type SlidingWindowOptions,
  resolveSlidingWindow,
} from '../../../proxy-core/health/sliding-window-breaker.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

/** Fires every pending timer, background ones included (the policy's timers are background). */
const fireAll = (clock: VirtualClock): void => {
  while (clock.queue.size > 0) clock.queue.fireNext();
};

function setup(options: SlidingWindowOptions = {}) {
  const clock = new VirtualClock();
  const events: string[] = [];
  const breaker = new SlidingWindowBreaker(clock, options, (kind: PolicyEventKind, host, at) => events.push(`${kind}/${host}@${at}`));
  return { clock, breaker, events };
}

/** Makes `n` calls through the breaker, each ok or not, lasting `ms`; returns how many were admitted. */
function calls(breaker: SlidingWindowBreaker, n: number, ok: boolean, ms = 10): number {
  let admitted = 0;
  for (let i = 0; i < n; i++) {
    if (!breaker.tryAcquire()) continue;
    admitted++;
    breaker.onResult(ok, ms);
  }
  return admitted;
}

describe('SlidingWindowBreaker (resilience4j CircuitBreaker)', () => {
  it("has resilience4j's defaults", () => {
    expect(DEFAULT_SLIDING_WINDOW).toEqual({
      failureRateThreshold: 50,
      slowCallRateThreshold: 100,
      slowCallDurationThresholdMs: 60_000,
      slidingWindowType: 'COUNT_BASED',
      slidingWindowSize: 100,
      minimumNumberOfCalls: 100,
      waitDurationInOpenStateMs: 60_000,
      permittedNumberOfCallsInHalfOpenState: 10,
      automaticTransitionFromOpenToHalfOpenEnabled: false,
    });
  });

  it('§9.10: 100 calls with 50 failures ⇒ OPEN', () => {
    const { breaker, events } = setup();
    calls(breaker, 50, false);
    expect(breaker.state).toBe('closed');
    calls(breaker, 49, true);
    expect(breaker.state).toBe('closed');
    calls(breaker, 1, true);
    expect(breaker.state).toBe('open');
    expect(events).toEqual(['breaker-open/-1@0']);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.rejected).toBe(1);
  });

  it('§9.10: 100 calls with 49 failures ⇒ CLOSED', () => {
    const { breaker } = setup();
    calls(breaker, 49, false);
    calls(breaker, 51, true);
    expect(breaker.state).toBe('closed');
    expect(breaker.failureRate).toBe(49);
  });

  it('§9.10: 99 calls all failing ⇒ CLOSED (below minimumNumberOfCalls), the 100th opens it', () => {
    const { breaker } = setup();
    calls(breaker, 99, false);
    expect(breaker.state).toBe('closed');
    expect(breaker.failureRate).toBe(-1);
    calls(breaker, 1, false);
    expect(breaker.state).toBe('open');
  });

  it('the count window slides: only the last N calls count', () => {
    const { breaker } = setup({ slidingWindowSize: 10, minimumNumberOfCalls: 10 });
    calls(breaker, 10, true);
    calls(breaker, 4, false);
    expect(breaker.state).toBe('closed'); // 4 of the last 10
    calls(breaker, 1, false);
    expect(breaker.state).toBe('open'); // 5 of the last 10
  });

  it('COUNT_BASED clamps minimumNumberOfCalls to the window size', () => {
    const { breaker } = setup({ slidingWindowSize: 4 });
    calls(breaker, 2, true);
    calls(breaker, 2, false);
    expect(breaker.state).toBe('open');
  });

  it('compares Java floats: 1 failure in 3 reaches a threshold of 33.3333334', () => {
    // 1 · 100.0f / 3 = 33.333332f and (float) 33.3333334 = 33.333332f, so ≥ holds as in Java
    const { breaker } = setup({ slidingWindowSize: 3, failureRateThreshold: 33.3333334 });
    calls(breaker, 2, true);
    calls(breaker, 1, false);
    expect(breaker.state).toBe('open');
  });

  it('a call is slow only if it lasts more than the threshold', () => {
    const { breaker } = setup({ slidingWindowSize: 4, slowCallRateThreshold: 50, slowCallDurationThresholdMs: 1000 });
    calls(breaker, 2, true, 1000);
    calls(breaker, 1, true, 1001);
    calls(breaker, 1, true, 1000);
    expect([breaker.state, breaker.slowCallRate]).toEqual(['closed', 25]);
    calls(breaker, 1, true, 1001);
    expect(breaker.state).toBe('open'); // 2 slow of the last 4
  });

  it('open: rejects until strictly after the wait, then admits exactly the permitted calls', () => {
    const { clock, breaker, events } = setup({ slidingWindowSize: 2 });
    calls(breaker, 2, false);
    clock.runUntil(60_000);
    expect(breaker.tryAcquire()).toBe(false); // isAfter: not yet at exactly 60 s
    clock.runUntil(60_001);
    expect(calls(breaker, 1, true)).toBe(1);
    expect(breaker.state).toBe('half-open');
    let admitted = 1;
    while (breaker.tryAcquire()) admitted++;
    expect(admitted).toBe(10);
    expect(events).toEqual(['breaker-open/-1@0', 'breaker-half-open/-1@60001']);
  });

  it('half-open: 10 results with 5 failures ⇒ open again; 4 failures ⇒ closed with an empty window', () => {
    const again = setup({ slidingWindowSize: 2 });
    calls(again.breaker, 2, false);
    again.clock.runUntil(60_001);
    calls(again.breaker, 5, true);
    calls(again.breaker, 4, false);
    expect(again.breaker.state).toBe('half-open');
    calls(again.breaker, 1, false);
    expect(again.breaker.state).toBe('open');
    expect(again.events).toEqual(['breaker-open/-1@0', 'breaker-half-open/-1@60001', 'breaker-open/-1@60001']);

    const closes = setup({ slidingWindowSize: 2 });
    calls(closes.breaker, 2, false);
    closes.clock.runUntil(60_001);
    calls(closes.breaker, 4, false);
    calls(closes.breaker, 6, true);
    expect(closes.breaker.state).toBe('closed');
    expect(closes.breaker.failureRate).toBe(-1); // a fresh window
    expect(closes.events).toEqual(['breaker-open/-1@0', 'breaker-half-open/-1@60001', 'breaker-closed/-1@60001']);
  });

  it('half-open decides after min(minimumNumberOfCalls, permitted) results', () => {
    const { clock, breaker } = setup({ minimumNumberOfCalls: 3, slidingWindowSize: 10 });
    calls(breaker, 3, false);
    clock.runUntil(60_001);
    calls(breaker, 3, true);
    expect(breaker.state).toBe('closed');
  });

  it('automatic transition: half-open by timer exactly at the end of the wait', () => {
    const auto = setup({ slidingWindowSize: 2, automaticTransitionFromOpenToHalfOpenEnabled: true, waitDurationInOpenStateMs: 5000 });
    auto.clock.runUntil(1000);
    calls(auto.breaker, 2, false);
    fireAll(auto.clock);
    expect([auto.clock.now(), auto.breaker.state]).toEqual([6000, 'half-open']);
    const lazy = setup({ slidingWindowSize: 2, waitDurationInOpenStateMs: 5000 });
    calls(lazy.breaker, 2, false);
    lazy.clock.runUntil(10_000);
    expect(lazy.breaker.state).toBe('open'); // until a call asks
    expect(lazy.breaker.tryAcquire()).toBe(true);
    expect(lazy.breaker.state).toBe('half-open');
  });

  it('TIME_BASED: counts the calls of the last N clock seconds', () => {
    const early = setup({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 10, minimumNumberOfCalls: 5 });
    calls(early.breaker, 4, false); // second 0
    early.clock.runUntil(9_999); // second 9: second 0 still in the window
    calls(early.breaker, 1, false);
    expect(early.breaker.state).toBe('open');

    const late = setup({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 10, minimumNumberOfCalls: 5 });
    calls(late.breaker, 4, false);
    late.clock.runUntil(10_000); // second 10: second 0 has left
    calls(late.breaker, 1, false);
    expect(late.breaker.state).toBe('closed');
    expect(late.breaker.failureRate).toBe(-1);
    calls(late.breaker, 4, true);
    expect([late.breaker.state, late.breaker.failureRate]).toEqual(['closed', 20]);
  });

  it('rejects bad configs', () => {
    expect(() => resolveSlidingWindow({ failureRateThreshold: 0 })).toThrow(RangeError);
    expect(() => resolveSlidingWindow({ slowCallRateThreshold: 101 })).toThrow(/slowCallRateThreshold/);
    expect(() => resolveSlidingWindow({ slidingWindowSize: 0 })).toThrow(/slidingWindowSize/);
    expect(() => resolveSlidingWindow({ permittedNumberOfCallsInHalfOpenState: 1.5 })).toThrow(RangeError);
    expect(() => resolveSlidingWindow({ waitDurationInOpenStateMs: 0 })).toThrow(RangeError);
    expect(() => resolveSlidingWindow({ slidingWindowType: 'SESSION' as never })).toThrow(RangeError);
  });

  it('property: while half-open, never admits more than the permitted calls', () => {
    const op = fc.oneof(
      fc.constant({ op: 'acquire' as const }),
      fc.record({ op: fc.constant('result' as const), ok: fc.boolean(), ms: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 4000 }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.array(op, { minLength: 100, maxLength: 400 }),
        (permitted, window, automatic, script) => {
          const clock = new VirtualClock();
          let halfOpenAdmitted = 0;
          const breaker = new SlidingWindowBreaker(
            clock,
            {
              slidingWindowSize: window,
              permittedNumberOfCallsInHalfOpenState: permitted,
              waitDurationInOpenStateMs: 2000,
              slowCallDurationThresholdMs: 1000,
              automaticTransitionFromOpenToHalfOpenEnabled: automatic,
            },
            (kind) => {
              if (kind === 'breaker-half-open') halfOpenAdmitted = 0;
            },
          );
          let inFlight = 0;
          for (const step of script) {
            if (step.op === 'acquire') {
              if (!breaker.tryAcquire()) continue;
              inFlight++;
              if (breaker.state === 'half-open' && ++halfOpenAdmitted > permitted) return false;
            } else if (step.op === 'result') {
              if (inFlight === 0) continue;
              inFlight--;
              breaker.onResult(step.ok, step.ms);
            } else {
              clock.runUntil(clock.now() + step.ms);
            }
          }
          return true;
        },
      ),
    );
  });
});
