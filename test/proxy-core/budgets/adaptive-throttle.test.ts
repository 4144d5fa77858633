import { describe, expect, it } from 'vitest';
import { AdaptiveThrottle, DEFAULT_ADAPTIVE_THROTTLE } from '../../../proxy-core/budgets/adaptive-throttle.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { AttemptResult } from '../../../proxy-core/budgets/retry-budget.js';

/** An Rng returning `values` in turn (the last one forever). */
function scripted(...values: number[]): Rng & { draws: number } {
  const rng = {
    draws: 0,
    next: () => values[Math.min(rng.draws++, values.length - 1)],
    int: (n: number) => Math.floor(rng.next() * n),
    fork: () => rng,
  };
  return rng;
}

function advance(clock: VirtualClock, ms: number): void {
  clock.schedule(ms, () => {}, null);
  clock.run();
}

/** `requests` first attempts, then `accepts` of them accepted. */
function load(t: AdaptiveThrottle, requests: number, accepts: number): number {
  let admitted = 0;
  for (let i = 0; i < requests; i++) if (t.admit(false)) admitted++;
  for (let i = 0; i < accepts; i++) t.attemptEnded(false, AttemptResult.Succeeded);
  return admitted;
}

describe('AdaptiveThrottle (SRE book ch. 21)', () => {
  it('§6.3 oracle: 100 requests, 40 accepts, K 2 ⇒ P(reject) = 20/101', () => {
    const clock = new VirtualClock();
    const t = new AdaptiveThrottle(clock, scripted(0.999999));
    expect(load(t, 100, 40)).toBe(100);
    expect(t.rejectProbability).toBe(20 / 101);
    expect(DEFAULT_ADAPTIVE_THROTTLE).toMatchObject({ k: 2, windowMs: 120_000, maxRetryRatio: 0.1 });
  });

  it('rejects iff the draw is below the probability; a rejection still counts as a request', () => {
    const clock = new VirtualClock();
    let value = 0.999999; // above every p of the load below (at most 99/100)
    const rng: Rng = { next: () => value, int: () => 0, fork: () => rng };
    const t = new AdaptiveThrottle(clock, rng);
    load(t, 100, 40);
    value = 20 / 101;
    expect(t.admit(false)).toBe(true); // r = p is not below p
    expect(t.rejectProbability).toBe(21 / 102);
    value = 21 / 102 - 1e-12;
    expect(t.admit(false)).toBe(false);
    expect(t.requests).toBe(102);
    expect(t.rejectProbability).toBe(22 / 103);
  });

  it('an answered failure the retry policy does not retry (a 404) is accepted; a retryable one or an abandoned attempt is not', () => {
    const clock = new VirtualClock();
    const t = new AdaptiveThrottle(clock, scripted(0.99), { k: 2 });
    for (let i = 0; i < 10; i++) t.admit(false);
    t.attemptEnded(false, AttemptResult.FailedOther);
    t.attemptEnded(false, AttemptResult.Succeeded);
    t.attemptEnded(false, AttemptResult.FailedRetryable);
    t.attemptEnded(true, AttemptResult.Abandoned);
    expect([t.requests, t.accepts]).toEqual([10, 2]);
  });

  it('no draw and no rejection while accepts ≥ requests / K', () => {
    const clock = new VirtualClock();
    const rng = scripted(0);
    const t = new AdaptiveThrottle(clock, rng);
    for (let i = 0; i < 50; i++) {
      expect(t.admit(false)).toBe(true);
      t.attemptEnded(false, AttemptResult.Succeeded);
    }
    expect(rng.draws).toBe(0);
    load(t, 50, 0); // 100 requests, 50 accepts: p = 0
    expect(t.rejectProbability).toBe(0);
    expect(t.admit(false)).toBe(true); // p is computed before this request counts
    expect(rng.draws).toBe(0);
    expect(t.admit(false)).toBe(false); // p = 1/102 and the draw is 0
    expect(t.requests).toBe(102);
  });

  it('with no accepts, p = requests/(requests+1): rejects most traffic but counts it all', () => {
    const clock = new VirtualClock();
    const t = new AdaptiveThrottle(clock, new SeededRng(7));
    const admitted = load(t, 1000, 0);
    expect(t.requests).toBe(1000);
    expect(admitted).toBeLessThan(20); // Σ 1/(i+1) ≈ ln 1000 ≈ 7.5 expected
    expect(t.rejectProbability).toBe(1000 / 1001);
  });

  it('counts only the last window, in buckets', () => {
    const clock = new VirtualClock();
    const t = new AdaptiveThrottle(clock, scripted(0.999999), { windowMs: 10_000, buckets: 10 });
    load(t, 30, 0);
    advance(clock, 5_000);
    load(t, 20, 10);
    expect([t.requests, t.accepts]).toEqual([50, 10]);
    advance(clock, 5_000); // the first bucket falls out
    expect([t.requests, t.accepts]).toEqual([20, 10]);
    expect(t.rejectProbability).toBe(0);
    advance(clock, 60_000);
    expect([t.requests, t.accepts, t.retries]).toEqual([0, 0, 0]);
  });

  it('per-client retry budget: retries only while retries < 10 % of requests', () => {
    const clock = new VirtualClock();
    const t = new AdaptiveThrottle(clock, scripted(0.999999));
    expect(t.admit(true)).toBe(false); // no requests yet
    expect(t.requests).toBe(0); // a retry the budget refuses is not attempted
    for (let i = 0; i < 100; i++) {
      t.admit(false);
      t.attemptEnded(false, AttemptResult.Succeeded);
    }
    let retries = 0;
    while (t.admit(true)) {
      t.attemptEnded(true, AttemptResult.Succeeded);
      retries++;
    }
    // checked before counting: the k-th retry (from 0) goes iff k < 0.1·(100 + k), i.e. k ≤ 11
    expect(retries).toBe(12);
    expect([t.retries, t.requests]).toEqual([12, 112]);
  });

  it('rejects bad config', () => {
    const clock = new VirtualClock();
    const rng = scripted(0);
    expect(() => new AdaptiveThrottle(clock, rng, { k: 0 })).toThrow(RangeError);
    expect(() => new AdaptiveThrottle(clock, rng, { windowMs: 0 })).toThrow(RangeError);
    expect(() => new AdaptiveThrottle(clock, rng, { maxRetryRatio: 1.5 })).toThrow(RangeError);
    expect(() => new AdaptiveThrottle(clock, rng, { buckets: 0 })).toThrow(RangeError);
  });
});
