import type { Clock, TimerHandle } from './clock.js';

/**
 * Many timers that fall due in the order they are set — a router's per-try and route
 * timeouts, a load generator's request timeouts: one constant timeout each — on a single
 * clock timer. They wait in a FIFO and only the oldest one pending is on the clock. Setting
 * and cancelling one costs no clock operation: most of these timers are cancelled (the
 * answer came in time), and a clock timer each would be scheduled and cancelled for nothing
 * (in live mode, a Node timer each: ~1.4 µs, bench/RESULTS.md). When the oldest is
 * cancelled the clock timer stays: it fires, finds nothing due, and arms for the next one
 * pending; when the last one pending is cancelled, it is cancelled too, so that no timer is
 * left to hold a run (or live mode's process) once nothing waits.
 *
 * Each timer still fires when its own delay has passed (never earlier), in the order the
 * timers were set. One that would fall due before the newest one in the FIFO (a shorter
 * timeout than the ones before it) is kept on the clock by itself, so the FIFO stays in order.
 *
 * @example
 * ```ts
 * const timers = new OrderedTimers(clock, (call: Call) => call.tryTimedOut());
 * const handle = timers.set(300, call);
 * timers.cancel(handle); // the attempt answered in time: no clock timer touched
 * ```
 */
export class OrderedTimers<T> {
  // The FIFO is [head, tail) of two arrays that keep their capacity: emptying it allocates nothing.
  /** Due times (clock ms) of the timers in the FIFO, oldest first. */
  private readonly due: number[] = [];
  /** Arguments of the timers in the FIFO; `undefined` marks a cancelled or fired one. */
  private readonly args: (T | undefined)[] = [];
  private head = 0;
  private tail = 0;
  /** Timers in the FIFO neither fired nor cancelled. */
  private pending = 0;
  /** Handle of the FIFO's first entry (`head`): handles count up from 1 as timers are set. */
  private headHandle = 1;
  /** The clock timer armed for the oldest pending timer; 0 when none is armed. */
  private armed: TimerHandle = 0;
  /** Timers are being fired: one set by a callback waits for the loop to arm the clock. */
  private firing = false;

  /** @param callback - called with a timer's argument when it fires */
  constructor(
    private readonly clock: Clock,
    private readonly callback: (arg: T) => void,
  ) {}

  /**
   * Sets a timer that calls `callback(arg)` `delayMs` from now. Returns a non-zero handle for
   * {@link OrderedTimers.cancel}: positive for a FIFO timer, negative for a clock timer of its own.
   */
  set(delayMs: number, arg: T): TimerHandle {
    const due = this.clock.now() + delayMs;
    const end = this.tail;
    if (end > this.head && due < this.due[end - 1]) return -this.clock.schedule(delayMs, this.callback, arg);
    if (end === this.due.length) {
      this.due.push(due);
      this.args.push(arg);
    } else {
      this.due[end] = due;
      this.args[end] = arg;
    }
    this.tail = end + 1;
    this.pending++;
    if (this.armed === 0 && !this.firing) this.arm(due);
    return this.headHandle + (end - this.head);
  }

  /** Cancels a timer; cancelling a fired or cancelled one, or handle 0, does nothing. */
  cancel(handle: TimerHandle): void {
    if (handle < 0) return this.clock.cancel(-handle);
    const i = this.head + (handle - this.headHandle);
    if (handle === 0 || i < this.head || i >= this.tail || this.args[i] === undefined) return;
    this.args[i] = undefined;
    if (--this.pending === 0 && !this.firing) this.clear();
  }

  /** Cancels every timer in the FIFO, and the clock timer: none is left. */
  clear(): void {
    this.pending = 0;
    if (this.armed !== 0) this.clock.cancel(this.armed);
    this.armed = 0;
    this.headHandle += this.tail - this.head;
    this.args.fill(undefined, this.head, this.tail);
    this.reset();
  }

  /** Arms the clock timer for a timer due at `due`. */
  private arm(due: number): void {
    this.armed = this.clock.schedule(due - this.clock.now(), OrderedTimers.fire, this as OrderedTimers<unknown>);
  }

  /** The clock timer: fires every timer due by now, in order, then arms for the next pending one. */
  private static fire(timers: OrderedTimers<unknown>): void {
    timers.armed = 0;
    timers.firing = true;
    try {
      timers.fireDue();
    } finally {
      timers.firing = false;
    }
  }

  private fireDue(): void {
    const now = this.clock.now();
    for (;;) {
      this.dropSpent();
      if (this.head === this.tail) return this.reset();
      const due = this.due[this.head];
      // Due, or so close that the clock cannot set a timer between now and then.
      if (due > now && now + (due - now) > now) return this.arm(due);
      const arg = this.args[this.head] as T;
      this.args[this.head] = undefined;
      this.pending--;
      this.callback(arg);
    }
  }

  /** Moves `head` past cancelled and fired timers. */
  private dropSpent(): void {
    while (this.head < this.tail && this.args[this.head] === undefined) {
      this.head++;
      this.headHandle++;
    }
    if (this.head > 1024 && this.head * 2 > this.tail) this.compact();
  }

  /** Moves what is pending to the front of the arrays, so they grow with what is pending, not with time. */
  private compact(): void {
    const length = this.tail - this.head;
    this.due.copyWithin(0, this.head, this.tail);
    this.args.copyWithin(0, this.head, this.tail);
    this.args.fill(undefined, length, this.tail);
    this.head = 0;
    this.tail = length;
  }

  /** Empties the FIFO, keeping the arrays' room (handles keep counting up from `headHandle`). */
  private reset(): void {
    this.head = 0;
    this.tail = 0;
  }
}
