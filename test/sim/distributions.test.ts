import { describe, expect, it } from 'vitest';
import { distributionMean, makeSampler } from '../../sim/distributions.js';
import { SeededRng } from '../../sim/seeded-rng.js';
import type { Distribution } from '../../scenarios/schema.js';

/**
 * Tolerances are derived from the sample size N and stated as 5 standard errors:
 * - a sample mean is within 5·s/√N of the analytic mean (s: the sample standard deviation);
 * - at an analytic quantile x_p, the empirical CDF F̂(x_p) — a binomial proportion — is within
 *   5·√(p(1−p)/N) of p.
 * With a fixed seed every check is deterministic; 5 standard errors keep it meaningful.
 */
const N = 100_000;

function sample(dist: Distribution, seed = 1): Float64Array {
  const draw = makeSampler(dist, new SeededRng(seed, 'distributions'));
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = draw();
  return xs;
}

function expectMean(xs: Float64Array, expected: number): void {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let squares = 0;
  for (const x of xs) squares += (x - mean) ** 2;
  const standardError = Math.sqrt(squares / (xs.length - 1) / xs.length);
  expect(Math.abs(mean - expected)).toBeLessThanOrEqual(5 * standardError + 1e-12);
}

/** Checks F̂(x) ≈ p for each [p, x] pair. */
function expectQuantiles(xs: Float64Array, quantiles: [p: number, x: number][]): void {
  for (const [p, x] of quantiles) {
    let below = 0;
    for (const v of xs) if (v <= x) below++;
    expect(Math.abs(below / xs.length - p), `F̂(${x}) vs ${p}`).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / xs.length));
  }
}

function expectNonNegative(xs: Float64Array): void {
  let min = Infinity;
  for (const x of xs) min = Math.min(min, x);
  expect(min).toBeGreaterThanOrEqual(0);
}

/** Standard normal quantiles used below. */
const Z = { 0.1: -1.2815515655446004, 0.5: 0, 0.9: 1.2815515655446004, 0.99: 2.3263478740408408 };

