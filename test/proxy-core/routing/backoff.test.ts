import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constantBackoff,
  createBackoff,
  decorrelatedJitterBackoff,
  envoyBackoff,
  equalJitterBackoff,
  fullJitterBackoff,
  grpcBackoff,
  type Backoff,
} from '../../../proxy-core/routing/backoff.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';

/** An Rng whose next() always returns `r`. */
function fixed(r: number): Rng {
  return { next: () => r, int: (n) => Math.floor(r * n), fork: () => fixed(r) };
}

const ALMOST_ONE = 1 - 2 ** -53;
const delays = (b: Backoff, r: number, n: number) => Array.from({ length: n }, (_, i) => b.delay(i + 1, 0, fixed(r)));

const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const retry = fc.integer({ min: 1, max: 2000 });

describe('envoyBackoff (JitteredExponentialBackOffStrategy)', () => {
  it('§9.3: retry N waits floor(r·min(25·2^(N−1), 250))', () => {
    const b = envoyBackoff();
    expect(delays(b, ALMOST_ONE, 6)).toEqual([24, 49, 99, 199, 249, 249]);
    expect(delays(b, 0.5, 6)).toEqual([12, 25, 50, 100, 125, 125]);
    expect(delays(b, 0, 3)).toEqual([0, 0, 0]);
  });

  it('defaults base 25 ms and max 10 × base; rounds base to whole ms, at least 1', () => {
    expect(envoyBackoff()).toMatchObject({ baseMs: 25, maxMs: 250 });
    expect(envoyBackoff({ baseMs: 100 })).toMatchObject({ baseMs: 100, maxMs: 1000 });
    expect(envoyBackoff({ baseMs: 0.4 })).toMatchObject({ baseMs: 1, maxMs: 10 });
    expect(envoyBackoff({ baseMs: 10, maxMs: 35 }).delay(3, 0, fixed(ALMOST_ONE))).toBe(34);
  });

  it('rejects a base ≤ 0 and a max below base', () => {
    expect(() => envoyBackoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => envoyBackoff({ baseMs: 50, maxMs: 40 })).toThrow(RangeError);
  });

  it('property: a whole number of ms in [0, min(base·2^(N−1), max))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 100 }), retry, draw, (base, f, n, r) => {
        const b = envoyBackoff({ baseMs: base, maxMs: base * f });
        const d = b.delay(n, 0, fixed(r));
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(base * 2 ** (n - 1), base * f));
      }),
    );
  });
});

