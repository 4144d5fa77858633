import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVOY_RETRY_BUDGET, EnvoyRetryBudget } from '../../../proxy-core/budgets/envoy-retry-budget.js';
import { AttemptResult } from '../../../proxy-core/budgets/retry-budget.js';

/** A budget with `active` calls started, and how many retries it admits at once. */
function admitted(active: number, options = {}): number {
  const b = new EnvoyRetryBudget(options);
  for (let i = 0; i < active; i++) b.callStarted();
  let n = 0;
  while (b.admit(true)) n++;
  return n;
}

describe('EnvoyRetryBudget (circuit_breaker.proto Thresholds.RetryBudget)', () => {
  it('§9.1: max(trunc(20 % · active), 3) concurrent retries', () => {
    expect([0, 10, 24, 25, 100].map((a) => admitted(a))).toEqual([3, 3, 4, 5, 20]);
    expect(admitted(100, { budgetPercent: 50, minRetryConcurrency: 0 })).toBe(50);
    expect(admitted(9, { budgetPercent: 100, minRetryConcurrency: 0 })).toBe(9);
    expect(DEFAULT_ENVOY_RETRY_BUDGET).toEqual({ budgetPercent: 20, minRetryConcurrency: 3 });
  });

  it('a retry is active until its outcome; first attempts are always admitted', () => {
    const b = new EnvoyRetryBudget();
    for (let i = 0; i < 25; i++) b.callStarted();
    for (let i = 0; i < 5; i++) expect(b.admit(true)).toBe(true);
    expect(b.admit(true)).toBe(false);
    expect(b.admit(false)).toBe(true);
    expect(b.activeRetries).toBe(5);
    b.attemptEnded(false, AttemptResult.FailedRetryable); // a first attempt's outcome frees nothing
    expect(b.admit(true)).toBe(false);
    b.attemptEnded(true, AttemptResult.FailedRetryable);
    expect(b.activeRetries).toBe(4);
    expect(b.admit(true)).toBe(true);
  });

  it('active calls are calls started and not ended', () => {
    const b = new EnvoyRetryBudget();
    for (let i = 0; i < 100; i++) b.callStarted();
    expect(b.maxActiveRetries).toBe(20);
    for (let i = 0; i < 76; i++) b.callEnded(i % 2 === 0);
    expect(b.activeCalls).toBe(24);
    expect(b.maxActiveRetries).toBe(4);
  });

  it('rejects bad config', () => {
    expect(() => new EnvoyRetryBudget({ budgetPercent: 101 })).toThrow(RangeError);
    expect(() => new EnvoyRetryBudget({ budgetPercent: -1 })).toThrow(RangeError);
    expect(() => new EnvoyRetryBudget({ minRetryConcurrency: 1.5 })).toThrow(RangeError);
  });

  it('property: a retry is admitted iff fewer than max(min, trunc(pct·active)) are active, so never more', () => {
    type Op = { kind: 'start' | 'end' | 'retry' | 'retryEnd' | 'first'; pick: number };
    const op = fc.record({ kind: fc.constantFrom('start', 'end', 'retry', 'retryEnd', 'first'), pick: fc.nat() }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 10 }), fc.array(op, { maxLength: 400 }), (pct, min, ops) => {
        const b = new EnvoyRetryBudget({ budgetPercent: pct, minRetryConcurrency: min });
        // The model: each active call with how many retries it has in flight.
        const calls: number[] = [];
        let retries = 0;
        for (const { kind, pick } of ops) {
          if (kind === 'start') {
            b.callStarted();
            calls.push(0);
          } else if (kind === 'first') {
            expect(b.admit(false)).toBe(true);
            b.attemptEnded(false, pick % 2 === 0 ? AttemptResult.Succeeded : AttemptResult.FailedRetryable);
          } else if (calls.length === 0) {
            continue;
          } else if (kind === 'end') {
            const i = pick % calls.length;
            if (calls[i] > 0) continue; // a call ends only when its retry has its outcome
            calls.splice(i, 1);
            b.callEnded(pick % 3 === 0);
          } else if (kind === 'retry') {
            const limit = Math.max(min, Math.trunc((pct / 100) * calls.length));
            const ok = b.admit(true);
            expect(ok).toBe(retries < limit);
            if (ok) {
              retries++;
              calls[pick % calls.length]++;
              expect(retries).toBeLessThanOrEqual(limit);
            }
          } else {
            const i = calls.findIndex((r) => r > 0);
            if (i < 0) continue;
            calls[i]--;
            retries--;
            b.attemptEnded(true, pick % 2 === 0 ? AttemptResult.Succeeded : AttemptResult.FailedRetryable);
          }
          expect(b.activeRetries).toBe(retries);
          expect(b.activeCalls).toBe(calls.length);
        }
      }),
    );
  });
});