describe('makeSampler and distributionMean', () => {
  it('constant: always the value', () => {
    const xs = sample({ type: 'constant', value: 12.5 });
    expect(xs.every((x) => x === 12.5)).toBe(true);
    expect(distributionMean({ type: 'constant', value: 12.5 })).toBe(12.5);
  });

  it('uniform: on [min, max), mean and quantiles', () => {
    const dist: Distribution = { type: 'uniform', min: 10, max: 30 };
    const xs = sample(dist);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...xs)).toBeLessThan(30);
    expect(distributionMean(dist)).toBe(20);
    expectMean(xs, 20);
    expectQuantiles(xs, [0.1, 0.5, 0.9, 0.99].map((p): [number, number] => [p, 10 + 20 * p]));
  });

  it('exponential: mean and quantiles −mean·ln(1 − p)', () => {
    const dist: Distribution = { type: 'exponential', mean: 10 };
    const xs = sample(dist);
    expectNonNegative(xs);
    expect(distributionMean(dist)).toBe(10);
    expectMean(xs, 10);
    expectQuantiles(xs, [0.1, 0.5, 0.9, 0.99].map((p): [number, number] => [p, -10 * Math.log(1 - p)]));
  });

  it('normal: mean and quantiles mean + stddev·z when the clamp at 0 does not matter', () => {
    const dist: Distribution = { type: 'normal', mean: 100, stddev: 15 };
    const xs = sample(dist);
    expect(distributionMean(dist)).toBeCloseTo(100, 9);
    expectMean(xs, 100);
    expectQuantiles(xs, [0.1, 0.5, 0.9, 0.99].map((p): [number, number] => [p, 100 + 15 * Z[p as keyof typeof Z]]));
  });

  it('normal: clamped at 0, with the clamped mean μΦ(μ/σ) + σφ(μ/σ)', () => {
    const dist: Distribution = { type: 'normal', mean: 5, stddev: 5 };
    const xs = sample(dist);
    expectNonNegative(xs);
    const expected = 5 * 0.8413447460685429 + 5 * 0.24197072451914337; // Φ(1), φ(1)
    expect(distributionMean(dist)).toBeCloseTo(expected, 5);
    expectMean(xs, expected);
    // The mass below 0 sits at exactly 0: P(X ≤ 0) = Φ(−1).
    expectQuantiles(xs, [[0.15865525393145707, 0]]);
  });

  it('lognormal: recovers the median and p99 it was given; mean exp(μ + σ²/2)', () => {
    const dist: Distribution = { type: 'lognormal', median: 20, p99: 200 };
    const xs = sample(dist);
    expectNonNegative(xs);
    expectQuantiles(xs, [
      [0.5, 20],
      [0.99, 200],
    ]);
    const sigma = Math.log(10) / 2.3263478740408408;
    const expected = 20 * Math.exp((sigma * sigma) / 2);
    expect(distributionMean(dist)).toBeCloseTo(expected, 9);
    expectMean(xs, expected);
    const flat: Distribution = { type: 'lognormal', median: 7, p99: 7 };
    expect(sample(flat).every((x) => Math.abs(x - 7) < 1e-12)).toBe(true);
  });

  it('pareto: quantiles scale·(1 − p)^(−1/shape); mean shape·scale/(shape − 1), infinite for shape ≤ 1', () => {
    const dist: Distribution = { type: 'pareto', scale: 10, shape: 3 };
    const xs = sample(dist);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(distributionMean(dist)).toBe(15);
    expectMean(xs, 15);
    expectQuantiles(xs, [0.1, 0.5, 0.9, 0.99].map((p): [number, number] => [p, 10 * (1 - p) ** (-1 / 3)]));
    expect(distributionMean({ type: 'pareto', scale: 10, shape: 1 })).toBe(Infinity);
    expect(distributionMean({ type: 'pareto', scale: 10, shape: 0.5 })).toBe(Infinity);
  });

  it('empirical: recovers the given percentiles, interpolates from p0 = 0, stops at the largest value', () => {
    const dist: Distribution = { type: 'empirical', percentiles: { p50: 10, p90: 50, 'p99.9': 200 } };
    const xs = sample(dist);
    expectNonNegative(xs);
    expect(Math.max(...xs)).toBeLessThanOrEqual(200);
    expectQuantiles(xs, [
      [0.25, 5],
      [0.5, 10],
      [0.7, 30],
      [0.9, 50],
      [0.999, 200 - 1e-9], // just below the flat top: the last 0.1% is an atom at 200
      [1, 200],
    ]);
    // Segments: [0, 0.5] 0→10, [0.5, 0.9] 10→50, [0.9, 0.999] 50→200, [0.999, 1] flat at 200.
    const expected = 0.5 * 5 + 0.4 * 30 + 0.099 * 125 + 0.001 * 200;
    expect(distributionMean(dist)).toBeCloseTo(expected, 9);
    expectMean(xs, expected);
  });

  it('empirical: uses p0 and p100 when given, and jumps where two keys share a percentile', () => {
    const dist: Distribution = { type: 'empirical', percentiles: { p0: 4, p100: 8 } };
    const xs = sample(dist);
    expect(distributionMean(dist)).toBe(6);
    expectMean(xs, 6);
    expectQuantiles(xs, [[0.5, 6]]);
    const step: Distribution = { type: 'empirical', percentiles: { p0: 1, p50: 1, 'p50.0': 3, p100: 3 } };
    const steps = sample(step);
    expect(steps.every((x) => x === 1 || x === 3)).toBe(true);
    expectQuantiles(steps, [[0.5, 1]]);
  });

  it('draws the same values for the same seed, and others for another seed', () => {
    const dist: Distribution = { type: 'lognormal', median: 5, p99: 50 };
    expect(sample(dist, 3)).toEqual(sample(dist, 3));
    expect(sample(dist, 3)).not.toEqual(sample(dist, 4));
  });

  it('refuses parameters that make no distribution over [0, ∞)', () => {
    const bad: Distribution[] = [
      { type: 'constant', value: -1 },
      { type: 'uniform', min: 5, max: 4 },
      { type: 'exponential', mean: -1 },
      { type: 'normal', mean: 1, stddev: -1 },
      { type: 'lognormal', median: 0, p99: 10 },
      { type: 'lognormal', median: 10, p99: 5 },
      { type: 'pareto', scale: 1, shape: 0 },
      { type: 'empirical', percentiles: {} },
      { type: 'empirical', percentiles: { p50: 10, p90: 5 } },
      { type: 'empirical', percentiles: { p101: 10 } },
      { type: 'empirical', percentiles: { median: 10 } },
    ];
    const rng = new SeededRng(1);
    for (const dist of bad) {
      expect(() => makeSampler(dist, rng), JSON.stringify(dist)).toThrow(RangeError);
      expect(() => distributionMean(dist), JSON.stringify(dist)).toThrow(RangeError);
    }
  });
});
