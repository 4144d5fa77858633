import { AttemptResult, type RetryBudget } from './retry-budget.js';

/** gRPC A6 service config `retryThrottling` (no defaults: both fields are required). */
export interface GrpcRetryThrottleConfig {
  /** `maxTokens`, in (0, 1000]. */
  maxTokens: number;
  /** `tokenRatio`, > 0; only 3 decimal places count, as in A6. */
  tokenRatio: number;
}

/** Largest `maxTokens` A6 allows. */
export const GRPC_MAX_TOKENS = 1000;

/**
 * Checks A6's ranges.
 *
 * @throws RangeError if maxTokens ∉ (0, 1000] or tokenRatio is not ≥ 0.001 (its 3 decimals would be 0).
 */
export function resolveGrpcRetryThrottle(config: GrpcRetryThrottleConfig): GrpcRetryThrottleConfig {
  const { maxTokens, tokenRatio } = config;
  if (!(maxTokens > 0 && maxTokens <= GRPC_MAX_TOKENS)) {
    throw new RangeError(`retryThrottling maxTokens must be in (0, 1000], got ${maxTokens}`);
  }
  if (!(Number.isFinite(tokenRatio) && Math.round(tokenRatio * 1000) >= 1)) {
    throw new RangeError(`retryThrottling tokenRatio must be > 0 with at most 3 decimals counted, got ${tokenRatio}`);
  }
  return { maxTokens, tokenRatio };
}

/**
 * gRPC retry throttling (A6 "Throttling Retry Attempts and Hedged RPCs"; grpc-js `RetryThrottler`):
 * `token_count` starts at maxTokens and stays in [0, maxTokens]; each failed attempt takes 1
 * token, each successful one adds tokenRatio; retries (and hedges) are admitted only while
 * `token_count > maxTokens / 2`; first attempts always. Tokens are kept in integer thousandths,
 * as gRPC C-core does, so no float drift. A6 counts as failures only attempts that failed with
 * a retryable status (or pushback "don't retry"): the caller should report ok=false only for those.
 */
export class GrpcRetryThrottle implements RetryBudget {
  /** `maxTokens`. */
  readonly maxTokens: number;
  /** `tokenRatio`, rounded to 3 decimals. */
  readonly tokenRatio: number;
  private readonly maxMilli: number;
  private readonly ratioMilli: number;
  private milli: number;

  /** @throws RangeError on a bad config (see {@link resolveGrpcRetryThrottle}). */
  constructor(config: GrpcRetryThrottleConfig) {
    const { maxTokens, tokenRatio } = resolveGrpcRetryThrottle(config);
    this.maxMilli = Math.round(maxTokens * 1000);
    this.ratioMilli = Math.round(tokenRatio * 1000);
    this.maxTokens = this.maxMilli / 1000;
    this.tokenRatio = this.ratioMilli / 1000;
    this.milli = this.maxMilli;
  }

  /** The current `token_count`. */
  get tokens(): number {
    return this.milli / 1000;
  }

  /** Whether retries are refused now (`token_count ≤ maxTokens / 2`). */
  get throttled(): boolean {
    return 2 * this.milli <= this.maxMilli;
  }

  /** Nothing to count: throttling sees attempts. */
  callStarted(): void {}

  /** Nothing to count. */
  callEnded(_ok: boolean): void {}

  /** First attempts: always; retries: iff `token_count > maxTokens / 2`. */
  admit(retry: boolean): boolean {
    return !retry || 2 * this.milli > this.maxMilli;
  }

  /**
   * A success adds tokenRatio, a failure with a retryable status takes 1, clamped to
   * [0, maxTokens]; other failures and abandoned hedges change nothing (A6; grpc-js
   * `addCallSucceeded` on OK, `addCallFailed` on a status in retryableStatusCodes).
   */
  attemptEnded(_retry: boolean, result: AttemptResult): void {
    if (result === AttemptResult.Succeeded) this.milli = Math.min(this.maxMilli, this.milli + this.ratioMilli);
    else if (result === AttemptResult.FailedRetryable) this.milli = Math.max(0, this.milli - 1000);
  }
}
