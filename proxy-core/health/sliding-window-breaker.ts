// resilience4j: CircuitBreakerConfig.java (defaults), CircuitBreakerStateMachine.java (states),
// CircuitBreakerMetrics.java (thresholds), FixedSizeSlidingWindowMetrics.java and
// SlidingTimeWindowMetrics.java (windows).

import type { Clock, TimerHandle } from '../clock/clock.js';
import type { PolicyEventSink } from './policy-event.js';
import { ignoreEvents } from './policy-event.js';

/** resilience4j `SlidingWindowType`: the last N calls, or the calls of the last N seconds. */
export type SlidingWindowType = 'COUNT_BASED' | 'TIME_BASED';

/** resilience4j: `CircuitBreakerConfig` (the fields a simulated breaker uses). */
export interface SlidingWindowConfig {
  /** Failure rate, in percent, at or above which the breaker opens; in (0, 100]. */
  failureRateThreshold: number;
  /** Slow-call rate, in percent, at or above which the breaker opens; in (0, 100]. */
  slowCallRateThreshold: number;
  /** A call lasting longer than this (ms) is slow; > 0. */
  slowCallDurationThresholdMs: number;
  /** How the closed state's window is bounded. */
  slidingWindowType: SlidingWindowType;
  /** Calls (COUNT_BASED) or seconds (TIME_BASED) in the window; an integer ≥ 1. */
  slidingWindowSize: number;
  /** Calls recorded before any rate is computed; an integer ≥ 1 (COUNT_BASED: at most the window size). */
  minimumNumberOfCalls: number;
  /** Time the breaker stays open before it lets trial calls through (ms); ≥ 1. */
  waitDurationInOpenStateMs: number;
  /** Trial calls admitted in the half-open state; an integer ≥ 1. */
  permittedNumberOfCallsInHalfOpenState: number;
  /** Go half-open by timer when the wait ends (true), or at the first call after it (false). */
  automaticTransitionFromOpenToHalfOpenEnabled: boolean;
}

/** {@link SlidingWindowConfig} with every field optional. */
export type SlidingWindowOptions = Partial<SlidingWindowConfig>;

/** resilience4j's defaults: 50 %, 100 % slower than 60 s, last 100 calls, 60 s open, 10 trial calls. */
export const DEFAULT_SLIDING_WINDOW: Readonly<SlidingWindowConfig> = Object.freeze({
  failureRateThreshold: 50,
  slowCallRateThreshold: 100,
  slowCallDurationThresholdMs: 60_000,
  slidingWindowType: 'COUNT_BASED',
  slidingWindowSize: 100,
  minimumNumberOfCalls: 100,
  waitDurationInOpenStateMs: 60_000,
  permittedNumberOfCallsInHalfOpenState: 10,
  automaticTransitionFromOpenToHalfOpenEnabled: false,
});

/** Shortest `waitDurationInOpenState` resilience4j accepts, ms. */
export const MIN_WAIT_DURATION_IN_OPEN_STATE_MS = 1;

/**
 * Fills resilience4j's defaults and checks the values as `CircuitBreakerConfig.Builder` does.
 * `minimumNumberOfCalls` is kept as given; the breaker clamps it to the window size for a
 * COUNT_BASED window, as resilience4j does.
 *
 * @throws RangeError on a value out of range.
 */
