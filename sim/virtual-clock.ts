/**
 * Virtual time for the simulator: the {@link Clock} the resilience core sees, driven by an
 * {@link EventQueue}. Time moves only when an event fires (README.md, "How it is built").
 */
import type { Clock, TimerHandle } from '../proxy-core/clock/clock.js';
import { EventQueue } from './event-queue.js';

/** A progress callback for long runs (the CLI draws its progress bar with it). */
export type Progress = {
  /** Call {@link Progress.report} each time this many events (a positive integer) have fired in total. */
  everyEvents: number;
  /** Called with the virtual time and the number of events fired so far. */
  report(nowMs: number, fired: number): void;
};

/**
 * A {@link Clock} in virtual milliseconds over an {@link EventQueue}.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * clock.schedule(250, (what: string) => console.log(what, clock.now()), 'timeout'); // "timeout 250"
 * clock.run();
 * ```
 */
export class VirtualClock implements Clock {
  /** The events; exposed for the engine (counts, direct scheduling at absolute times). */
  readonly queue: EventQueue;
  /** Wall time at virtual time 0, ms since the Unix epoch. */
  readonly startEpochMs: number;
  /** Handles of pending background timers. */
  private readonly background = new Set<TimerHandle>();

  /**
   * Creates a clock at time 0 over `queue` (a new, empty one by default), whose wall time
   * starts at `startEpochMs` ({@link SIM_START_EPOCH_MS} by default).
   */
  constructor(queue: EventQueue = new EventQueue(), startEpochMs = SIM_START_EPOCH_MS) {
    this.queue = queue;
    this.startEpochMs = startEpochMs;
  }

  /** Virtual milliseconds since the start of the run. */
  now(): number {
    return this.queue.now;
  }

  /** The run's wall time: {@link VirtualClock.startEpochMs} plus the virtual time. */
  epochMs(): number {
    return this.startEpochMs + this.queue.now;
  }

  /** Background timers pending: {@link VirtualClock.run} does not wait for them. */
  get backgroundPending(): number {
    return this.background.size;
  }

  /** Calls `callback(arg)` `delayMs` from now; a negative delay counts as 0. */
  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.queue.schedule(this.queue.now + (delayMs < 0 ? 0 : delayMs), callback, arg);
  }

  /**
   * As {@link VirtualClock.schedule}, for a timer {@link VirtualClock.run} does not wait for
   * (rare: it allocates). Its handle is negative, so cancelling a foreground timer costs no lookup.
   */
  scheduleBackground<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    const timer: BackgroundTimer<T> = { clock: this, handle: 0, callback, arg };
    timer.handle = this.schedule(delayMs, fireBackground, timer as BackgroundTimer<unknown>);
    this.background.add(timer.handle);
    return -timer.handle;
  }

  /** Cancels a pending timer; cancelling a fired or cancelled timer does nothing. */
  cancel(handle: TimerHandle): void {
    if (handle >= 0) return this.queue.cancel(handle);
    this.queue.cancel(-handle);
    this.background.delete(-handle);
  }

  /**
   * Fires, in order, every event due at or before `limitMs` (including those they schedule in
   * turn), then advances the time to `limitMs` if it is finite and later than now. With
   * `limitMs` infinite it stops when only background timers are pending.
   */
  runUntil(limitMs: number, progress?: Progress): void {
    if (progress === undefined) this.fireUntil(limitMs);
    else this.fireUntilReporting(limitMs, progress);
    if (limitMs > this.queue.now && limitMs !== Infinity) this.queue.now = limitMs;
  }

  /** Fires events until none is left but background timers (which are left pending). */
  run(progress?: Progress): void {
    this.runUntil(Infinity, progress);
  }

  /** @internal A background timer fired. */
  forgetBackground(handle: TimerHandle): void {
    this.background.delete(handle);
  }

  /** The loop without progress reports: nothing in it but the queue. */
  private fireUntil(limitMs: number): void {
    const queue = this.queue;
    if (limitMs === Infinity) while (queue.size > this.background.size) queue.fireNext();
    else while (queue.size > 0 && queue.nextTime() <= limitMs) queue.fireNext();
  }

  /** The loop with progress reports, counted down so that each event costs one decrement. */
  private fireUntilReporting(limitMs: number, progress: Progress): void {
    const every = progress.everyEvents;
    if (!(Number.isInteger(every) && every > 0)) {
      throw new RangeError(`Progress.everyEvents must be a positive integer, got ${every}`);
    }
    const queue = this.queue;
    let countdown = every - (queue.fired % every);
    const unbounded = limitMs === Infinity;
    while (queue.size > (unbounded ? this.background.size : 0) && queue.nextTime() <= limitMs) {
      queue.fireNext();
      if (--countdown === 0) {
        countdown = every;
        progress.report(queue.now, queue.fired);
      }
    }
  }
}

/** Wall time of virtual time 0 in every simulated run: 2025-01-01T00:00:00Z. */
export const SIM_START_EPOCH_MS = Date.UTC(2025, 0, 1);

/** A background timer's callback and argument, and the clock that forgets it once fired. */
interface BackgroundTimer<T> {
  readonly clock: VirtualClock;
  handle: TimerHandle;
  readonly callback: (arg: T) => void;
  readonly arg: T;
}

function fireBackground(timer: BackgroundTimer<unknown>): void {
  timer.clock.forgetBackground(timer.handle);
  timer.callback(timer.arg);
}