describe('AWS jitter (Brooker 2015)', () => {
  it('full jitter: U[0, min(cap, base·2^(N−1)))', () => {
    const b = fullJitterBackoff({ baseMs: 100, capMs: 1000 });
    expect(delays(b, 0.5, 6)).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('equal jitter: v/2 + U[0, v/2)', () => {
    const b = equalJitterBackoff({ baseMs: 100, capMs: 1000 });
    expect(delays(b, 0, 5)).toEqual([50, 100, 200, 400, 500]);
    expect(delays(b, 0.5, 5)).toEqual([75, 150, 300, 600, 750]);
  });

  it('decorrelated jitter: min(cap, U[base, 3·prev)), prev starting at base', () => {
    const b = decorrelatedJitterBackoff({ baseMs: 100, capMs: 1000 });
    expect(b.delay(1, 0, fixed(0.5))).toBe(200); // 100 + 0.5·(300 − 100)
    expect(b.delay(2, 200, fixed(0.5))).toBe(350); // 100 + 0.5·(600 − 100)
    expect(b.delay(3, 350, fixed(0.5))).toBe(575);
    expect(b.delay(4, 900, fixed(0.5))).toBe(1000); // capped
    expect(b.delay(1, 5000, fixed(0))).toBe(100); // the first retry ignores previousMs
    expect(b.delay(2, 0, fixed(0.5))).toBe(200); // a previous delay below base reads as base
  });

  it('defaults to the AWS SDK standard mode: base 100 ms, cap 20 s', () => {
    expect(fullJitterBackoff()).toMatchObject({ baseMs: 100, capMs: 20_000 });
    expect(fullJitterBackoff().delay(30, 0, fixed(0.5))).toBe(10_000);
    expect(() => fullJitterBackoff({ baseMs: 10, capMs: 5 })).toThrow(RangeError);
  });

  const opts = fc.record({ base: fc.double({ min: 0.001, max: 1e4, noNaN: true }), f: fc.double({ min: 1, max: 1e3, noNaN: true }) });

  it('property: full ∈ [0, expo), equal ∈ [expo/2, expo]', () => {
    fc.assert(
      fc.property(opts, retry, draw, ({ base, f }, n, r) => {
        const cap = base * f;
        const expo = Math.min(cap, base * 2 ** (n - 1));
        const full = fullJitterBackoff({ baseMs: base, capMs: cap }).delay(n, 0, fixed(r));
        expect(full).toBeGreaterThanOrEqual(0);
        expect(full).toBeLessThan(expo);
        const equal = equalJitterBackoff({ baseMs: base, capMs: cap }).delay(n, 0, fixed(r));
        expect(equal).toBeGreaterThanOrEqual(expo / 2);
        expect(equal).toBeLessThanOrEqual(expo);
      }),
    );
  });

  it('property: decorrelated ∈ [base, min(cap, 3·max(base, prev))]', () => {
    fc.assert(
      fc.property(opts, retry, fc.double({ min: 0, max: 1e7, noNaN: true }), draw, ({ base, f }, n, prev, r) => {
        const cap = base * f;
        const d = decorrelatedJitterBackoff({ baseMs: base, capMs: cap }).delay(n, prev, fixed(r));
        const p = n > 1 ? Math.max(base, prev) : base;
        expect(d).toBeGreaterThanOrEqual(base);
        expect(d).toBeLessThanOrEqual(Math.min(cap, 3 * p));
      }),
    );
  });
});

describe('grpcBackoff (A6, current ±20 % jitter)', () => {
  it('§9.9: n-th delay = min(initial·mult^(n−1), max) × U[0.8, 1.2)', () => {
    const b = grpcBackoff({ initialMs: 100, maxMs: 1000, multiplier: 2 });
    expect(delays(b, 0.5, 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(delays(b, 0, 2)).toEqual([80, 160]);
    expect(b.delay(5, 0, fixed(ALMOST_ONE))).toBeCloseTo(1200, 9); // may exceed maxBackoff by 20 %
  });

  it("defaults to A6's example policy (0.1 s, 1 s, ×2) and rejects non-positive fields", () => {
    expect(grpcBackoff()).toMatchObject({ initialMs: 100, maxMs: 1000, multiplier: 2 });
    expect(grpcBackoff({ multiplier: 1.6 }).delay(3, 0, fixed(0.5))).toBeCloseTo(256, 9);
    expect(() => grpcBackoff({ multiplier: 0 })).toThrow(RangeError);
    expect(() => grpcBackoff({ initialMs: -1 })).toThrow(RangeError);
  });

  it('property: within [0.8, 1.2]·min(initial·mult^(n−1), max)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e4, noNaN: true }),
        fc.double({ min: 0.001, max: 1e6, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        retry,
        draw,
        (initialMs, maxMs, multiplier, n, r) => {
          const bound = Math.min(maxMs, initialMs * multiplier ** (n - 1));
          const d = grpcBackoff({ initialMs, maxMs, multiplier }).delay(n, 0, fixed(r));
          expect(d).toBeGreaterThanOrEqual(0.8 * bound * (1 - 1e-12));
          expect(d).toBeLessThanOrEqual(1.2 * bound * (1 + 1e-12));
        },
      ),
    );
  });
});

describe('constantBackoff and createBackoff', () => {
  it('constant: the same delay every time, without drawing', () => {
    const rng: Rng = { next: () => expect.fail('drew'), int: () => 0, fork: () => rng };
    expect([1, 2, 50].map((n) => constantBackoff(40).delay(n, 0, rng))).toEqual([40, 40, 40]);
    expect(() => constantBackoff(-1)).toThrow(RangeError);
  });

  it('fills each type with its reference defaults', () => {
    expect(createBackoff({ type: 'envoy' })).toMatchObject({ baseMs: 25, maxMs: 250 });
    expect(createBackoff({ type: 'envoy', baseMs: 50 })).toMatchObject({ baseMs: 50, maxMs: 500 });
    expect(createBackoff({ type: 'full' })).toMatchObject({ kind: 'full', baseMs: 100, capMs: 20_000 });
    expect(createBackoff({ type: 'equal', baseMs: 5, maxMs: 2000 })).toMatchObject({ kind: 'equal', baseMs: 5, capMs: 2000 });
    expect(createBackoff({ type: 'decorrelated' })).toMatchObject({ kind: 'decorrelated' });
    expect(createBackoff({ type: 'grpc', multiplier: 1.5 })).toMatchObject({ initialMs: 100, maxMs: 1000, multiplier: 1.5 });
    expect(createBackoff({ type: 'constant' }).delay(1, 0, fixed(0.5))).toBe(0);
    expect(createBackoff({ type: 'constant', baseMs: 30 }).delay(4, 0, fixed(0.5))).toBe(30);
  });

  it('rejects unknown types and fields the type does not use', () => {
    expect(() => createBackoff({ type: 'linear' as 'envoy' })).toThrow(/valid: envoy, full, equal, decorrelated, grpc, constant/);
    expect(() => createBackoff({ type: 'envoy', multiplier: 3 })).toThrow(RangeError);
    expect(() => createBackoff({ type: 'constant', maxMs: 3 })).toThrow(RangeError);
  });

  it('strategies are immutable', () => {
    const b = envoyBackoff();
    expect(Object.isFrozen(b)).toBe(true);
    expect(() => Object.assign(b, { baseMs: 1 })).toThrow(TypeError);
  });
});