export function resolveSlidingWindow(options: SlidingWindowOptions = {}): SlidingWindowConfig {
  const d = DEFAULT_SLIDING_WINDOW;
  const config: SlidingWindowConfig = {
    failureRateThreshold: options.failureRateThreshold ?? d.failureRateThreshold,
    slowCallRateThreshold: options.slowCallRateThreshold ?? d.slowCallRateThreshold,
    slowCallDurationThresholdMs: options.slowCallDurationThresholdMs ?? d.slowCallDurationThresholdMs,
    slidingWindowType: options.slidingWindowType ?? d.slidingWindowType,
    slidingWindowSize: options.slidingWindowSize ?? d.slidingWindowSize,
    minimumNumberOfCalls: options.minimumNumberOfCalls ?? d.minimumNumberOfCalls,
    waitDurationInOpenStateMs: options.waitDurationInOpenStateMs ?? d.waitDurationInOpenStateMs,
    permittedNumberOfCallsInHalfOpenState: options.permittedNumberOfCallsInHalfOpenState ?? d.permittedNumberOfCallsInHalfOpenState,
    automaticTransitionFromOpenToHalfOpenEnabled:
      options.automaticTransitionFromOpenToHalfOpenEnabled ?? d.automaticTransitionFromOpenToHalfOpenEnabled,
  };
  for (const key of ['failureRateThreshold', 'slowCallRateThreshold'] as const) {
    if (!(config[key] > 0 && config[key] <= 100)) throw new RangeError(`breaker ${key} must be in (0, 100], got ${config[key]}`);
  }
  for (const key of ['slidingWindowSize', 'minimumNumberOfCalls', 'permittedNumberOfCallsInHalfOpenState'] as const) {
    if (!Number.isSafeInteger(config[key]) || config[key] < 1) throw new RangeError(`breaker ${key} must be an integer >= 1, got ${config[key]}`);
  }
  if (!(config.slowCallDurationThresholdMs > 0 && Number.isFinite(config.slowCallDurationThresholdMs))) {
    throw new RangeError(`breaker slowCallDurationThresholdMs must be a finite number > 0, got ${config.slowCallDurationThresholdMs}`);
  }
  if (!(config.waitDurationInOpenStateMs >= MIN_WAIT_DURATION_IN_OPEN_STATE_MS && Number.isFinite(config.waitDurationInOpenStateMs))) {
    throw new RangeError(`breaker waitDurationInOpenStateMs must be a finite number >= 1, got ${config.waitDurationInOpenStateMs}`);
  }
  if (config.slidingWindowType !== 'COUNT_BASED' && config.slidingWindowType !== 'TIME_BASED') {
    throw new RangeError(`breaker slidingWindowType must be COUNT_BASED or TIME_BASED, got ${String(config.slidingWindowType)}`);
  }
  return config;
}

/** The breaker's state, as resilience4j names it (CLOSED / OPEN / HALF_OPEN). */
export type BreakerState = 'closed' | 'open' | 'half-open';

const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;

/** Outcome bits stored per call in a count window. */
const FAILED = 1;
const SLOW = 2;

/** Running totals over a window; records one outcome at a clock time. */
interface Window {
  total: number;
  failed: number;
  slow: number;
  record(outcome: number, nowMs: number): void;
  /** Drops what has left the window by `nowMs` (a no-op for a count window). */
  advance(nowMs: number): void;
  /** Empties the window, as a new resilience4j `Metrics` object starts, at `nowMs`. */
  reset(nowMs: number): void;
}

/** resilience4j `FixedSizeSlidingWindowMetrics`: a ring of the last `size` outcomes. */
class CountWindow implements Window {
  total = 0;
  failed = 0;
  slow = 0;
  private readonly outcomes: Uint8Array;
  private head = 0;

  constructor(size: number) {
    this.outcomes = new Uint8Array(size);
  }

  record(outcome: number): void {
    const size = this.outcomes.length;
    if (this.total === size) {
      const evicted = this.outcomes[this.head];
      this.failed -= evicted & FAILED;
      this.slow -= (evicted & SLOW) >> 1;
    } else {
      this.total++;
    }
    this.outcomes[this.head] = outcome;
    this.failed += outcome & FAILED;
    this.slow += (outcome & SLOW) >> 1;
    this.head = this.head + 1 === size ? 0 : this.head + 1;
  }

  advance(): void {}

  reset(): void {
    this.outcomes.fill(0);
    this.head = 0;
    this.total = this.failed = this.slow = 0;
  }
}

/**
 * resilience4j `SlidingTimeWindowMetrics`: `size` one-second buckets (the current clock
 * second and the `size − 1` before it), subtract-on-evict totals.
 */
class TimeWindow implements Window {
  total = 0;
  failed = 0;
  slow = 0;
  private readonly seconds: Float64Array;
  private readonly totals: Int32Array;
  private readonly faileds: Int32Array;
  private readonly slows: Int32Array;
  private head = 0;

  constructor(size: number, nowMs: number) {
    this.seconds = new Float64Array(size);
    this.totals = new Int32Array(size);
    this.faileds = new Int32Array(size);
    this.slows = new Int32Array(size);
    this.reset(nowMs);
  }

  record(outcome: number, nowMs: number): void {
    this.advance(nowMs);
    const failed = outcome & FAILED;
    const slow = (outcome & SLOW) >> 1;
    this.totals[this.head]++;
    this.faileds[this.head] += failed;
    this.slows[this.head] += slow;
    this.total++;
    this.failed += failed;
    this.slow += slow;
  }

