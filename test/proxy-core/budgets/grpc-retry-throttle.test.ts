import { describe, expect, it } from 'vitest';
import { GrpcRetryThrottle } from '../../../proxy-core/budgets/grpc-retry-throttle.js';
import { AttemptResult } from '../../../proxy-core/budgets/retry-budget.js';

describe('GrpcRetryThrottle (A6 retryThrottling)', () => {
  it('§4 oracle: 10/0.1 — 5 failures throttle, one success lifts it', () => {
    const t = new GrpcRetryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    expect(t.tokens).toBe(10);
    for (let i = 0; i < 4; i++) t.attemptEnded(i > 0, AttemptResult.FailedRetryable);
    expect(t.tokens).toBe(6);
    expect(t.admit(true)).toBe(true);
    t.attemptEnded(true, AttemptResult.FailedRetryable);
    expect(t.tokens).toBe(5);
    expect(t.throttled).toBe(true);
    expect(t.admit(true)).toBe(false);
    expect(t.admit(false)).toBe(true); // first attempts always go
    t.attemptEnded(false, AttemptResult.Succeeded);
    expect(t.tokens).toBe(5.1);
    expect(t.admit(true)).toBe(true);
  });

  it('counts only retryable failures and successes: a non-retryable failure or an abandoned hedge changes nothing (A6)', () => {
    const t = new GrpcRetryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    for (let i = 0; i < 20; i++) t.attemptEnded(false, AttemptResult.FailedOther);
    for (let i = 0; i < 20; i++) t.attemptEnded(true, AttemptResult.Abandoned);
    expect(t.tokens).toBe(10);
    t.attemptEnded(false, AttemptResult.FailedRetryable);
    expect(t.tokens).toBe(9);
  });

  it('clamps tokens to [0, maxTokens] without float drift', () => {
    const t = new GrpcRetryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    t.attemptEnded(false, AttemptResult.Succeeded);
    expect(t.tokens).toBe(10);
    for (let i = 0; i < 20; i++) t.attemptEnded(false, AttemptResult.FailedRetryable);
    expect(t.tokens).toBe(0);
    for (let i = 0; i < 51; i++) t.attemptEnded(false, AttemptResult.Succeeded);
    expect(t.tokens).toBe(5.1); // 51 × 0.1 exactly
  });

  it('keeps 3 decimals of tokenRatio and rejects bad config', () => {
    expect(new GrpcRetryThrottle({ maxTokens: 3, tokenRatio: 0.12345 }).tokenRatio).toBe(0.123);
    expect(() => new GrpcRetryThrottle({ maxTokens: 0, tokenRatio: 0.1 })).toThrow(RangeError);
    expect(() => new GrpcRetryThrottle({ maxTokens: 1001, tokenRatio: 0.1 })).toThrow(RangeError);
    expect(() => new GrpcRetryThrottle({ maxTokens: 10, tokenRatio: 0 })).toThrow(RangeError);
    expect(() => new GrpcRetryThrottle({ maxTokens: 10, tokenRatio: 0.0004 })).toThrow(RangeError);
  });

  it('call events do not change tokens', () => {
    const t = new GrpcRetryThrottle({ maxTokens: 4, tokenRatio: 1 });
    t.callStarted();
    t.callEnded(false);
    expect(t.tokens).toBe(4);
  });
});
