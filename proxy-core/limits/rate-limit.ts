import type { Clock } from '../clock/clock.js';
import { TokenBucket, type TokenBucketConfig } from './token-bucket.js';

// Envoy: local_ratelimit/v3/local_rate_limit.proto (token_bucket, descriptors, status) with
// envoyproxy/ratelimit's descriptor config (key alone = a limit per value; key + value = override).

/** Envoy local rate limit's `max_dynamic_descriptors` default: per-value buckets kept at once (LRU). */
export const DEFAULT_MAX_DYNAMIC_DESCRIPTORS = 20;

/** How many of the least recently used buckets an eviction looks at for a full one. */
const EVICTION_SCAN = 8;

/** Envoy local rate limit's default local-reply status. */
export const DEFAULT_RATE_LIMIT_STATUS = 429;

/** Milliseconds per envoyproxy/ratelimit `rate_limit.unit` (SECOND … DAY). */
export const RATE_LIMIT_UNIT_MS = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
} as const;

/** Descriptor-based rate limit: a default bucket, optionally split or overridden by one request attribute. */
export interface RateLimitConfig {
  /** Limit for requests that match no descriptor (or for everything if no key). */
  readonly default: TokenBucketConfig;
  /** The attribute a descriptor keys on: a header name, or 'source.principal' / 'source.service' for the caller identity. */
  readonly key?: string;
  /** Each distinct value of `key` gets its own bucket of `default`'s size (envoyproxy/ratelimit: descriptor with a key and no value). */
  readonly perValue?: boolean;
  /** Values with their own limits, e.g. { value: 'platinum', bucket: 1000/h }. */
  readonly overrides?: readonly { readonly value: string; readonly bucket: TokenBucketConfig }[];
  /** Local reply status when limited: 429 (Envoy default; values < 400 become 429). */
  readonly status?: number;
  /**
   * Most per-value buckets kept at once (Envoy `max_dynamic_descriptors`, default 20): past
   * it the least recently used one is dropped, and its value starts afresh if it comes back.
   * On a live port the values are the caller's to choose; this bounds the memory they take.
   */
  readonly maxValues?: number;
}

/**
 * The bucket for "`requestsPerUnit` per `unitMs`" (envoyproxy/ratelimit's
 * `rate_limit {requests_per_unit, unit}`): `max_tokens = tokens_per_fill = requestsPerUnit`,
 * `fill_interval = unitMs`. With the discrete fill this is a fixed window of `unitMs`
 * counted from the bucket's creation (the rate limit service aligns windows to the epoch).
 *
 * @example bucketForRate(100, RATE_LIMIT_UNIT_MS.hour) // "100/h"
 */
export function bucketForRate(requestsPerUnit: number, unitMs: number): TokenBucketConfig {
  return { maxTokens: requestsPerUnit, tokensPerFill: requestsPerUnit, fillIntervalMs: unitMs };
}

/**
 * The local-reply status for a limited request: Envoy's `status`, where an unset value or
 * one below 400 becomes 429.
 *
 * @throws RangeError if `status` is not an integer below 600.
 */
export function resolveRateLimitStatus(status: number | undefined): number {
  if (status === undefined) return DEFAULT_RATE_LIMIT_STATUS;
  if (!Number.isInteger(status) || status >= 600) {
    throw new RangeError(`rate limit: status must be an HTTP status below 600, got ${status}`);
  }
  return status < 400 ? DEFAULT_RATE_LIMIT_STATUS : status;
}

/**
 * Rate limiting by descriptor. A request's `key` attribute (looked up by the caller)
 * selects its bucket, most specific first, as envoyproxy/ratelimit matches key + value
 * before key alone:
 * 1. a value listed in `overrides` → that override's bucket;
 * 2. otherwise, with `perValue`, a bucket of `default`'s size for that value alone
 *    (created on the value's first request);
 * 3. otherwise (no key configured, attribute absent, or value not split) → the shared
 *    `default` bucket.
 *
 * A request that matches a descriptor does not also take from the default bucket
 * (Envoy's `always_consume_default_token_bucket: false`; Envoy's default is `true`).
 *
 * Per-value buckets are bounded: at most `maxValues` at once, least recently used dropped
 * first (Envoy's dynamic descriptors LRU); a bucket that has refilled to full is dropped
 * before any other, since a new one would be the same (envoyproxy/ratelimit's keys expire
 * with their window). Overrides are configuration and never dropped.
 */
