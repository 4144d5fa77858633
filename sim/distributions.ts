/**
 * Latency distributions of the scenario format (`scenarios/schema.ts`, `Distribution`), as
 * samplers in milliseconds. A sampler is built once per service, with the distribution's
 * parameters checked and its constants precomputed, and then called once per request: the
 * choice of distribution is made here, at build time, not on every call.
 */
import type { Rng } from '../proxy-core/clock/rng.js';
import type { Distribution } from '../scenarios/schema.js';

/** z such that P(Z ≤ z) = 0.99 for a standard normal Z. */
const Z_99 = 2.3263478740408408;
/** Rows of the empirical sampler's lookup table (which segment to start searching from). */
const EMPIRICAL_TABLE_SIZE = 256;

/**
 * A sampler of `dist`: each call draws from `rng` and returns milliseconds ≥ 0.
 *
 * - `constant`: always `value`.
 * - `uniform`: uniform on [`min`, `max`).
 * - `exponential`: −`mean`·ln(1 − U).
 * - `normal`: `mean` + `stddev`·Z (Marsaglia's polar method), **clamped at 0**: the negative
 *   tail is moved to 0, so when `stddev` is not small against `mean` the mean is above `mean`
 *   (see {@link distributionMean}).
 * - `lognormal`: exp(μ + σZ) with μ = ln(`median`), σ = (ln(`p99`) − μ) / z₀.₉₉, so that the
 *   median and the 99th percentile are the ones given.
 * - `pareto` (type I): `scale` / (1 − U)^(1/`shape`).
 * - `empirical`: the inverse CDF through the given percentiles (`p50`, `p99.9`, ...),
 *   interpolated linearly; `p0` is 0 ms and `p100` the largest given value unless given.
 *
 * @throws RangeError if the parameters make no distribution over [0, ∞) (a negative value,
 *   `max` < `min`, `p99` < `median`, a percentile below a lower one, ...).
 */
export function makeSampler(dist: Distribution, rng: Rng): () => number {
  switch (dist.type) {
    case 'constant':
      return constantSampler(dist.value);
    case 'uniform':
      return uniformSampler(dist.min, dist.max, rng);
    case 'exponential':
      return exponentialSampler(dist.mean, rng);
    case 'normal':
      return normalSampler(dist.mean, dist.stddev, rng);
    case 'lognormal':
      return lognormalSampler(dist.median, dist.p99, rng);
    case 'pareto':
      return paretoSampler(dist.scale, dist.shape, rng);
    case 'empirical':
      return empiricalSampler(EmpiricalCdf.parse(dist.percentiles), rng);
    default:
      return unknownDistribution(dist);
  }
}

/**
 * The mean of what {@link makeSampler} draws, in milliseconds: for `normal` the mean of the
 * normal clamped at 0 (μΦ(μ/σ) + σφ(μ/σ)); for `empirical` the mean of the piecewise-linear
 * inverse CDF; `Infinity` for `pareto` with `shape` ≤ 1.
 *
 * @throws RangeError on the parameters {@link makeSampler} refuses.
 */
export function distributionMean(dist: Distribution): number {
  switch (dist.type) {
    case 'constant':
      return check(dist.value >= 0 && dist.value < Infinity, 'constant value must be ≥ 0', dist.value);
    case 'uniform':
      checkUniform(dist.min, dist.max);
      return (dist.min + dist.max) / 2;
    case 'exponential':
      return check(dist.mean >= 0 && dist.mean < Infinity, 'exponential mean must be ≥ 0', dist.mean);
    case 'normal':
      return clampedNormalMean(dist.mean, checkStddev(dist.mean, dist.stddev));
    case 'lognormal':
      return lognormalMean(dist.median, dist.p99);
    case 'pareto':
      return paretoMean(dist.scale, dist.shape);
    case 'empirical':
      return EmpiricalCdf.parse(dist.percentiles).mean();
    default:
      return unknownDistribution(dist);
  }
}

/** Fails on a distribution type this file does not know (unreachable for a typed `Distribution`). */
function unknownDistribution(dist: never): never {
  throw new RangeError(`unknown distribution type ${JSON.stringify((dist as { type: unknown }).type)}`);
}

