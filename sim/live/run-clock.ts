import type { Clock, TimerHandle } from '../../proxy-core/clock/clock.js';
import { RealClock } from '../../proxy-core/clock/real-clock.js';

/**
 * The real clock of a live run, reading 0 when the load starts: the servers start before
 * it, and the report's times (its time series, its fault windows) count from the load's
 * start as the simulator's do. Timers are proxy-core's {@link RealClock}'s, never early.
 */
export class RunClock implements Clock {
  private readonly real = new RealClock();
  private origin = 0;

  /** From now on `now()` counts from this instant. */
  startNow(): void {
    this.origin = this.real.now();
  }

  now(): number {
    return this.real.now() - this.origin;
  }

  epochMs(): number {
    return this.real.epochMs();
  }

  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.real.schedule(delayMs, callback, arg);
  }

  scheduleBackground<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.real.scheduleBackground(delayMs, callback, arg);
  }

  cancel(handle: TimerHandle): void {
    this.real.cancel(handle);
  }

  /** Cancels every timer (the end of the run). */
  cancelAll(): void {
    this.real.cancelAll();
  }

  /** Timers pending. */
  get pending(): number {
    return this.real.pending;
  }
}
