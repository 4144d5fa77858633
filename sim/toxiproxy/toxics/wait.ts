/** Waiting inside a toxic: a timer for a millisecond or more, the next turn of the event loop for less (Node's timers count whole milliseconds). */
import { nowMs } from '../toxic-runner.js';

/** Cancels a wait that has not fired. */
export type CancelWait = () => void;

/** Calls `fn` after `ms` milliseconds (fractions allowed); below 1 ms, on the next turn of the event loop. */
export function wait(ms: number, fn: () => void): CancelWait {
  if (ms >= 1) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
  const immediate = setImmediate(fn);
  return () => clearImmediate(immediate);
}

/**
 * Calls `fn` once {@link nowMs} reaches `due`, never before: a Node timer may fire up to a
 * millisecond early against `performance.now()` (libuv's clock is read once per loop turn),
 * so an early wake-up waits out the rest.
 */
export function waitUntil(due: number, fn: () => void): CancelWait {
  let cancel: CancelWait = () => undefined;
  const check = (): void => {
    const left = due - nowMs();
    if (left > 0) cancel = wait(left, check);
    else fn();
  };
  check();
  return () => cancel();
}

/** A toxic's timer: one wait at a time, which can be cancelled and asked whether it runs. */
export class PendingWait {
  private cancelWait: CancelWait | null = null;

  /** Whether a wait is running. */
  get running(): boolean {
    return this.cancelWait !== null;
  }

  /** Calls `fn` after `ms` (see {@link wait}); a wait already running is cancelled first. */
  after(ms: number, fn: () => void): void {
    this.cancel();
    this.cancelWait = wait(ms, () => {
      this.cancelWait = null;
      fn();
    });
  }

  /** Calls `fn` once {@link nowMs} reaches `due` (see {@link waitUntil}); a wait already running is cancelled first. */
  until(due: number, fn: () => void): void {
    this.cancel();
    this.cancelWait = waitUntil(due, () => {
      this.cancelWait = null;
      fn();
    });
  }

  /** Cancels the running wait, if any. */
  cancel(): void {
    const cancel = this.cancelWait;
    this.cancelWait = null;
    cancel?.();
  }
}
