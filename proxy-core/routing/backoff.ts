import type { Rng } from '../clock/rng.js';

/**
 * How long to wait before a retry. Implementations are immutable and stateless: everything a
 * delay depends on comes in as arguments, so one instance serves every call of an edge and
 * computing a delay allocates nothing.
 */
export interface Backoff {
  /**
   * The delay in milliseconds before retry number `retry` (1 for the first retry; values
   * below 1 are treated as 1). `previousMs` is the delay used before the previous retry (0
   * before the first); only the decorrelated strategy reads it.
   */
  delay(retry: number, previousMs: number, rng: Rng): number;
}

/** `base · 2^(retry−1)` capped at `cap`; `2^k` overflows to Infinity, which the cap absorbs. */
function exponential(base: number, cap: number, retry: number): number {
  const n = retry > 1 ? retry - 1 : 0;
  return Math.min(cap, base * 2 ** n);
}

function requireFinite(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`${name} must be a finite number >= ${min}, got ${value}`);
  }
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
}

/** Default base interval of Envoy's `retry_back_off` (runtime `upstream.base_retry_backoff_ms`). */
export const DEFAULT_ENVOY_BASE_MS = 25;

/** Options of {@link envoyBackoff}; Envoy `config.route.v3.RetryPolicy.RetryBackOff`. */
export interface EnvoyBackoffOptions {
  /** `base_interval`, default 25 ms; truncated to whole ms and raised to 1 ms if below, as Envoy does. */
  baseMs?: number;
  /** `max_interval`, default 10 × base; must be ≥ base. */
  maxMs?: number;
}

/**
 * Envoy's route retry back-off: `JitteredExponentialBackOffStrategy` (backoff_strategy.cc).
 * Retry N waits a whole number of ms, uniform in `[0, min(base·2^(N−1), max))`.
 * Docs vs code: router_filter.rst documents `[0, (2^N−1)·base)` (the old JitteredBackOffStrategy); we follow the current code.
 */
export class EnvoyBackoff implements Backoff {
  /** Base interval in whole ms (≥ 1). */
  readonly baseMs: number;
  /** Cap in whole ms (≥ base). */
  readonly maxMs: number;

  /** @throws RangeError if base is not > 0 or max < base. */
  constructor(options: EnvoyBackoffOptions = {}) {
    const base = options.baseMs ?? DEFAULT_ENVOY_BASE_MS;
    requirePositive('envoy backoff baseMs', base);
    this.baseMs = Math.max(1, Math.floor(base));
    const max = options.maxMs ?? 10 * this.baseMs;
    requireFinite('envoy backoff maxMs', max, this.baseMs);
    this.maxMs = Math.floor(max);
    Object.freeze(this);
  }

  /** `random() % min(base·2^(N−1), max)`, with `random()` drawn as `floor(rng.next()·bound)`. */
  delay(retry: number, _previousMs: number, rng: Rng): number {
    return Math.floor(rng.next() * exponential(this.baseMs, this.maxMs, retry));
  }
}

/** Envoy's route retry back-off (see {@link EnvoyBackoff}); defaults base 25 ms, max 10 × base. */
export function envoyBackoff(options: EnvoyBackoffOptions = {}): EnvoyBackoff {
  return new EnvoyBackoff(options);
}

/**
 * Defaults for the AWS jitter strategies: the AWS SDKs' `standard` retry mode (base 100 ms,
 * cap 20 s, §6.2), which implements the blog's full jitter. The 2015 simulator used base 5 ms,
 * cap 2000 ms.
 */
export const DEFAULT_AWS_BASE_MS = 100;
/** See {@link DEFAULT_AWS_BASE_MS}. */
export const DEFAULT_AWS_CAP_MS = 20_000;

/** Options of the AWS "Exponential Backoff and Jitter" (2015) strategies. */
export interface JitterBackoffOptions {
  /** `base`, > 0; default {@link DEFAULT_AWS_BASE_MS}. */
  baseMs?: number;
  /** `cap`, ≥ base; default {@link DEFAULT_AWS_CAP_MS}. */
  capMs?: number;
}

/** The kinds of AWS jitter (Brooker 2015, aws-arch-backoff-simulator `backoff_simulator.py`). */
export type JitterKind = 'full' | 'equal' | 'decorrelated';

