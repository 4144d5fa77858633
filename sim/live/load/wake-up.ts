/** A monotonic millisecond clock: proxy-core's `RealClock` or anything with its `now()`. */
export interface NowSource {
  now(): number;
}

/**
 * One pending wake-up at a time, for a load's send loop: calls `callback` at or after a due
 * time of `clock`, never before (a Node timer may fire up to a millisecond early by
 * `performance.now()`; this one re-arms). With `spinMs` > 0 the last `spinMs` of a wait are
 * polled with `setImmediate` instead of slept: the event loop keeps serving I/O between
 * polls, and a wake-up is late by one loop turn (tens of µs) instead of up to a timer's
 * millisecond, at the price of a busy core while waits are short.
 */
export class WakeUp {
  private due = Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private immediate: ReturnType<typeof setImmediate> | null = null;

  /**
   * @param clock - where due times are read
   * @param callback - what to call when due
   * @param spinMs - how much of the end of a wait to poll rather than sleep (0: sleep it all)
   */
  constructor(
    private readonly clock: NowSource,
    private readonly callback: () => void,
    private readonly spinMs = 0,
  ) {}

  /** Wakes at `due` (clock ms), replacing any pending wake-up. */
  at(due: number): void {
    this.cancel();
    this.due = due;
    this.arm();
  }

  /** Forgets the pending wake-up, if any: no timer is left behind. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = null;
    this.due = Infinity;
  }

  private arm(): void {
    const wait = this.due - this.clock.now();
    if (wait > this.spinMs) this.timer = setTimeout(this.fire, this.spinMs > 0 ? wait - this.spinMs : wait);
    else this.immediate = setImmediate(this.fire);
  }

  private readonly fire = (): void => {
    this.timer = this.immediate = null;
    if (this.clock.now() < this.due) {
      this.arm();
      return;
    }
    this.due = Infinity;
    this.callback();
  };
}
