// Linkerd: consecutive-failures failure accrual (linkerd2-proxy
// linkerd/app/outbound/src/http/breaker/consecutive_failures.rs, backoff from
// linkerd/exp-backoff/src/lib.rs; annotations balancer.linkerd.io/failure-accrual-consecutive-*).

import type { Clock, TimerHandle } from '../clock/clock.js';
import type { PolicyEventSink } from './policy-event.js';
import { ignoreEvents } from './policy-event.js';
import type { Rng } from '../clock/rng.js';

/** Linkerd: `balancer.linkerd.io/failure-accrual-consecutive-*` annotations. */
export interface FailureAccrualConfig {
  /** `…-max-failures`: consecutive failures that make an endpoint unavailable, an integer ≥ 1. */
  maxFailures: number;
  /** `…-min-penalty`: the first backoff, in ms, ≥ 0. */
  minPenaltyMs: number;
  /** `…-max-penalty`: the cap on the backoff (jitter included), in ms, > 0 and ≥ minPenaltyMs. */
  maxPenaltyMs: number;
  /** `…-jitter-ratio`: up to this fraction of the backoff is added at random, in [0, 100]. */
  jitterRatio: number;
}

/** {@link FailureAccrualConfig} with every field optional. */
export type FailureAccrualOptions = Partial<FailureAccrualConfig>;

/** Linkerd's defaults: 7 failures, 1 s to 1 min, jitter 0.5. */
export const DEFAULT_FAILURE_ACCRUAL: Readonly<FailureAccrualConfig> = Object.freeze({
  maxFailures: 7,
  minPenaltyMs: 1000,
  maxPenaltyMs: 60_000,
  jitterRatio: 0.5,
});

/**
 * Fills Linkerd's defaults and checks the values as `ExponentialBackoff::try_new` does.
 *
 * @throws RangeError on a value out of range.
 */
export function resolveFailureAccrual(options: FailureAccrualOptions = {}): FailureAccrualConfig {
  const config: FailureAccrualConfig = {
    maxFailures: options.maxFailures ?? DEFAULT_FAILURE_ACCRUAL.maxFailures,
    minPenaltyMs: options.minPenaltyMs ?? DEFAULT_FAILURE_ACCRUAL.minPenaltyMs,
    maxPenaltyMs: options.maxPenaltyMs ?? DEFAULT_FAILURE_ACCRUAL.maxPenaltyMs,
    jitterRatio: options.jitterRatio ?? DEFAULT_FAILURE_ACCRUAL.jitterRatio,
  };
  if (!Number.isSafeInteger(config.maxFailures) || config.maxFailures < 1) {
    throw new RangeError(`failure accrual maxFailures must be an integer >= 1, got ${config.maxFailures}`);
  }
  if (!(config.minPenaltyMs >= 0 && Number.isFinite(config.minPenaltyMs))) {
    throw new RangeError(`failure accrual minPenaltyMs must be a finite number >= 0, got ${config.minPenaltyMs}`);
  }
  if (!(config.maxPenaltyMs > 0 && Number.isFinite(config.maxPenaltyMs) && config.maxPenaltyMs >= config.minPenaltyMs)) {
    throw new RangeError(
      `failure accrual maxPenaltyMs must be finite, > 0 and >= minPenaltyMs (${config.minPenaltyMs}), got ${config.maxPenaltyMs}`,
    );
  }
  if (!(config.jitterRatio >= 0 && config.jitterRatio <= 100)) {
    throw new RangeError(`failure accrual jitterRatio must be in [0, 100], got ${config.jitterRatio}`);
  }
  return config;
}

/** A host's state in {@link FailureAccrual}, as {@link FailureAccrual.stateOf} names it. */
export type FailureAccrualState = 'available' | 'unavailable' | 'probation';

const AVAILABLE = 0;
const UNAVAILABLE = 1;
/** Probation, its one probe not yet sent. */
const PROBATION = 2;
/** Probation, the probe sent and its result awaited. */
const PROBING = 3;

/**
 * Linkerd's consecutive-failures failure accrual, for every endpoint of one upstream.
 *
 * Each host, independently (Linkerd's gate "open" is *available* here):
 * 1. **available**: counts consecutive failures (a success resets the count); at
 *    `maxFailures` the host becomes unavailable.
 * 2. **unavailable** for a backoff, then probation. The k-th backoff of an episode
 *    (k = 0, 1, …) is `base + min(r · jitterRatio · base, maxPenalty − base)` with
 *    `base = min(minPenalty · 2^k, maxPenalty)` and r from the Rng (no draw when
 *    jitterRatio is 0): exp-backoff's `base()` + `jitter()`. Results arriving now are ignored.
 * 3. **probation**: exactly one request may go (Linkerd `gate.limit(1)`):
 *    {@link FailureAccrual.isAvailable} is true until {@link FailureAccrual.onDispatch}
 *    takes the one permit, then false. The next result decides: success ⇒ available with
 *    the count reset (a later episode starts again at minPenalty); failure ⇒ unavailable
 *    with the next, doubled backoff. As in Linkerd, that is the first result to arrive
 *    in probation, normally the probe's own.
 *
 * One penalty timer per unavailable host, through the injected Clock.
 */
