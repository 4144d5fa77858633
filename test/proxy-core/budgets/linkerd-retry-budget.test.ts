import { describe, expect, it } from 'vitest';
import { DEFAULT_LINKERD_RETRY_BUDGET, LinkerdRetryBudget } from '../../../proxy-core/budgets/linkerd-retry-budget.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { AttemptResult } from '../../../proxy-core/budgets/retry-budget.js';

/** Moves the virtual clock forward by `ms`. */
function advance(clock: VirtualClock, ms: number): void {
  clock.schedule(ms, () => {}, null);
  clock.run();
}

/** How many retries the budget admits before refusing one. */
function drain(b: LinkerdRetryBudget): number {
  let n = 0;
  while (b.admit(true)) n++;
  return n;
}

describe('LinkerdRetryBudget (tower TpsBudget)', () => {
  it('deposit/withdraw amounts and reserve follow the ratio (§2.1)', () => {
    const clock = new VirtualClock();
    expect(new LinkerdRetryBudget(clock)).toMatchObject({ depositAmount: 1, withdrawAmount: 5, reserve: 500 });
    expect(new LinkerdRetryBudget(clock, { retryRatio: 0 })).toMatchObject({ depositAmount: 0, withdrawAmount: 1, reserve: 100 });
    expect(new LinkerdRetryBudget(clock, { retryRatio: 0.3 })).toMatchObject({ depositAmount: 1, withdrawAmount: 3 });
    expect(new LinkerdRetryBudget(clock, { retryRatio: 0.1 })).toMatchObject({ depositAmount: 1, withdrawAmount: 10 });
    expect(new LinkerdRetryBudget(clock, { retryRatio: 2 })).toMatchObject({ depositAmount: 1000, withdrawAmount: 500 });
    expect(new LinkerdRetryBudget(clock, { ttlMs: 1500, minRetriesPerSecond: 4 })).toMatchObject({ reserve: 20 }); // trunc(1.5 s) = 1
    expect(DEFAULT_LINKERD_RETRY_BUDGET).toEqual({ retryRatio: 0.2, minRetriesPerSecond: 10, ttlMs: 10_000 });
  });

  it('§9.7: defaults allow 100 retries with no traffic, and each 5 final responses fund one more', () => {
    const clock = new VirtualClock();
    const b = new LinkerdRetryBudget(clock);
    expect(b.admit(false)).toBe(true);
    expect(drain(b)).toBe(100);
    for (let i = 0; i < 14; i++) b.deposit();
    expect(drain(b)).toBe(2); // 14 units: two withdrawals of 5
    expect(b.balance).toBe(4);
    b.deposit();
    expect(drain(b)).toBe(1);
    expect(b.admit(false)).toBe(true); // first attempts never need the budget
  });

  it('§9.7: deposits expire after the ttl, slot by slot', () => {
    const clock = new VirtualClock();
    const b = new LinkerdRetryBudget(clock, { minRetriesPerSecond: 0 });
    for (let i = 0; i < 10; i++) b.deposit();
    advance(clock, 9_500);
    expect(b.balance).toBe(10);
    advance(clock, 1_001);
    expect(b.balance).toBe(0);
  });

  it("tower's tps_empty, tps_leaky and tps_reserve", () => {
    const clock = new VirtualClock();
    expect(new LinkerdRetryBudget(clock, { ttlMs: 1000, minRetriesPerSecond: 0, retryRatio: 1 }).admit(true)).toBe(false);
    const leaky = new LinkerdRetryBudget(clock, { ttlMs: 1000, minRetriesPerSecond: 0, retryRatio: 1 });
    leaky.deposit();
    advance(clock, 3000);
    expect(leaky.admit(true)).toBe(false);
    expect(drain(new LinkerdRetryBudget(clock, { ttlMs: 1000, minRetriesPerSecond: 5, retryRatio: 1 }))).toBe(5);
  });

  it("tower's tps_slots", () => {
    const clock = new VirtualClock();
    const b = new LinkerdRetryBudget(clock, { ttlMs: 1000, minRetriesPerSecond: 0, retryRatio: 0.5 });
    b.deposit();
    b.deposit();
    advance(clock, 901);
    expect(b.admit(true)).toBe(true); // 900 ms later the deposits still count
    advance(clock, 2001); // blank slate
    b.deposit();
    advance(clock, 301);
    b.deposit();
    advance(clock, 801);
    b.deposit();
    expect(b.admit(true)).toBe(true); // the first deposit expired; the 2nd and 3rd fund it
    expect(b.admit(true)).toBe(false);
  });

  it('deposits for each response Linkerd will not retry — a success or a 404 — and not for a retryable failure or an abandoned attempt', () => {
    const clock = new VirtualClock();
    const b = new LinkerdRetryBudget(clock, { minRetriesPerSecond: 0, retryRatio: 1 });
    b.attemptEnded(false, AttemptResult.FailedRetryable);
    b.attemptEnded(true, AttemptResult.Abandoned);
    b.callEnded(true);
    expect(b.balance).toBe(0);
    b.attemptEnded(false, AttemptResult.Succeeded);
    b.attemptEnded(true, AttemptResult.FailedOther);
    expect(b.balance).toBe(2);
  });

  it('rejects bad config', () => {
    const clock = new VirtualClock();
    expect(() => new LinkerdRetryBudget(clock, { retryRatio: 1001 })).toThrow(RangeError);
    expect(() => new LinkerdRetryBudget(clock, { retryRatio: -0.1 })).toThrow(RangeError);
    expect(() => new LinkerdRetryBudget(clock, { ttlMs: 999 })).toThrow(RangeError);
    expect(() => new LinkerdRetryBudget(clock, { ttlMs: 60_001 })).toThrow(RangeError);
    expect(() => new LinkerdRetryBudget(clock, { minRetriesPerSecond: 2.5 })).toThrow(RangeError);
  });
});
