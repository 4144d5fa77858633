import type { Clock } from '../clock/clock.js';
import { AttemptResult, type RetryBudget } from './retry-budget.js';

/** Linkerd: ServiceProfile `retryBudget` (= tower `TpsBudget::new(ttl, min_per_sec, retry_percent)`). */
export interface LinkerdRetryBudgetConfig {
  /** `retryRatio`: retries allowed per final response, in [0, 1000]. */
  retryRatio: number;
  /** `minRetriesPerSecond`: retries allowed regardless of traffic, an integer ≥ 0. */
  minRetriesPerSecond: number;
  /** `ttl`: how long a deposit counts, in [1 s, 60 s]. */
  ttlMs: number;
}

/** {@link LinkerdRetryBudgetConfig} with every field optional. */
export type LinkerdRetryBudgetOptions = Partial<LinkerdRetryBudgetConfig>;

/** Linkerd's (and Finagle's) defaults: 20 % of requests, plus 10 retries a second, over 10 s. */
export const DEFAULT_LINKERD_RETRY_BUDGET: Readonly<LinkerdRetryBudgetConfig> = Object.freeze({
  retryRatio: 0.2,
  minRetriesPerSecond: 10,
  ttlMs: 10_000,
});

/** Largest `retryRatio` tower accepts. */
export const LINKERD_MAX_RETRY_RATIO = 1000;
/** Shortest `ttl` tower accepts, ms. */
export const LINKERD_MIN_TTL_MS = 1000;
/** Longest `ttl` tower accepts, ms. */
export const LINKERD_MAX_TTL_MS = 60_000;
/** `minRetriesPerSecond` must be below this (tower's `u32` arithmetic). */
export const LINKERD_MIN_RETRIES_PER_SECOND_LIMIT = 2 ** 31 - 1;

/** tower splits the ttl into this many slots. */
const SLOTS = 10;

/**
 * Fills Linkerd's defaults and checks tower's (and the proxy's) ranges.
 *
 * @throws RangeError if retryRatio ∉ [0, 1000], ttlMs ∉ [1000, 60000] or minRetriesPerSecond is not an integer in [0, 2^31−1).
 */
export function resolveLinkerdRetryBudget(options: LinkerdRetryBudgetOptions = {}): LinkerdRetryBudgetConfig {
  const d = DEFAULT_LINKERD_RETRY_BUDGET;
  const retryRatio = options.retryRatio ?? d.retryRatio;
  const minRetriesPerSecond = options.minRetriesPerSecond ?? d.minRetriesPerSecond;
  const ttlMs = options.ttlMs ?? d.ttlMs;
  if (!(retryRatio >= 0 && retryRatio <= LINKERD_MAX_RETRY_RATIO)) {
    throw new RangeError(`retry budget retryRatio must be in [0, 1000], got ${retryRatio}`);
  }
  if (!Number.isInteger(minRetriesPerSecond) || minRetriesPerSecond < 0 || minRetriesPerSecond >= LINKERD_MIN_RETRIES_PER_SECOND_LIMIT) {
    throw new RangeError(`retry budget minRetriesPerSecond must be an integer >= 0, got ${minRetriesPerSecond}`);
  }
  if (!(ttlMs >= LINKERD_MIN_TTL_MS && ttlMs <= LINKERD_MAX_TTL_MS)) {
    throw new RangeError(`retry budget ttlMs must be in [1000, 60000], got ${ttlMs}`);
  }
  return { retryRatio, minRetriesPerSecond, ttlMs };
}