  /** moveWindowToCurrentEpochSecond: evicts the buckets of seconds that left the window. */
  advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const behind = second - this.seconds[this.head];
    if (behind <= 0) return;
    const size = this.seconds.length;
    let steps = behind < size ? behind : size;
    while (steps > 0) {
      steps--;
      const i = this.head + 1 === size ? 0 : this.head + 1;
      this.head = i;
      this.total -= this.totals[i];
      this.failed -= this.faileds[i];
      this.slow -= this.slows[i];
      this.totals[i] = this.faileds[i] = this.slows[i] = 0;
      this.seconds[i] = second - steps;
    }
  }

  reset(nowMs: number): void {
    this.totals.fill(0);
    this.faileds.fill(0);
    this.slows.fill(0);
    this.head = 0;
    this.seconds[0] = Math.floor(nowMs / 1000);
    this.total = this.failed = this.slow = 0;
  }
}

/**
 * resilience4j's CircuitBreaker (CLOSED / OPEN / HALF_OPEN) for one edge.
 *
 * - **closed**: every call is admitted; each result is recorded in the window (COUNT_BASED:
 *   the last `slidingWindowSize` calls; TIME_BASED: the calls of the last `slidingWindowSize`
 *   clock seconds) and, once the window holds `minimumNumberOfCalls` (clamped to the window
 *   size for COUNT_BASED), the breaker opens if failure rate ≥ `failureRateThreshold` or
 *   slow-call rate ≥ `slowCallRateThreshold`. Rates are Java floats, as in resilience4j
 *   (`failed * 100.0f / total`). A call is slow if it lasted *more* than the threshold.
 * - **open**: calls are rejected ({@link SlidingWindowBreaker.tryAcquire} false ⇒
 *   `breaker-open`). The first call *after* `waitDurationInOpenState` (strictly, `isAfter`)
 *   moves it to half-open, or a timer does at the end of the wait when
 *   `automaticTransitionFromOpenToHalfOpenEnabled`.
 * - **half-open**: exactly `permittedNumberOfCallsInHalfOpenState` calls are admitted, the
 *   rest rejected; results go to a fresh count window of that size, and once it holds
 *   min(`minimumNumberOfCalls`, permitted) results the same thresholds decide: open again,
 *   or closed with an empty window. `maxWaitDurationInHalfOpenState` is not modelled (its
 *   default 0 waits for the permitted calls indefinitely).
 *
 * As in resilience4j, results are recorded in whatever state the breaker is in when they
 * arrive (a late result of a closed-state call counts in half-open); results arriving while
 * open are dropped (resilience4j records them in metrics it discards).
 */
export class SlidingWindowBreaker {
  /** The configuration in force. */
  readonly config: Readonly<SlidingWindowConfig>;
  /** Calls rejected because the breaker was open or had no half-open permit left (`numberOfNotPermittedCalls`). */
  rejected = 0;
  private readonly clock: Clock;
  private readonly onEvent: PolicyEventSink;
  private readonly failureRateThreshold: number;
  private readonly slowCallRateThreshold: number;
  private readonly slowCallDurationThresholdMs: number;
  private readonly waitMs: number;
  private readonly permitted: number;
  private readonly automatic: boolean;
  private readonly closedMinimum: number;
  private readonly halfOpenMinimum: number;
  private readonly closedWindow: Window;
  private readonly halfOpenWindow: CountWindow;
  private current = CLOSED;
  private openUntil = 0;
  private permits = 0;
  private timer: TimerHandle = 0;
  private timerArmed = false;

  /**
   * @param clock - time (the open wait, TIME_BASED buckets, the automatic transition timer).
   * @param options - resilience4j's config; defaults {@link DEFAULT_SLIDING_WINDOW}.
   * @param onEvent - receives breaker-open / breaker-half-open / breaker-closed, host −1.
   * @throws RangeError on a bad config (see {@link resolveSlidingWindow}).
   */
  constructor(clock: Clock, options: SlidingWindowOptions = {}, onEvent: PolicyEventSink = ignoreEvents) {
    const config = resolveSlidingWindow(options);
    this.config = Object.freeze(config);
    this.clock = clock;
    this.onEvent = onEvent;
    this.failureRateThreshold = Math.fround(config.failureRateThreshold);
    this.slowCallRateThreshold = Math.fround(config.slowCallRateThreshold);
    this.slowCallDurationThresholdMs = config.slowCallDurationThresholdMs;
    this.waitMs = config.waitDurationInOpenStateMs;
    this.permitted = config.permittedNumberOfCallsInHalfOpenState;
    this.automatic = config.automaticTransitionFromOpenToHalfOpenEnabled;
    const countBased = config.slidingWindowType === 'COUNT_BASED';
    this.closedMinimum = countBased ? Math.min(config.minimumNumberOfCalls, config.slidingWindowSize) : config.minimumNumberOfCalls;
    this.halfOpenMinimum = Math.min(config.minimumNumberOfCalls, this.permitted);
    this.closedWindow = countBased ? new CountWindow(config.slidingWindowSize) : new TimeWindow(config.slidingWindowSize, clock.now());
    this.halfOpenWindow = new CountWindow(this.permitted);
  }

