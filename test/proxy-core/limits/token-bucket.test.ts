import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKENS_PER_FILL, TokenBucket, resolveTokenBucket } from '../../../proxy-core/limits/token-bucket.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

/** Takes `n` tokens at the clock's current time; returns how many passed. */
function takeMany(bucket: TokenBucket, n: number): number {
  let passed = 0;
  for (let i = 0; i < n; i++) if (bucket.tryTake()) passed++;
  return passed;
}

describe('TokenBucket (Envoy type.v3.TokenBucket, discrete fill)', () => {
  it('§9.6 oracle: max_tokens 10, tokens_per_fill 5, fill 1 s — 10 pass, the 11th is limited, after 1 s 5 pass', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { maxTokens: 10, tokensPerFill: 5, fillIntervalMs: 1000 });
    expect(takeMany(bucket, 10)).toBe(10);
    expect(bucket.tryTake()).toBe(false);
    clock.runUntil(1000);
    expect(takeMany(bucket, 6)).toBe(5);
    expect(bucket.available()).toBe(0);
  });

  it('fills only at interval boundaries counted from creation, never above max_tokens', () => {
    const clock = new VirtualClock();
    clock.runUntil(250);
    const bucket = new TokenBucket(clock, { maxTokens: 4, tokensPerFill: 3, fillIntervalMs: 100 });
    expect(takeMany(bucket, 4)).toBe(4);
    clock.runUntil(349.999);
    expect(bucket.available()).toBe(0); // boundary at 350, not 300
    clock.runUntil(350);
    expect(bucket.available()).toBe(3);
    clock.runUntil(450);
    expect(bucket.available()).toBe(4); // 3 + 3 capped at 4
    clock.runUntil(10_000);
    expect(bucket.available()).toBe(4);
  });

  it('defaults tokens_per_fill to 1', () => {
    expect(DEFAULT_TOKENS_PER_FILL).toBe(1);
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { maxTokens: 2, fillIntervalMs: 50 });
    expect(takeMany(bucket, 3)).toBe(2);
    clock.runUntil(120);
    expect(takeMany(bucket, 3)).toBe(2); // two fills of 1
  });

  it('rejects invalid configurations with a RangeError', () => {
    expect(() => resolveTokenBucket({ maxTokens: 0, fillIntervalMs: 1000 })).toThrow(RangeError);
    expect(() => resolveTokenBucket({ maxTokens: 1.5, fillIntervalMs: 1000 })).toThrow(/max_tokens/);
    expect(() => resolveTokenBucket({ maxTokens: 1, tokensPerFill: 0, fillIntervalMs: 1000 })).toThrow(/tokens_per_fill/);
    expect(() => resolveTokenBucket({ maxTokens: 1, fillIntervalMs: 0 })).toThrow(/fill_interval/);
    expect(() => resolveTokenBucket({ maxTokens: 1, fillIntervalMs: Number.NaN })).toThrow(/fill_interval/);
  });

  const config = fc.record({
    maxTokens: fc.integer({ min: 1, max: 8 }),
    tokensPerFill: fc.integer({ min: 1, max: 4 }),
    fillIntervalMs: fc.integer({ min: 1, max: 200 }),
  });
  // Mostly bursts (gap 0) and short gaps, so that buckets run dry and requests land on
  // both sides of fill boundaries; now and then a long idle gap.
  const gap = fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 60 }) },
    { weight: 2, arbitrary: fc.double({ min: 0, max: 60, noNaN: true }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 2000 }) },
  );
  const gaps = fc.array(gap, { maxLength: 300 });

  it('property: passes ≤ max_tokens + tokens_per_fill × floor(elapsed / fill_interval)', () => {
    fc.assert(
      fc.property(config, gaps, (cfg, deltas) => {
        const clock = new VirtualClock();
        const bucket = new TokenBucket(clock, cfg);
        let t = 0;
        let passed = 0;
        for (const d of deltas) {
          t += d;
          clock.runUntil(t);
          if (bucket.tryTake()) passed++;
          const bound = cfg.maxTokens + cfg.tokensPerFill * Math.floor(t / cfg.fillIntervalMs);
          if (passed > bound) return false;
        }
        return true;
      }),
    );
  });

  it('property: agrees request by request with a bucket refilled by a timer every fill_interval', () => {
    fc.assert(
      fc.property(config, gaps, (cfg, deltas) => {
        const clock = new VirtualClock();
        const bucket = new TokenBucket(clock, cfg);
        // Envoy's older implementation: a timer adds tokens_per_fill every fill_interval.
        let tokens = cfg.maxTokens;
        let nextFill = cfg.fillIntervalMs;
        let t = 0;
        for (const d of deltas) {
          t += d;
          while (nextFill <= t) {
            tokens = Math.min(cfg.maxTokens, tokens + cfg.tokensPerFill);
            nextFill += cfg.fillIntervalMs;
          }
          const expected = tokens >= 1;
          if (expected) tokens--;
          clock.runUntil(t);
          if (bucket.tryTake() !== expected) return false;
        }
        return true;
      }),
    );
  });
});
