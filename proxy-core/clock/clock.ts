/**
 * Time as the resilience core sees it. The simulator passes its virtual clock, live mode
 * passes {@link RealClock}; the core never reads time any other way (README.md, "How it is built").
 *
 * The core must be right whatever order two timers due at the same instant fire in, and
 * whether a transport answers before or after the call that sent the request returns: the
 * simulator orders them by (time, sequence), real timers do not.
 */
export interface Clock {
  /** Milliseconds since the start of the run, monotonic (fractional in both clocks). */
  now(): number;
  /**
   * Wall time in milliseconds since the Unix epoch, for what is dated rather than timed:
   * X.509 `notBefore`/`notAfter`, JWT `exp`/`nbf` (÷ 1000), Retry-After dates. The simulator
   * counts it from a fixed start, so a run stays a pure function of (scenario, seed).
   */
  epochMs(): number;
  /**
   * Calls `callback(arg)` once, `delayMs` from now (never earlier). Returns a handle for
   * {@link Clock.cancel}: a non-zero number, so that 0 can mean "no timer" in the core's
   * state. Passing `arg` instead of closing over it keeps the hot path free of allocations.
   */
  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle;
  /**
   * As {@link Clock.schedule}, for a timer that must not keep a run alive by itself: a
   * periodic sweep, a certificate rotation, a breaker's wait. Live mode unrefs it; the
   * simulator's `run()` stops when only such timers are left.
   */
  scheduleBackground<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle;
  /** Cancels a pending timer; cancelling a fired or cancelled timer, or handle 0, does nothing. */
  cancel(handle: TimerHandle): void;
}

/** Opaque, non-zero handle of a pending timer: a number, so that holding one allocates nothing. */
export type TimerHandle = number;
