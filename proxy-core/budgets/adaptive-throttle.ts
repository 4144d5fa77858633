import type { Clock } from '../clock/clock.js';
import { AttemptResult, type RetryBudget } from './retry-budget.js';
import type { Rng } from '../clock/rng.js';

/** Google SRE book ch. 21 "Handling Overload": client-side throttling and the per-client retry budget. */
export interface AdaptiveThrottleConfig {
  /** `K`: accepts multiplier; lower is more aggressive (≥ 1 sensible, > 0 required). Default 2. */
  k: number;
  /** How far back requests and accepts count ("the last two minutes"). Default 120 000 ms. */
  windowMs: number;
  /** Retries admitted only while retries/requests is below this (the book's 10 %). */
  maxRetryRatio: number;
  /** Time buckets the window is kept in: the window slides by windowMs/buckets. Default 120 (1 s). */
  buckets: number;
}

/** {@link AdaptiveThrottleConfig} with every field optional. */
export type AdaptiveThrottleOptions = Partial<AdaptiveThrottleConfig>;

/** The book's values: K = 2, 2 minutes, retries < 10 % of requests; 1 s buckets (our choice). */
export const DEFAULT_ADAPTIVE_THROTTLE: Readonly<AdaptiveThrottleConfig> = Object.freeze({
  k: 2,
  windowMs: 120_000,
  maxRetryRatio: 0.1,
  buckets: 120,
});

/**
 * Fills the book's defaults and checks ranges.
 *
 * @throws RangeError if k or windowMs is not > 0, maxRetryRatio ∉ [0, 1], or buckets is not an integer in [1, 100000].
 */
export function resolveAdaptiveThrottle(options: AdaptiveThrottleOptions = {}): AdaptiveThrottleConfig {
  const d = DEFAULT_ADAPTIVE_THROTTLE;
  const config = {
    k: options.k ?? d.k,
    windowMs: options.windowMs ?? d.windowMs,
    maxRetryRatio: options.maxRetryRatio ?? d.maxRetryRatio,
    buckets: options.buckets ?? d.buckets,
  };
  if (!(config.k > 0 && Number.isFinite(config.k))) throw new RangeError(`adaptive throttle k must be > 0, got ${config.k}`);
  if (!(config.windowMs > 0 && Number.isFinite(config.windowMs))) {
    throw new RangeError(`adaptive throttle windowMs must be > 0, got ${config.windowMs}`);
  }
  if (!(config.maxRetryRatio >= 0 && config.maxRetryRatio <= 1)) {
    throw new RangeError(`adaptive throttle maxRetryRatio must be in [0, 1], got ${config.maxRetryRatio}`);
  }
  if (!Number.isInteger(config.buckets) || config.buckets < 1 || config.buckets > 100_000) {
    throw new RangeError(`adaptive throttle buckets must be an integer in [1, 100000], got ${config.buckets}`);
  }
  return config;
}

/**
 * Client-side adaptive throttling (SRE book ch. 21). Over the window it counts `requests`
 * (attempts the application made, first or retry, including those this throttle rejected) and
 * `accepts` (attempts the backend accepted). Each attempt is rejected locally with probability
 * `max(0, (requests − K·accepts) / (requests + 1))`, computed before the attempt is counted.
 * On top, the book's per-client retry budget: a retry is admitted only while
 * `retries < maxRetryRatio · requests` over the window; a retry refused by that budget is not
 * attempted, so it counts nowhere. Counts live in a fixed ring of time buckets: the window
 * covers the current bucket and the `buckets − 1` before it.
 */
export class AdaptiveThrottle implements RetryBudget {
  private readonly k: number;
  private readonly maxRetryRatio: number;
  private readonly bucketMs: number;
  private readonly n: number;
  private readonly reqs: Float64Array;
  private readonly accs: Float64Array;
  private readonly rets: Float64Array;
  private totalRequests = 0;
  private totalAccepts = 0;
  private totalRetries = 0;
  /** Absolute number (now / bucketMs) of the bucket last written. */
  private head: number;

  /** @throws RangeError on a bad config (see {@link resolveAdaptiveThrottle}). */
  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    options: AdaptiveThrottleOptions = {},
  ) {
    const config = resolveAdaptiveThrottle(options);
    this.k = config.k;
    this.maxRetryRatio = config.maxRetryRatio;
    this.n = config.buckets;
    this.bucketMs = config.windowMs / config.buckets;
    this.reqs = new Float64Array(this.n);
    this.accs = new Float64Array(this.n);
    this.rets = new Float64Array(this.n);
    this.head = Math.floor(clock.now() / this.bucketMs);
  }

  /** Attempts counted in the window (including locally rejected ones). */
  get requests(): number {
    this.advance();
    return this.totalRequests;
  }

  /** Attempts the backend accepted in the window. */
  get accepts(): number {
    this.advance();
    return this.totalAccepts;
  }

  /** Retries counted in the window. */
  get retries(): number {
    this.advance();
    return this.totalRetries;
  }

  /** The probability the next attempt is rejected locally. */
  get rejectProbability(): number {
    this.advance();
    return this.probability();
  }

  /** Nothing to count: the throttle sees attempts. */
  callStarted(): void {}

  /** Nothing to count. */
  callEnded(_ok: boolean): void {}

  /**
   * Retries first face the retry ratio; then every attempt is rejected with the throttle's
   * probability (one rng draw, skipped when the probability is 0) and counted as a request.
   */
  admit(retry: boolean): boolean {
    this.advance();
    if (retry && !(this.totalRetries < this.maxRetryRatio * this.totalRequests)) return false;
    const p = this.probability();
    const rejected = p > 0 && this.rng.next() < p;
    const i = this.slot(this.head);
    this.reqs[i]++;
    this.totalRequests++;
    if (retry) {
      this.rets[i]++;
      this.totalRetries++;
    }
    return !rejected;
  }

  /**
   * An attempt the backend accepted counts as an accept: a success, or an answered failure
   * that is not retryable (a 404 was processed, not refused); a retryable failure or an
   * abandoned attempt is not one.
   */
  attemptEnded(_retry: boolean, result: AttemptResult): void {
    if (result !== AttemptResult.Succeeded && result !== AttemptResult.FailedOther) return;
    this.advance();
    this.accs[this.slot(this.head)]++;
    this.totalAccepts++;
  }

  private probability(): number {
    const p = (this.totalRequests - this.k * this.totalAccepts) / (this.totalRequests + 1);
    return p > 0 ? p : 0;
  }

  private slot(bucket: number): number {
    const i = bucket % this.n;
    return i < 0 ? i + this.n : i;
  }

  /** Moves the head to the current bucket, emptying the buckets that fell out of the window. */
  private advance(): void {
    const now = Math.floor(this.clock.now() / this.bucketMs);
    if (now <= this.head) return;
    const steps = Math.min(now - this.head, this.n);
    for (let s = 1; s <= steps; s++) {
      const i = this.slot(this.head + s);
      this.totalRequests -= this.reqs[i];
      this.totalAccepts -= this.accs[i];
      this.totalRetries -= this.rets[i];
      this.reqs[i] = 0;
      this.accs[i] = 0;
      this.rets[i] = 0;
    }
    this.head = now;
  }
}