/**
 * Linkerd's ServiceProfile retry budget, which is tower's `TpsBudget` (tps_budget.rs), itself
 * Finagle's `RetryBudget`. Amounts are integers: with r = retryRatio (an f32 in tower),
 * (deposit, withdraw) = (0, 1) if r = 0; (1, trunc(1/r)) if r ≤ 1; (1000, trunc(1000/r)) otherwise.
 * A constant `reserve = minRetriesPerSecond · trunc(ttl in s) · withdraw` never expires. Deposits
 * and withdrawals land in the current one of 10 slots of ttl/10 and expire as the slots rotate.
 * A withdrawal succeeds iff reserve + Σ slots ≥ withdraw.
 *
 * Linkerd (linkerd2-proxy's retry policy) deposits for every response it will not retry —
 * a success or a non-retryable failure, of a first attempt or a retry — and withdraws when a
 * response is retryable and it would retry (admit(true)); a retryable failure whose retry is
 * refused adds nothing. First attempts are always admitted.
 *
 * As in tower, an `expire` that finds more than one window passed clears the next slot and
 * skips it (`while diff > window`): under steady traffic every rotation skips a slot, so
 * deposits and withdrawals live about ttl/2, and `minRetriesPerSecond` 10 allows ≈ 16.7
 * retries a second (measured; README "Mesh policies").
 */
export class LinkerdRetryBudget implements RetryBudget {
  /** Units one final response adds. */
  readonly depositAmount: number;
  /** Units one retry costs. */
  readonly withdrawAmount: number;
  /** Units always available (never expire). */
  readonly reserve: number;
  private readonly slots = new Float64Array(SLOTS);
  private readonly windowMs: number;
  /** tower `writer`: changes in the current slot, committed when it rotates. */
  private writer = 0;
  /** tower `Generation`: current slot index and the time it last rotated. */
  private index = 0;
  private rotatedAt: number;

  /** @throws RangeError on a bad config (see {@link resolveLinkerdRetryBudget}). */
  constructor(
    private readonly clock: Clock,
    options: LinkerdRetryBudgetOptions = {},
  ) {
    const { retryRatio, minRetriesPerSecond, ttlMs } = resolveLinkerdRetryBudget(options);
    const ratio = Math.fround(retryRatio); // tower takes an f32; f32 division = fround of the double quotient
    if (ratio === 0) {
      this.depositAmount = 0;
      this.withdrawAmount = 1;
    } else if (ratio <= 1) {
      this.depositAmount = 1;
      this.withdrawAmount = Math.trunc(Math.fround(1 / ratio));
    } else {
      this.depositAmount = 1000;
      this.withdrawAmount = Math.trunc(Math.fround(1000 / ratio));
    }
    this.reserve = minRetriesPerSecond * Math.trunc(ttlMs / 1000) * this.withdrawAmount;
    this.windowMs = ttlMs / SLOTS;
    this.rotatedAt = clock.now();
  }

  /** Units available now: reserve + live slots + the current slot (tower `sum`). */
  get balance(): number {
    this.expire();
    return this.sum();
  }

  /** Nothing to count: tower's budget sees only deposits and withdrawals. */
  callStarted(): void {}

  /** Nothing to count: deposits follow each response ({@link LinkerdRetryBudget.attemptEnded}). */
  callEnded(_ok: boolean): void {}

  /** tower `Budget::deposit`: one response that will not be retried. */
  deposit(): void {
    this.expire();
    this.writer += this.depositAmount;
  }

  /** First attempts: always; retries: withdraw, admitted iff the balance covers it. */
  admit(retry: boolean): boolean {
    if (!retry) return true;
    this.expire();
    if (this.sum() < this.withdrawAmount) return false;
    this.writer -= this.withdrawAmount;
    return true;
  }

  /** A response the retry policy does not retry (a success, a 404) deposits; a retryable failure or an abandoned attempt does not. */
  attemptEnded(_retry: boolean, result: AttemptResult): void {
    if (result === AttemptResult.Succeeded || result === AttemptResult.FailedOther) this.deposit();
  }

  private sum(): number {
    let total = this.writer + this.reserve;
    for (let i = 0; i < SLOTS; i++) total += this.slots[i];
    return total;
  }

  /** tower `TpsBucket::expire`: commit the current slot, clear the ones time skipped over. */
  private expire(): void {
    const now = this.clock.now();
    let diff = now - this.rotatedAt;
    if (diff < this.windowMs) return;
    this.slots[this.index] = this.writer;
    this.writer = 0;
    let idx = (this.index + 1) % SLOTS;
    while (diff > this.windowMs) {
      this.slots[idx] = 0;
      diff -= this.windowMs;
      idx = (idx + 1) % SLOTS;
    }
    this.index = idx;
    this.rotatedAt = now;
  }
}
