import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_DYNAMIC_DESCRIPTORS,
  DEFAULT_RATE_LIMIT_STATUS,
  RATE_LIMIT_UNIT_MS,
  RateLimit,
  bucketForRate,
  resolveRateLimitStatus,
} from '../../../proxy-core/limits/rate-limit.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const HOUR = RATE_LIMIT_UNIT_MS.hour;

/** Offers `n` requests with `value` spread evenly over [from, from + span); returns how many passed. */
function offer(clock: VirtualClock, limit: RateLimit, value: string | undefined, n: number, from: number, span: number): number {
  let passed = 0;
  for (let i = 0; i < n; i++) {
    clock.runUntil(from + (i * span) / n);
    if (limit.check(value)) passed++;
  }
  return passed;
}

describe('RateLimit (Envoy local rate limit descriptors, envoyproxy/ratelimit config)', () => {
  it('bucketForRate writes "N per unit" as max_tokens = tokens_per_fill = N, fill_interval = unit', () => {
    expect(bucketForRate(100, HOUR)).toEqual({ maxTokens: 100, tokensPerFill: 100, fillIntervalMs: 3_600_000 });
    expect(RATE_LIMIT_UNIT_MS).toEqual({ second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 });
  });

  it('platinum oracle: 100/h by default, 1000/h for x-tier: platinum, over one hour and the next', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, {
      default: bucketForRate(100, HOUR),
      key: 'x-tier',
      overrides: [{ value: 'platinum', bucket: bucketForRate(1000, HOUR) }],
    });
    // Hour 1: 300 requests of each class, interleaved in time.
    let gold = 0;
    let platinum = 0;
    let anonymous = 0;
    for (let i = 0; i < 300; i++) {
      clock.runUntil((i * HOUR) / 300);
      if (limit.check('gold')) gold++;
      if (limit.check('platinum')) platinum++;
      if (limit.check(undefined)) anonymous++;
    }
    // gold and anonymous share the default 100/h; platinum has its own 1000/h.
    expect(gold + anonymous).toBe(100);
    expect(platinum).toBe(300);
    expect(offer(clock, limit, 'platinum', 1000, HOUR - 1, 0)).toBe(700);
    expect(limit.passed).toBe(1100);
    expect(limit.limited).toBe(1900 - 1100); // 1900 offered in hour 1
    // Hour 2: both buckets are full again, with the same limits.
    expect(offer(clock, limit, 'gold', 150, HOUR, HOUR)).toBe(100);
    expect(offer(clock, limit, 'platinum', 1500, HOUR, HOUR)).toBe(1000);
    expect(limit.status).toBe(429);
  });

  it('perValue gives each value its own bucket of the default size; overrides still win', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, {
      default: bucketForRate(2, RATE_LIMIT_UNIT_MS.second),
      key: 'source.principal',
      perValue: true,
      overrides: [{ value: 'spiffe://mesh/ns/prod/sa/batch', bucket: bucketForRate(5, RATE_LIMIT_UNIT_MS.second) }],
    });
    expect(offer(clock, limit, 'spiffe://mesh/ns/prod/sa/web', 4, 0, 0)).toBe(2);
    expect(offer(clock, limit, 'spiffe://mesh/ns/prod/sa/api', 4, 0, 0)).toBe(2);
    expect(offer(clock, limit, 'spiffe://mesh/ns/prod/sa/batch', 8, 0, 0)).toBe(5);
    // A request without the attribute matches no descriptor: the shared default bucket.
    expect(offer(clock, limit, undefined, 4, 0, 0)).toBe(2);
  });

  it('without perValue, values that are not overridden share the default bucket', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, { default: bucketForRate(3, 1000), key: 'x-tier' });
    expect(offer(clock, limit, 'a', 2, 0, 0) + offer(clock, limit, 'b', 2, 0, 0)).toBe(3);
  });

  it('without a key, every request takes from the default bucket, whatever its value', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, { default: { maxTokens: 10, tokensPerFill: 5, fillIntervalMs: 1000 } });
    expect(offer(clock, limit, 'platinum', 11, 0, 0)).toBe(10);
    expect(offer(clock, limit, undefined, 6, 1000, 0)).toBe(5);
    expect(limit.limited).toBe(2);
  });

  it('status: 429 by default, values below 400 become 429, others are kept', () => {
    expect(DEFAULT_RATE_LIMIT_STATUS).toBe(429);
    expect(resolveRateLimitStatus(undefined)).toBe(429);
    expect(resolveRateLimitStatus(200)).toBe(429);
    expect(resolveRateLimitStatus(503)).toBe(503);
    expect(() => resolveRateLimitStatus(600)).toThrow(RangeError);
    const clock = new VirtualClock();
    expect(new RateLimit(clock, { default: bucketForRate(1, 1000), status: 302 }).status).toBe(429);
  });

  it('rejects overrides or perValue without a key, and a repeated override value', () => {
    const clock = new VirtualClock();
    const b = bucketForRate(1, 1000);
    expect(() => new RateLimit(clock, { default: b, perValue: true })).toThrow(/need a key/);
    expect(() => new RateLimit(clock, { default: b, overrides: [{ value: 'x', bucket: b }] })).toThrow(RangeError);
    expect(
      () => new RateLimit(clock, { default: b, key: 'k', overrides: [{ value: 'x', bucket: b }, { value: 'x', bucket: b }] }),
    ).toThrow(/twice/);
    expect(() => new RateLimit(clock, { default: bucketForRate(0, 1000) })).toThrow(/max_tokens/);
  });
});

describe('RateLimit: per-value buckets are bounded (Envoy max_dynamic_descriptors)', () => {
  it('keeps at most maxValues buckets, whatever the number of distinct values a caller sends', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, { default: { maxTokens: 5, tokensPerFill: 5, fillIntervalMs: 60_000 }, key: 'x-user', perValue: true });
    for (let i = 0; i < 100_000; i++) limit.check(`user-${i}`);
    expect(limit.valuesTracked).toBe(DEFAULT_MAX_DYNAMIC_DESCRIPTORS);
  });

  it('drops the least recently used value first; a value that comes back starts afresh', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, { default: { maxTokens: 1, tokensPerFill: 1, fillIntervalMs: 60_000 }, key: 'x-user', perValue: true, maxValues: 2 });
    expect(limit.check('a')).toBe(true);
    expect(limit.check('b')).toBe(true);
    expect(limit.check('a')).toBe(false); // a is now the most recently used
    expect(limit.check('c')).toBe(true); // evicts b
    expect(limit.check('a')).toBe(false); // a kept its empty bucket
    expect(limit.check('b')).toBe(true); // b comes back with a fresh bucket
  });

  it('drops a bucket that has refilled before one still in use: no limit is lifted early', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, { default: { maxTokens: 2, tokensPerFill: 1, fillIntervalMs: 1000 }, key: 'x-user', perValue: true, maxValues: 2 });
    limit.check('busy');
    limit.check('busy'); // empty; refills one token at 1000
    clock.runUntil(10);
    limit.check('idle'); // one left; refills to full at 1010
    clock.runUntil(1010);
    limit.check('new'); // room is made: idle (full) goes, not busy, though busy is the least recently used
    expect(limit.check('busy')).toBe(true);
    expect(limit.check('busy')).toBe(false); // busy kept its bucket: one token, not a fresh two
  });
});