export class FailureAccrual {
  /** The configuration in force. */
  readonly config: Readonly<FailureAccrualConfig>;
  /** Number of hosts; hosts are numbered 0 … hostCount − 1. */
  readonly hostCount: number;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly onEvent: PolicyEventSink;
  private readonly maxFailures: number;
  private readonly minPenaltyMs: number;
  private readonly maxPenaltyMs: number;
  private readonly jitterRatio: number;
  private readonly states: Uint8Array;
  private readonly failures: Uint32Array;
  /** The current backoff's base, per host. */
  private readonly bases: Float64Array;
  /** The pending penalty timer, per host (meaningful while unavailable). */
  private readonly timers: Float64Array;
  /** Bound once, so that scheduling a penalty allocates nothing. */
  private readonly endPenalty: (host: number) => void;

  /**
   * @param clock - time and the penalty timers.
   * @param rng - the jitter draws (one per backoff when jitterRatio > 0).
   * @param hostCount - number of hosts, an integer ≥ 0.
   * @param options - Linkerd's annotations; defaults {@link DEFAULT_FAILURE_ACCRUAL}.
   * @param onEvent - receives host-unavailable / host-probation / host-available.
   * @throws RangeError on a bad hostCount or config.
   */
  constructor(clock: Clock, rng: Rng, hostCount: number, options: FailureAccrualOptions = {}, onEvent: PolicyEventSink = ignoreEvents) {
    if (!Number.isSafeInteger(hostCount) || hostCount < 0) {
      throw new RangeError(`failure accrual hostCount must be an integer >= 0, got ${hostCount}`);
    }
    const config = resolveFailureAccrual(options);
    this.config = Object.freeze(config);
    this.hostCount = hostCount;
    this.clock = clock;
    this.rng = rng;
    this.onEvent = onEvent;
    this.maxFailures = config.maxFailures;
    this.minPenaltyMs = config.minPenaltyMs;
    this.maxPenaltyMs = config.maxPenaltyMs;
    this.jitterRatio = config.jitterRatio;
    this.states = new Uint8Array(hostCount);
    this.failures = new Uint32Array(hostCount);
    this.bases = new Float64Array(hostCount);
    this.timers = new Float64Array(hostCount);
    this.endPenalty = (host: number): void => this.startProbation(host);
  }

  /** Whether the load balancer may pick `host`: available, or in probation with its probe not yet sent. */
  isAvailable(host: number): boolean {
    const state = this.states[host];
    return state === AVAILABLE || state === PROBATION;
  }

  /** `host`'s state (probation covers both before and after the probe is sent). */
  stateOf(host: number): FailureAccrualState {
    const state = this.states[host];
    if (state === AVAILABLE) return 'available';
    if (state === UNAVAILABLE) return 'unavailable';
    return 'probation';
  }

  /** A request was sent to `host`. In probation this is the one probe: the host is then closed to others. */
  onDispatch(host: number): void {
    if (this.states[host] === PROBATION) this.states[host] = PROBING;
  }

  /** A result from `host`: `ok` false for a failure (Linkerd classifies 5xx and errors as failures). */
  onResult(host: number, ok: boolean): void {
    const state = this.states[host];
    if (state === AVAILABLE) {
      if (ok) {
        this.failures[host] = 0;
      } else if (++this.failures[host] >= this.maxFailures) {
        this.bases[host] = Math.min(this.minPenaltyMs, this.maxPenaltyMs);
        this.shut(host);
      }
    } else if (state !== UNAVAILABLE) {
      if (ok) {
        this.states[host] = AVAILABLE;
        this.failures[host] = 0;
        this.onEvent('host-available', host, this.clock.now());
      } else {
        this.bases[host] = Math.min(this.bases[host] * 2, this.maxPenaltyMs);
        this.shut(host);
      }
    }
    // unavailable: Linkerd ignores responses while the breaker is shut
  }

  /** Cancels every pending penalty timer (end of run); hosts keep their current state. */
  stop(): void {
    for (let host = 0; host < this.hostCount; host++) {
      if (this.states[host] === UNAVAILABLE) this.clock.cancel(this.timers[host] as TimerHandle);
    }
  }

  /** Makes `host` unavailable for the backoff of the current base, plus jitter. */
  private shut(host: number): void {
    const base = this.bases[host];
    let delay = base;
    if (this.jitterRatio > 0) delay += Math.min(this.rng.next() * this.jitterRatio * base, this.maxPenaltyMs - base);
    this.states[host] = UNAVAILABLE;
    this.timers[host] = this.clock.scheduleBackground(delay, this.endPenalty, host);
    this.onEvent('host-unavailable', host, this.clock.now());
  }

  private startProbation(host: number): void {
    if (this.states[host] !== UNAVAILABLE) return;
    this.states[host] = PROBATION;
    this.onEvent('host-probation', host, this.clock.now());
  }
}
