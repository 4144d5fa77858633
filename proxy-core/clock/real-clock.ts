import type { Clock, TimerHandle } from './clock.js';

/**
 * The real clock for live mode: `performance.now()` since construction, `Date.now()` for
 * wall time, and Node timers. It is the one file of proxy-core allowed to touch real time
 * (test/proxy-core/purity.test.ts enforces it).
 *
 * A Node timer may fire up to a millisecond before its delay has passed by
 * `performance.now()`; this clock re-arms such a timer for what is left, so a callback never
 * runs before `now()` has reached its due time, as in the simulator. Background timers are
 * unref'd: they do not keep the process alive. A delay beyond what one Node timer can wait
 * (2^31 − 1 ms, about 24.8 days: a certificate's rotation) is waited in several.
 */
export class RealClock implements Clock {
  private readonly origin = performance.now();
  private nextHandle = 1;
  private readonly timers = new Map<TimerHandle, RealTimer>();

  /** Milliseconds since this clock was created. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** `Date.now()`. */
  epochMs(): number {
    return Date.now();
  }

  /** A Node timer for `callback(arg)` after `delayMs` (never before). */
  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.arm(delayMs, callback as (arg: unknown) => void, arg, false);
  }

  /** As {@link RealClock.schedule}, unref'd. */
  scheduleBackground<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.arm(delayMs, callback as (arg: unknown) => void, arg, true);
  }

  /** Clears the timer; unknown, fired and cancelled handles are ignored. */
  cancel(handle: TimerHandle): void {
    const timer = this.timers.get(handle);
    if (timer === undefined) return;
    clear(timer);
    this.timers.delete(handle);
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.size;
  }

  /** Cancels every pending timer (teardown: no handle is left open). */
  cancelAll(): void {
    for (const timer of this.timers.values()) clear(timer);
    this.timers.clear();
  }

  private arm(delayMs: number, callback: (arg: unknown) => void, arg: unknown, background: boolean): TimerHandle {
    const handle = this.nextHandle++;
    const timer: RealTimer = { dueAt: this.now() + Math.max(0, delayMs), callback, arg, background, node: null, immediate: null };
    this.start(handle, timer, Math.max(0, delayMs));
    this.timers.set(handle, timer);
    return handle;
  }

  /**
   * Waits `delayMs` on a Node timer, or, under a millisecond, on the event loop's next turns
   * (`setImmediate`): a Node timer cannot wait less than 1 ms, and it may fire up to a
   * millisecond early, so re-arming one for the rest made every live wait about 0.7 ms long
   * (measured, p50). Turning the loop for the last fraction costs that fraction of CPU.
   */
  private start(handle: TimerHandle, timer: RealTimer, delayMs: number): void {
    if (delayMs < 1) {
      timer.node = null;
      timer.immediate = setImmediate(() => this.fire(handle, timer));
      return;
    }
    // Node runs a longer timeout after 1 ms (with a TimeoutOverflowWarning); fire() re-arms for the rest.
    timer.immediate = null;
    timer.node = setTimeout(() => this.fire(handle, timer), Math.min(delayMs, MAX_NODE_DELAY_MS));
    if (timer.background) timer.node.unref();
  }

  private fire(handle: TimerHandle, timer: RealTimer): void {
    const early = timer.dueAt - this.now();
    if (early > 0) {
      this.start(handle, timer, early);
      return;
    }
    this.timers.delete(handle);
    timer.callback(timer.arg);
  }
}

/** Clears whichever Node handle a timer waits on. */
function clear(timer: RealTimer): void {
  if (timer.node !== null) clearTimeout(timer.node);
  if (timer.immediate !== null) clearImmediate(timer.immediate);
}

/** The longest delay one Node timer waits: a 32-bit signed count of ms. */
const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

/** A pending timer of the {@link RealClock}. */
interface RealTimer {
  readonly dueAt: number;
  readonly callback: (arg: unknown) => void;
  readonly arg: unknown;
  readonly background: boolean;
  node: ReturnType<typeof setTimeout> | null;
  immediate: ReturnType<typeof setImmediate> | null;
}
