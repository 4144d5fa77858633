/**
 * Time as the resilience core sees it. The simulator passes its virtual clock,
 * live mode passes real timers; the core never reads time any other way.
 */
export interface Clock {
  /** Milliseconds since the start of the run (fractional in the simulator). */
  now(): number;
  /**
   * Calls `callback(arg)` once, `delayMs` from now. Returns a handle for {@link Clock.cancel}.
   * Passing `arg` instead of closing over it keeps the hot path free of allocations.
   */
  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle;
  /** Cancels a pending timer; cancelling a fired or cancelled timer does nothing. */
  cancel(handle: TimerHandle): void;
}

/** Opaque handle of a pending timer: a number, so that holding one allocates nothing. */
export type TimerHandle = number;
