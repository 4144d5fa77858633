// The token bucket's refill at a scale of tens of ms, under the simulator's clock and live
// mode's alike (test/proxy-core/clock-harness.ts). Exact numbers: token-bucket.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenBucket, type TokenBucketConfig } from '../../../proxy-core/limits/token-bucket.js';
import { CLOCK_KINDS, type ClockHarness, clockHarness } from '../clock-harness.js';

const FILL_MS = 30;
const CONFIG: TokenBucketConfig = { maxTokens: 3, tokensPerFill: 2, fillIntervalMs: FILL_MS };

/**
 * Envoy's older token bucket, refilled by a timer: starts full, and at each fill boundary
 * `created + k · fill_interval` (k ≥ 1) at or before a request's time gains tokens_per_fill,
 * capped. Fed the times the bucket under test read, it must answer as that bucket does.
 */
class TimerRefilledBucket {
  private tokens: number;
  private nextFill: number;

  constructor(
    private readonly config: Required<TokenBucketConfig>,
    created: number,
  ) {
    this.tokens = config.maxTokens;
    this.nextFill = created + config.fillIntervalMs;
  }

  at(t: number): number {
    while (this.nextFill <= t) {
      this.tokens = Math.min(this.config.maxTokens, this.tokens + this.config.tokensPerFill);
      this.nextFill += this.config.fillIntervalMs;
    }
    return this.tokens;
  }

  take(t: number): boolean {
    if (this.at(t) < 1) return false;
    this.tokens--;
    return true;
  }
}

describe.each(CLOCK_KINDS)('TokenBucket under the %s clock', (kind) => {
  let h: ClockHarness;
  beforeEach(() => {
    h = clockHarness(kind);
  });
  afterEach(() => h.dispose());

  /** A bucket, and the reference fed the same times: the time the bucket read on each call. */
  function setup(): { take(): boolean; available(): number; model: TimerRefilledBucket; counts: { passed: number; limited: number; refills: number } } {
    const bucket = new TokenBucket(h.clock, CONFIG);
    const model = new TimerRefilledBucket(bucket.config, h.lastNow);
    const counts = { passed: 0, limited: 0, refills: 0 };
    let last = bucket.config.maxTokens;
    const observe = (available: number): void => {
      if (available > last) counts.refills++;
      last = available;
    };
    return {
      take() {
        const passed = bucket.tryTake();
        expect(passed).toBe(model.take(h.lastNow));
        if (passed) counts.passed++;
        else counts.limited++;
        observe(model.at(h.lastNow));
        return passed;
      },
      available() {
        const n = bucket.available();
        expect(n).toBe(model.at(h.lastNow));
        observe(n);
        return n;
      },
      model,
      counts,
    };
  }

  it('starts full, gains tokens_per_fill at each fill boundary counted from its creation, capped at max_tokens', async () => {
    await h.advance(7); // boundaries are counted from the bucket's creation, not from the clock's start
    const bucket = setup();
    for (let round = 0; round < 6; round++) {
      while (bucket.take()); // drain: ends on a limited request
      await h.advance(round % 2 ? FILL_MS / 2 : FILL_MS);
      bucket.available();
    }
    await h.advance(5 * FILL_MS); // idle for several fills: capped
    expect(bucket.available()).toBe(CONFIG.maxTokens);
    expect(bucket.counts.limited).toBe(6);
    expect(bucket.counts.refills).toBeGreaterThanOrEqual(3);
  });

  it('never lets more through than max_tokens + tokens_per_fill per boundary passed', async () => {
    const bucket = new TokenBucket(h.clock, CONFIG);
    const created = h.lastNow;
    let passed = 0;
    for (let i = 0; i < 12; i++) {
      while (bucket.tryTake()) passed++;
      const fills = Math.floor((h.lastNow - created) / FILL_MS);
      expect(passed).toBeLessThanOrEqual(CONFIG.maxTokens + CONFIG.tokensPerFill! * fills);
      await h.advance(FILL_MS / 3);
    }
    expect(passed).toBeGreaterThan(CONFIG.maxTokens);
  });
});
