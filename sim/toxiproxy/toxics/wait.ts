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