/**
 * AWS "Exponential Backoff and Jitter" (2015). With `expo(N) = min(cap, base·2^(N−1))` (the
 * blog's `n` is our `N − 1`, so the first retry's bound is `base`):
 * - full: `U[0, expo(N))`
 * - equal: `expo(N)/2 + U[0, expo(N)/2)`
 * - decorrelated: `min(cap, U[base, prev·3))`, `prev` = the previous delay, `base` before the first retry
 *   (and whenever the given previous delay is below base).
 * Ranges (float rounding can reach an open bound): full `[0, expo)`, equal `[expo/2, expo]`,
 * decorrelated `[base, min(cap, 3·prev)]`.
 */
export class JitterBackoff implements Backoff {
  /** `base` in ms. */
  readonly baseMs: number;
  /** `cap` in ms. */
  readonly capMs: number;

  /** @throws RangeError if base is not > 0 or cap < base. */
  constructor(
    readonly kind: JitterKind,
    options: JitterBackoffOptions = {},
  ) {
    this.baseMs = options.baseMs ?? DEFAULT_AWS_BASE_MS;
    requirePositive(`${kind} jitter baseMs`, this.baseMs);
    this.capMs = options.capMs ?? Math.max(DEFAULT_AWS_CAP_MS, this.baseMs);
    requireFinite(`${kind} jitter capMs`, this.capMs, this.baseMs);
    Object.freeze(this);
  }

  /** See the class comment for each kind's formula. */
  delay(retry: number, previousMs: number, rng: Rng): number {
    if (this.kind === 'full') return rng.next() * exponential(this.baseMs, this.capMs, retry);
    if (this.kind === 'equal') {
      const half = exponential(this.baseMs, this.capMs, retry) / 2;
      return half + rng.next() * half;
    }
    const prev = retry > 1 && previousMs > this.baseMs ? previousMs : this.baseMs;
    return Math.min(this.capMs, this.baseMs + rng.next() * (prev * 3 - this.baseMs));
  }
}

/** AWS full jitter: `U[0, min(cap, base·2^(N−1)))`. */
export function fullJitterBackoff(options: JitterBackoffOptions = {}): JitterBackoff {
  return new JitterBackoff('full', options);
}

/** AWS equal jitter: `v/2 + U[0, v/2)` with `v = min(cap, base·2^(N−1))`. */
export function equalJitterBackoff(options: JitterBackoffOptions = {}): JitterBackoff {
  return new JitterBackoff('equal', options);
}

/** AWS decorrelated jitter: `min(cap, U[base, prev·3))`, `prev` starting at base. */
export function decorrelatedJitterBackoff(options: JitterBackoffOptions = {}): JitterBackoff {
  return new JitterBackoff('decorrelated', options);
}

/** gRPC A6 has no defaults; these are A6's example `retryPolicy` (0.1 s, 1 s, ×2). */
export const DEFAULT_GRPC_BACKOFF = Object.freeze({ initialMs: 100, maxMs: 1000, multiplier: 2 });

/** Options of {@link grpcBackoff}; gRPC A6 `retryPolicy` backoff fields. */
export interface GrpcBackoffOptions {
  /** `initialBackoff` in ms, > 0. */
  initialMs?: number;
  /** `maxBackoff` in ms, > 0. */
  maxMs?: number;
  /** `backoffMultiplier`, > 0. */
  multiplier?: number;
}

/**
 * gRPC A6 retry backoff, current spec (grpc/proposal dc9fd4f, grpc-js ≥ 1.14): retry N waits
 * `min(initialBackoff·multiplier^(N−1), maxBackoff) × U[0.8, 1.2)` — it may exceed maxBackoff by 20%
 * (range `[0.8, 1.2]` × that bound, the upper end reachable only through float rounding).
 * (Before 2024 the spec, and grpc-js < 1.14, used full jitter `U[0, …)`.)
 */
export class GrpcBackoff implements Backoff {
  /** `initialBackoff` in ms. */
  readonly initialMs: number;
  /** `maxBackoff` in ms. */
  readonly maxMs: number;
  /** `backoffMultiplier`. */
  readonly multiplier: number;