/** Returns `value` if `ok`, else throws a RangeError saying `what`. */
function check(ok: boolean, what: string, value: number): number {
  if (!ok) throw new RangeError(`${what}, got ${value}`);
  return value;
}

function constantSampler(value: number): () => number {
  check(value >= 0 && value < Infinity, 'constant value must be ≥ 0', value);
  return () => value;
}

/** Checks a uniform's bounds. */
function checkUniform(min: number, max: number): void {
  check(min >= 0 && min < Infinity, 'uniform min must be ≥ 0', min);
  check(max >= min && max < Infinity, `uniform max must be ≥ min (${min})`, max);
}

function uniformSampler(min: number, max: number, rng: Rng): () => number {
  checkUniform(min, max);
  const span = max - min;
  return () => min + span * rng.next();
}

function exponentialSampler(mean: number, rng: Rng): () => number {
  check(mean >= 0 && mean < Infinity, 'exponential mean must be ≥ 0', mean);
  return () => 0 - mean * Math.log1p(-rng.next());
}

/** Checks a normal's parameters and returns `stddev`. */
function checkStddev(mean: number, stddev: number): number {
  check(Number.isFinite(mean), 'normal mean must be finite', mean);
  return check(stddev >= 0 && stddev < Infinity, 'normal stddev must be ≥ 0', stddev);
}

function normalSampler(mean: number, stddev: number, rng: Rng): () => number {
  checkStddev(mean, stddev);
  const normal = new StandardNormal(rng);
  return () => {
    const x = mean + stddev * normal.next();
    return x > 0 ? x : 0;
  };
}

/** E[max(0, X)] for X ~ N(μ, σ²). */
function clampedNormalMean(mean: number, stddev: number): number {
  if (stddev === 0) return Math.max(0, mean);
  const z = mean / stddev;
  return mean * normalCdf(z) + stddev * normalPdf(z);
}

/** μ and σ of the lognormal with the given median and 99th percentile. */
function lognormalParameters(median: number, p99: number): { mu: number; sigma: number } {
  check(median > 0 && median < Infinity, 'lognormal median must be > 0', median);
  check(p99 >= median && p99 < Infinity, `lognormal p99 must be ≥ median (${median})`, p99);
  const mu = Math.log(median);
  return { mu, sigma: (Math.log(p99) - mu) / Z_99 };
}

function lognormalSampler(median: number, p99: number, rng: Rng): () => number {
  const { mu, sigma } = lognormalParameters(median, p99);
  const normal = new StandardNormal(rng);
  return () => Math.exp(mu + sigma * normal.next());
}

/** exp(μ + σ²/2). */
function lognormalMean(median: number, p99: number): number {
  const { mu, sigma } = lognormalParameters(median, p99);
  return Math.exp(mu + (sigma * sigma) / 2);
}

/** Checks a Pareto's parameters. */
function checkPareto(scale: number, shape: number): void {
  check(scale >= 0 && scale < Infinity, 'pareto scale must be ≥ 0', scale);
  check(shape > 0 && shape < Infinity, 'pareto shape must be > 0', shape);
}

function paretoSampler(scale: number, shape: number, rng: Rng): () => number {
  checkPareto(scale, shape);
  const exponent = -1 / shape;
  return () => scale * Math.pow(1 - rng.next(), exponent);
}

/** shape·scale / (shape − 1), infinite for shape ≤ 1. */
function paretoMean(scale: number, shape: number): number {
  checkPareto(scale, shape);
  return shape <= 1 ? (scale === 0 ? 0 : Infinity) : (shape * scale) / (shape - 1);
}

function empiricalSampler(cdf: EmpiricalCdf, rng: Rng): () => number {
  return () => cdf.quantile(rng.next());
}

/**
 * Standard normal deviates by Marsaglia's polar method, which yields them in pairs; the
 * second of a pair is kept for the next call.
 */
class StandardNormal {
  private spare = 0;
  private hasSpare = false;

  constructor(private readonly rng: Rng) {}

