import type { AttemptResult, RetryBudget } from './retry-budget.js';

/** Envoy: circuit_breaker.proto `Thresholds.RetryBudget`. */
export interface EnvoyRetryBudgetConfig {
  /** `budget_percent`: share of active calls that may be retrying at once, in [0, 100]. */
  budgetPercent: number;
  /** `min_retry_concurrency`: retries allowed at once whatever the load, an integer ≥ 0. */
  minRetryConcurrency: number;
}

/** {@link EnvoyRetryBudgetConfig} with every field optional. */
export type EnvoyRetryBudgetOptions = Partial<EnvoyRetryBudgetConfig>;

/** Envoy's defaults: 20 %, at least 3 concurrent retries. */
export const DEFAULT_ENVOY_RETRY_BUDGET: Readonly<EnvoyRetryBudgetConfig> = Object.freeze({
  budgetPercent: 20,
  minRetryConcurrency: 3,
});

/**
 * Fills Envoy's defaults and checks the ranges.
 *
 * @throws RangeError if budgetPercent is outside [0, 100] or minRetryConcurrency is not an integer ≥ 0.
 */
export function resolveEnvoyRetryBudget(options: EnvoyRetryBudgetOptions = {}): EnvoyRetryBudgetConfig {
  const budgetPercent = options.budgetPercent ?? DEFAULT_ENVOY_RETRY_BUDGET.budgetPercent;
  const minRetryConcurrency = options.minRetryConcurrency ?? DEFAULT_ENVOY_RETRY_BUDGET.minRetryConcurrency;
  if (!(budgetPercent >= 0 && budgetPercent <= 100)) {
    throw new RangeError(`retry budget budgetPercent must be in [0, 100], got ${budgetPercent}`);
  }
  if (!Number.isInteger(minRetryConcurrency) || minRetryConcurrency < 0) {
    throw new RangeError(`retry budget minRetryConcurrency must be an integer >= 0, got ${minRetryConcurrency}`);
  }
  return { budgetPercent, minRetryConcurrency };
}

/**
 * Envoy's retry budget (`RetryBudgetImpl`, resource_manager_impl.h): a limit on *concurrent*
 * retries, `max(trunc(budget_percent/100 · (active + pending)), min_retry_concurrency)`, where
 * active + pending is the number of calls started and not yet ended. A retry is admitted iff
 * fewer than that many retries are active; it stays active from admission (including its
 * backoff wait) until attemptEnded(true, …). First attempts are always admitted. When a
 * budget is configured Envoy ignores `num_retries`' overflow limit (the budget replaces it).
 */
export class EnvoyRetryBudget implements RetryBudget {
  private readonly fraction: number;
  private readonly minimum: number;
  private calls = 0;
  private retries = 0;

  /** @throws RangeError on a bad config (see {@link resolveEnvoyRetryBudget}). */
  constructor(options: EnvoyRetryBudgetOptions = {}) {
    const config = resolveEnvoyRetryBudget(options);
    this.fraction = config.budgetPercent / 100;
    this.minimum = config.minRetryConcurrency;
  }

  /** Calls started and not yet ended (Envoy's active + pending requests). */
  get activeCalls(): number {
    return this.calls;
  }

  /** Retries admitted whose outcome is not yet known. */
  get activeRetries(): number {
    return this.retries;
  }

  /** How many retries may be active at once right now. */
  get maxActiveRetries(): number {
    return Math.max(Math.trunc(this.fraction * this.calls), this.minimum);
  }

  /** Counts the call as active. */
  callStarted(): void {
    this.calls++;
  }

  /** The call is no longer active. */
  callEnded(_ok: boolean): void {
    if (this.calls > 0) this.calls--;
  }

  /** First attempts: always; retries: iff activeRetries < maxActiveRetries, then counted active. */
  admit(retry: boolean): boolean {
    if (!retry) return true;
    if (this.retries >= this.maxActiveRetries) return false;
    this.retries++;
    return true;
  }

  /** A retry's outcome is known: it is no longer active. */
  attemptEnded(retry: boolean, _result: AttemptResult): void {
    if (retry && this.retries > 0) this.retries--;
  }
}