  /** The state now (an open breaker whose wait has ended stays open until a call or its timer moves it). */
  get state(): BreakerState {
    return this.current === CLOSED ? 'closed' : this.current === OPEN ? 'open' : 'half-open';
  }

  /** The current window's failure rate in percent, or −1 below the minimum number of calls (resilience4j `getFailureRate`). */
  get failureRate(): number {
    return this.rate(this.window().failed);
  }

  /** The current window's slow-call rate in percent, or −1 below the minimum number of calls. */
  get slowCallRate(): number {
    return this.rate(this.window().slow);
  }

  /** Asks to make a call: `true` ⇒ go ahead and report {@link SlidingWindowBreaker.onResult}; `false` ⇒ rejected, `breaker-open`. */
  tryAcquire(): boolean {
    if (this.current === CLOSED) return true;
    if (this.current === OPEN) {
      if (!(this.clock.now() > this.openUntil)) {
        this.rejected++;
        return false;
      }
      this.toHalfOpen();
    }
    if (this.permits > 0) {
      this.permits--;
      return true;
    }
    this.rejected++;
    return false;
  }

  /** The result of an admitted call: `ok` false for a failure, and how long it took. */
  onResult(ok: boolean, durationMs: number): void {
    const state = this.current;
    if (state === OPEN) return;
    const window = state === CLOSED ? this.closedWindow : this.halfOpenWindow;
    const outcome = (ok ? 0 : FAILED) | (durationMs > this.slowCallDurationThresholdMs ? SLOW : 0);
    window.record(outcome, this.clock.now());
    const minimum = state === CLOSED ? this.closedMinimum : this.halfOpenMinimum;
    if (window.total < minimum) return;
    const exceeded =
      Math.fround((window.failed * 100) / window.total) >= this.failureRateThreshold ||
      Math.fround((window.slow * 100) / window.total) >= this.slowCallRateThreshold;
    if (exceeded) this.toOpen();
    else if (state === HALF_OPEN) this.toClosed();
  }

  /**
   * An admitted call ended without a result to record (it was cancelled): a half-open
   * permit it took goes back (resilience4j `releasePermission`); nothing else changes.
   */
  release(): void {
    if (this.current === HALF_OPEN && this.permits < this.permitted) this.permits++;
  }

  /** Cancels the automatic-transition timer, if any (end of run). */
  stop(): void {
    this.cancelTimer();
  }

  private window(): Window {
    if (this.current === HALF_OPEN) return this.halfOpenWindow;
    this.closedWindow.advance(this.clock.now());
    return this.closedWindow;
  }

  private rate(count: number): number {
    const window = this.current === HALF_OPEN ? this.halfOpenWindow : this.closedWindow;
    const minimum = this.current === HALF_OPEN ? this.halfOpenMinimum : this.closedMinimum;
    if (window.total === 0 || window.total < minimum) return -1;
    return Math.fround((count * 100) / window.total);
  }

  private toOpen(): void {
    const now = this.clock.now();
    this.current = OPEN;
    this.openUntil = now + this.waitMs;
    if (this.automatic) {
      this.timer = this.clock.scheduleBackground(this.waitMs, SlidingWindowBreaker.halfOpenByTimer, this);
      this.timerArmed = true;
    }
    this.onEvent('breaker-open', -1, now);
  }

  /** The automatic transition timer's callback (static: scheduling it allocates nothing). */
  private static halfOpenByTimer(breaker: SlidingWindowBreaker): void {
    breaker.timerArmed = false;
    if (breaker.current === OPEN) breaker.toHalfOpen();
  }

  private toHalfOpen(): void {
    this.cancelTimer();
    const now = this.clock.now();
    this.current = HALF_OPEN;
    this.permits = this.permitted;
    this.halfOpenWindow.reset();
    this.onEvent('breaker-half-open', -1, now);
  }

  private toClosed(): void {
    const now = this.clock.now();
    this.current = CLOSED;
    this.closedWindow.reset(now);
    this.onEvent('breaker-closed', -1, now);
  }

  private cancelTimer(): void {
    if (!this.timerArmed) return;
    this.timerArmed = false;
    this.clock.cancel(this.timer);
  }
}