  /** A draw of N(0, 1). */
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.rng.next() - 1;
      v = 2 * this.rng.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    this.hasSpare = true;
    return u * factor;
  }
}

/** Φ(z), the standard normal CDF. */
function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** φ(z), the standard normal density. */
function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** The complementary error function, with relative error below 1.2e-7 (Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Percentile keys: `p0` to `p100`, with decimals (`p99.9`). */
const PERCENTILE_KEY = /^p(100|[0-9]{1,2}(\.[0-9]+)?)$/;

/**
 * A piecewise-linear inverse CDF through (probability, milliseconds) points, from probability
 * 0 to 1, with a lookup table so that finding the segment of a probability takes O(1).
 */
class EmpiricalCdf {
  private constructor(
    private readonly probabilities: Float64Array,
    private readonly values: Float64Array,
    private readonly slopes: Float64Array,
    private readonly firstSegment: Int32Array,
  ) {}

  /**
   * Builds the inverse CDF from percentile keys (`p50: 10`, ...), adding p0 = 0 ms and
   * p100 = the largest value when they are absent.
   *
   * @throws RangeError on a bad key, a negative value, or values that decrease.
   */
  static parse(percentiles: Record<string, number>): EmpiricalCdf {
    const points = Object.entries(percentiles).map(([key, value]) => EmpiricalCdf.point(key, value));
    if (points.length === 0) throw new RangeError('empirical distribution needs at least one percentile');
    points.sort((a, b) => a.p - b.p || a.value - b.value);
    for (let i = 1; i < points.length; i++) {
      if (points[i].value < points[i - 1].value) {
        throw new RangeError(`empirical ${points[i].key} (${points[i].value}) is below ${points[i - 1].key} (${points[i - 1].value})`);
      }
    }
    if (points[0].p > 0) points.unshift({ key: 'p0', p: 0, value: 0 });
    if (points[points.length - 1].p < 1) points.push({ key: 'p100', p: 1, value: points[points.length - 1].value });
    return EmpiricalCdf.fromPoints(points);
  }

  /** One parsed (key, probability, value) point. */
  private static point(key: string, value: number): { key: string; p: number; value: number } {
    if (!PERCENTILE_KEY.test(key)) throw new RangeError(`empirical key ${JSON.stringify(key)} is not a percentile like p50 or p99.9`);
    check(value >= 0 && value < Infinity, `empirical ${key} must be ≥ 0`, value);
    return { key, p: Number(key.slice(1)) / 100, value };
  }

  /** Precomputes slopes and the lookup table over sorted points from p = 0 to p = 1. */
  private static fromPoints(points: { p: number; value: number }[]): EmpiricalCdf {
    const n = points.length;
    const probabilities = Float64Array.from(points, (point) => point.p);
    const values = Float64Array.from(points, (point) => point.value);
    const slopes = new Float64Array(n);
    for (let i = 0; i + 1 < n; i++) {
      const width = probabilities[i + 1] - probabilities[i];
      slopes[i] = width > 0 ? (values[i + 1] - values[i]) / width : 0;
    }
    const firstSegment = new Int32Array(EMPIRICAL_TABLE_SIZE);
    let segment = 0;
    for (let row = 0; row < EMPIRICAL_TABLE_SIZE; row++) {
      while (probabilities[segment + 1] <= row / EMPIRICAL_TABLE_SIZE) segment++;
      firstSegment[row] = segment;
    }
    return new EmpiricalCdf(probabilities, values, slopes, firstSegment);
  }

  /** The value at probability `u` in [0, 1). */
  quantile(u: number): number {
    const probabilities = this.probabilities;
    let i = this.firstSegment[(u * EMPIRICAL_TABLE_SIZE) | 0];
    while (probabilities[i + 1] <= u) i++;
    return this.values[i] + (u - probabilities[i]) * this.slopes[i];
  }

  /** The mean: the integral of the inverse CDF, segment by segment. */
  mean(): number {
    let sum = 0;
    for (let i = 0; i + 1 < this.values.length; i++) {
      sum += (this.probabilities[i + 1] - this.probabilities[i]) * (this.values[i] + this.values[i + 1]) / 2;
    }
    return sum;
  }
}