  /** @throws RangeError if a field is not a finite number > 0. */
  constructor(options: GrpcBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? DEFAULT_GRPC_BACKOFF.initialMs;
    this.maxMs = options.maxMs ?? DEFAULT_GRPC_BACKOFF.maxMs;
    this.multiplier = options.multiplier ?? DEFAULT_GRPC_BACKOFF.multiplier;
    requirePositive('grpc backoff initialMs', this.initialMs);
    requirePositive('grpc backoff maxMs', this.maxMs);
    requirePositive('grpc backoff multiplier', this.multiplier);
    Object.freeze(this);
  }

  /** `min(initial·multiplier^(N−1), max) × (0.8 + 0.4·rng.next())`. */
  delay(retry: number, _previousMs: number, rng: Rng): number {
    const n = retry > 1 ? retry - 1 : 0;
    const bound = Math.min(this.maxMs, this.initialMs * this.multiplier ** n);
    return bound * (0.8 + 0.4 * rng.next());
  }
}

/** gRPC A6 retry backoff (current spec, ±20 % jitter); defaults {@link DEFAULT_GRPC_BACKOFF}. */
export function grpcBackoff(options: GrpcBackoffOptions = {}): GrpcBackoff {
  return new GrpcBackoff(options);
}

/** The same delay before every retry; draws nothing from the rng. */
export class ConstantBackoff implements Backoff {
  /** @throws RangeError if `ms` is not a finite number ≥ 0. */
  constructor(readonly ms: number) {
    requireFinite('constant backoff ms', ms, 0);
    Object.freeze(this);
  }

  /** Always `ms`. */
  delay(_retry: number, _previousMs: number, _rng: Rng): number {
    return this.ms;
  }
}

/** A fixed delay; `0` retries immediately, as Linkerd does (no backoff). */
export function constantBackoff(ms: number): ConstantBackoff {
  return new ConstantBackoff(ms);
}

/** Default delay of `{ type: 'constant' }`: 0, Linkerd's (it retries without backoff). */
export const DEFAULT_CONSTANT_BACKOFF_MS = 0;

/** A backoff as a scenario file states it. */
export interface BackoffSpec {
  /** Which strategy. */
  type: 'envoy' | 'full' | 'equal' | 'decorrelated' | 'grpc' | 'constant';
  /** envoy: base_interval (25); full/equal/decorrelated: base (100); grpc: initialBackoff (100); constant: the delay (0). */
  baseMs?: number;
  /** envoy: max_interval (10 × base); full/equal/decorrelated: cap (20 000); grpc: maxBackoff (1000); not for constant. */
  maxMs?: number;
  /** grpc only: backoffMultiplier (2). */
  multiplier?: number;
}

const BACKOFF_TYPES: readonly string[] = ['envoy', 'full', 'equal', 'decorrelated', 'grpc', 'constant'];

/**
 * Builds the strategy a {@link BackoffSpec} names, filling the reference defaults.
 *
 * @throws RangeError on an unknown type, a field the type does not use, or a bad value.
 */
export function createBackoff(spec: BackoffSpec): Backoff {
  if (!BACKOFF_TYPES.includes(spec.type)) {
    throw new RangeError(`unknown backoff type '${spec.type}'; valid: ${BACKOFF_TYPES.join(', ')}`);
  }
  if (spec.multiplier !== undefined && spec.type !== 'grpc') {
    throw new RangeError(`backoff multiplier applies only to type 'grpc', not '${spec.type}'`);
  }
  switch (spec.type) {
    case 'envoy':
      return envoyBackoff({ baseMs: spec.baseMs, maxMs: spec.maxMs });
    case 'full':
    case 'equal':
    case 'decorrelated':
      return new JitterBackoff(spec.type, { baseMs: spec.baseMs, capMs: spec.maxMs });
    case 'grpc':
      return grpcBackoff({ initialMs: spec.baseMs, maxMs: spec.maxMs, multiplier: spec.multiplier });
    case 'constant':
      if (spec.maxMs !== undefined) throw new RangeError("backoff maxMs does not apply to type 'constant'");
      return constantBackoff(spec.baseMs ?? DEFAULT_CONSTANT_BACKOFF_MS);
  }
}
