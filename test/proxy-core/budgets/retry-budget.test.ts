import { describe, expect, it } from 'vitest';
import { unlimitedBudget } from '../../../proxy-core/budgets/retry-budget.js';
import { AttemptResult } from '../../../proxy-core/budgets/retry-budget.js';

describe('unlimitedBudget', () => {
  it('admits every attempt, however many retries are active', () => {
    for (let i = 0; i < 1000; i++) {
      unlimitedBudget.callStarted();
      expect(unlimitedBudget.admit(false)).toBe(true);
      expect(unlimitedBudget.admit(true)).toBe(true);
      unlimitedBudget.attemptEnded(false, AttemptResult.FailedRetryable);
    }
    expect(unlimitedBudget.admit(true)).toBe(true);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(unlimitedBudget)).toBe(true);
  });
});