export class RateLimit {
  /** Local-reply status for a limited request (Envoy adds `x-envoy-ratelimited`). */
  readonly status: number;
  /** The attribute descriptors key on, or `undefined` if every request shares the default bucket. */
  readonly key: string | undefined;
  /** Requests limited so far (Envoy stat `rate_limited`). */
  limited = 0;
  /** Requests let through so far (Envoy stat `ok`). */
  passed = 0;
  private readonly clock: Clock;
  private readonly defaultConfig: TokenBucketConfig;
  private readonly defaultBucket: TokenBucket;
  private readonly perValue: boolean;
  /** The overrides' buckets, by value. */
  private readonly overrides = new Map<string, TokenBucket>();
  /** Per-value buckets, least recently used first (a Map keeps insertion order). */
  private readonly dynamic = new Map<string, TokenBucket>();
  private readonly maxValues: number;

  /**
   * @throws RangeError for an invalid bucket, status, a repeated override value, or
   * `perValue`/`overrides` without a `key`.
   */
  constructor(clock: Clock, config: RateLimitConfig) {
    this.clock = clock;
    this.status = resolveRateLimitStatus(config.status);
    this.key = config.key;
    this.defaultConfig = config.default;
    this.defaultBucket = new TokenBucket(clock, config.default);
    this.perValue = config.perValue ?? false;
    this.maxValues = config.maxValues ?? DEFAULT_MAX_DYNAMIC_DESCRIPTORS;
    if (!Number.isSafeInteger(this.maxValues) || this.maxValues < 1) {
      throw new RangeError(`rate limit: maxValues must be a positive integer, got ${this.maxValues}`);
    }
    const overrides = config.overrides ?? [];
    if (config.key === undefined && (this.perValue || overrides.length > 0)) {
      throw new RangeError('rate limit: perValue and overrides need a key to match on');
    }
    for (const { value, bucket } of overrides) {
      if (this.overrides.has(value)) throw new RangeError(`rate limit: override for value '${value}' given twice`);
      this.overrides.set(value, new TokenBucket(clock, bucket));
    }
  }

  /**
   * Takes a token for one request: `true` passes it, `false` limits it (reply with
   * {@link RateLimit.status}).
   *
   * @param value - the request's `key` attribute, `undefined` if absent (ignored without a key).
   */
  check(value: string | undefined): boolean {
    const ok = this.bucketFor(value).tryTake();
    if (ok) this.passed++;
    else this.limited++;
    return ok;
  }

  /** Per-value buckets held now (at most `maxValues`). */
  get valuesTracked(): number {
    return this.dynamic.size;
  }

  private bucketFor(value: string | undefined): TokenBucket {
    if (value === undefined || this.key === undefined) return this.defaultBucket;
    const override = this.overrides.get(value);
    if (override !== undefined) return override;
    if (!this.perValue) return this.defaultBucket;
    const dynamic = this.dynamic;
    const bucket = dynamic.get(value);
    if (bucket !== undefined) {
      dynamic.delete(value); // most recently used goes last
      dynamic.set(value, bucket);
      return bucket;
    }
    if (dynamic.size >= this.maxValues) this.evict();
    const fresh = new TokenBucket(this.clock, this.defaultConfig);
    dynamic.set(value, fresh);
    return fresh;
  }

  /**
   * Makes room for one bucket: among the least recently used few, a full one (dropping it
   * changes nothing), else the least recently used. The scan is bounded, so an attacker who
   * sends a new value on every request costs constant time per request.
   */
  private evict(): void {
    let scanned = 0;
    for (const [value, bucket] of this.dynamic) {
      if (bucket.available() >= bucket.config.maxTokens) {
        this.dynamic.delete(value);
        return;
      }
      if (++scanned === EVICTION_SCAN) break;
    }
    this.dynamic.delete(this.dynamic.keys().next().value!);
  }
}
