import { describe, expect, it } from 'vitest';
import type { Rng } from '../../proxy-core/clock/rng.js';
import { SeededRng } from '../../sim/seeded-rng.js';

/** `n` draws of `rng.next()`. */
function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

function mean(xs: number[]): number {
  return xs.reduce((sum, x) => sum + x, 0) / xs.length;
}

/** Pearson correlation of two equally long samples. */
function correlation(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Standard deviation of U(0, 1). */
const UNIFORM_SD = Math.sqrt(1 / 12);

describe('SeededRng', () => {
  it('gives the same sequence for the same seed and name, and another for another seed or name', () => {
    const a = draws(new SeededRng(42, 'svc'), 100);
    expect(draws(new SeededRng(42, 'svc'), 100)).toEqual(a);
    expect(draws(new SeededRng(43, 'svc'), 100)).not.toEqual(a);
    expect(draws(new SeededRng(42, 'svd'), 100)).not.toEqual(a);
    expect(new SeededRng(7).name).toBe('root');
  });

  it('tells apart seeds that differ only above 32 bits, and refuses seeds that are not safe integers', () => {
    expect(new SeededRng(2 ** 40).next()).not.toBe(new SeededRng(2 ** 40 + 2 ** 32).next());
    expect(new SeededRng(2 ** 40).next()).not.toBe(new SeededRng(0).next());
    for (const seed of [1.5, NaN, Infinity, 2 ** 53]) expect(() => new SeededRng(seed)).toThrow(RangeError);
  });

  it('draws doubles in [0, 1) with 53 bits, not 32', () => {
    const xs = draws(new SeededRng(1), 10_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.some((x) => !Number.isInteger(x * 2 ** 32))).toBe(true);
    expect(xs.every((x) => Number.isInteger(x * 2 ** 53))).toBe(true);
  });

  it('keys a fork by its full path, independent of the parent\'s draws and of other forks', () => {
    const fresh = new SeededRng(9).fork('services').fork('checkout');
    const busy = new SeededRng(9);
    draws(busy, 1000);
    for (let i = 0; i < 50; i++) busy.fork(`other-${i}`).next();
    const forked = busy.fork('services');
    forked.next();
    expect(draws(forked.fork('checkout'), 50)).toEqual(draws(fresh, 50));
    expect(fresh.name).toBe('root/services/checkout');
    expect(draws(new SeededRng(9, 'root/services/checkout'), 50)).toEqual(draws(new SeededRng(9).fork('services').fork('checkout'), 50));
  });

  it('gives 1000 differently named streams distinct first values and unbiased means', () => {
    const root = new SeededRng(2024);
    const firsts = new Set<number>();
    // Each stream's mean of 1000 draws is within 5 standard errors (5 · 0.2887 / √1000 ≈ 0.046) of 1/2.
    const tolerance = (5 * UNIFORM_SD) / Math.sqrt(1000);
    let worst = 0;
    for (let i = 0; i < 1000; i++) {
      const stream = root.fork(`svc-${i}`);
      firsts.add(stream.next());
      worst = Math.max(worst, Math.abs(mean(draws(stream, 1000)) - 0.5));
    }
    expect(firsts.size).toBe(1000);
    expect(worst).toBeLessThan(tolerance);
  });

  it('gives uncorrelated streams for neighbouring names and seeds', () => {
    const n = 20_000;
    // |r| of independent samples has standard error ≈ 1/√n: allow 5 of them.
    const tolerance = 5 / Math.sqrt(n);
    const pairs: [Rng, Rng][] = [
      [new SeededRng(1, 'svc-1'), new SeededRng(1, 'svc-2')],
      [new SeededRng(1, 'a'), new SeededRng(2, 'a')],
      [new SeededRng(1).fork('x'), new SeededRng(1).fork('x').fork('x')],
    ];
    for (const [a, b] of pairs) expect(Math.abs(correlation(draws(a, n), draws(b, n)))).toBeLessThan(tolerance);
    // Nor is a stream correlated with itself one step later.
    const xs = draws(new SeededRng(5), n + 1);
    expect(Math.abs(correlation(xs.slice(1), xs.slice(0, -1)))).toBeLessThan(tolerance);
  });

  it('is uniform: chi-square over 100 bins and Kolmogorov–Smirnov, with a fixed seed', () => {
    const n = 200_000;
    const xs = draws(new SeededRng(123), n);
    const bins = new Array<number>(100).fill(0);
    for (const x of xs) bins[Math.floor(x * 100)]++;
    const expected = n / 100;
    const chiSquare = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // 99 degrees of freedom: mean 99, standard deviation √198 ≈ 14.1; allow 5 of them.
    expect(chiSquare).toBeLessThan(99 + 5 * Math.sqrt(198));
    const sorted = xs.slice(0, 20_000).sort((a, b) => a - b);
    let d = 0;
    for (let i = 0; i < sorted.length; i++) d = Math.max(d, (i + 1) / sorted.length - sorted[i], sorted[i] - i / sorted.length);
    // √n·D above 1.95 has probability 0.001 for a uniform sample.
    expect(Math.sqrt(sorted.length) * d).toBeLessThan(1.95);
  });

  it('draws integers uniformly in [0, n) and refuses n < 1', () => {
    const rng = new SeededRng(77);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[rng.int(6)]++;
    const chiSquare = counts.reduce((sum, observed) => sum + (observed - n / 6) ** 2 / (n / 6), 0);
    // 5 degrees of freedom: P(χ² > 25) ≈ 1.4e-4.
    expect(chiSquare).toBeLessThan(25);
    expect(rng.int(1)).toBe(0);
    const big = rng.int(2 ** 53);
    expect(Number.isSafeInteger(big) && big >= 0).toBe(true);
    for (const bad of [0, -3, NaN]) expect(() => rng.int(bad)).toThrow(RangeError);
  });
});
