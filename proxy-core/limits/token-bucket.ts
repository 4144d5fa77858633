import type { Clock } from '../clock/clock.js';

// Envoy: type/v3/token_bucket.proto TokenBucket {max_tokens, tokens_per_fill, fill_interval}

/** Envoy's default `tokens_per_fill` when the field is unset. */
export const DEFAULT_TOKENS_PER_FILL = 1;

/** A token bucket's size and refill, as Envoy's `type.v3.TokenBucket`. */
export interface TokenBucketConfig {
  /** `max_tokens`: the bucket's capacity and its initial fill. A positive integer. */
  readonly maxTokens: number;
  /** `tokens_per_fill`: tokens added at each fill. A positive integer; default {@link DEFAULT_TOKENS_PER_FILL}. */
  readonly tokensPerFill?: number;
  /** `fill_interval` in milliseconds: the time between fills. Positive. */
  readonly fillIntervalMs: number;
}

/** A {@link TokenBucketConfig} with its defaults filled in. */
export type ResolvedTokenBucketConfig = Required<TokenBucketConfig>;

/**
 * Validates `config` and fills in Envoy's default `tokens_per_fill`.
 *
 * @throws RangeError if `max_tokens` or `tokens_per_fill` is not a positive integer, or
 * `fill_interval` is not a positive finite number of milliseconds.
 */
export function resolveTokenBucket(config: TokenBucketConfig): ResolvedTokenBucketConfig {
  const { maxTokens, fillIntervalMs } = config;
  const tokensPerFill = config.tokensPerFill ?? DEFAULT_TOKENS_PER_FILL;
  if (!Number.isSafeInteger(maxTokens) || maxTokens <= 0) {
    throw new RangeError(`token bucket: max_tokens must be a positive integer, got ${maxTokens}`);
  }
  if (!Number.isSafeInteger(tokensPerFill) || tokensPerFill <= 0) {
    throw new RangeError(`token bucket: tokens_per_fill must be a positive integer, got ${tokensPerFill}`);
  }
  if (!(fillIntervalMs > 0) || !Number.isFinite(fillIntervalMs)) {
    throw new RangeError(`token bucket: fill_interval must be a positive number of milliseconds, got ${fillIntervalMs}`);
  }
  return { maxTokens, tokensPerFill, fillIntervalMs };
}

/**
 * A token bucket with Envoy's documented discrete refill: it starts full, and at every
 * `fill_interval` boundary counted from its creation it gains `tokens_per_fill` tokens,
 * capped at `max_tokens`; each request takes one token. (Newer Envoy refills continuously
 * at `tokens_per_fill / fill_interval` — an `AtomicTokenBucketImpl`; see the reference, §1.5.)
 *
 * There is no timer: the fills due since the last call are added when the bucket is read.
 */
export class TokenBucket {
  /** The resolved configuration. */
  readonly config: ResolvedTokenBucketConfig;
  private readonly clock: Clock;
  private readonly createdAt: number;
  private tokens: number;
  /** Fill boundaries already credited, counted from `createdAt`. */
  private fills = 0;

  /**
   * Creates a full bucket; fill boundaries are counted from `clock.now()` at this moment.
   *
   * @throws RangeError for an invalid configuration (see {@link resolveTokenBucket}).
   */
  constructor(clock: Clock, config: TokenBucketConfig) {
    this.config = resolveTokenBucket(config);
    this.clock = clock;
    this.createdAt = clock.now();
    this.tokens = this.config.maxTokens;
  }

  /** Takes one token if there is one: `true` lets the request pass, `false` limits it. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens in the bucket now (after crediting the fills due). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Credits the fills whose boundaries have passed since the last read. */
  private refill(): void {
    const { maxTokens, tokensPerFill, fillIntervalMs } = this.config;
    const due = Math.floor((this.clock.now() - this.createdAt) / fillIntervalMs);
    if (due <= this.fills) return;
    const added = (due - this.fills) * tokensPerFill;
    this.fills = due;
    this.tokens = added >= maxTokens ? maxTokens : Math.min(maxTokens, this.tokens + added);
  }
}
