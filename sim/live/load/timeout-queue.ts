import type { Clock, TimerHandle } from '../../../proxy-core/clock/clock.js';

/** An entry of a {@link TimeoutQueue}: its deadline and links, and what to do when it passes. */
export interface Expiring {
  deadline: number;
  prevExpiring: Expiring | null;
  nextExpiring: Expiring | null;
  /** Called once when the deadline has passed while the entry was still queued. */
  expire(): void;
}

/**
 * Per-request timeouts that all have the same length, on one timer: entries are queued in the
 * order they start, so their deadlines are in order too; the timer waits for the head's.
 * Adding and removing cost O(1) and no timer call (removing the head leaves the timer to
 * fire early and re-arm), and an empty queue holds no timer.
 */
export class TimeoutQueue {
  private head: Expiring | null = null;
  private tail: Expiring | null = null;
  private timer: TimerHandle = 0;

  /**
   * @param clock - time and timers (proxy-core's `RealClock`: never early)
   * @param timeoutMs - each entry's time from {@link TimeoutQueue.add} to its deadline
   */
  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
  ) {}

  /** Queues `entry`, expiring `timeoutMs` from now. */
  add(entry: Expiring): void {
    entry.deadline = this.clock.now() + this.timeoutMs;
    entry.prevExpiring = this.tail;
    entry.nextExpiring = null;
    if (this.tail) this.tail.nextExpiring = entry;
    else this.head = entry;
    this.tail = entry;
    if (this.timer === 0) this.timer = this.clock.schedule(this.timeoutMs, this.fire, undefined);
  }

  /** Takes `entry` out (it ended in time); entries not queued are ignored. */
  remove(entry: Expiring): void {
    if (entry.prevExpiring === null && this.head !== entry) return;
    if (entry.prevExpiring) entry.prevExpiring.nextExpiring = entry.nextExpiring;
    else this.head = entry.nextExpiring;
    if (entry.nextExpiring) entry.nextExpiring.prevExpiring = entry.prevExpiring;
    else this.tail = entry.prevExpiring;
    entry.prevExpiring = entry.nextExpiring = null;
    if (this.head === null) this.clearTimer();
  }

  /** Forgets every entry without expiring it, and the timer. */
  clear(): void {
    for (let e = this.head; e; ) {
      const next = e.nextExpiring;
      e.prevExpiring = e.nextExpiring = null;
      e = next;
    }
    this.head = this.tail = null;
    this.clearTimer();
  }

  private clearTimer(): void {
    this.clock.cancel(this.timer);
    this.timer = 0;
  }

  private readonly fire = (): void => {
    this.timer = 0;
    const now = this.clock.now();
    while (this.head && this.head.deadline <= now) {
      const entry = this.head;
      this.remove(entry);
      entry.expire();
    }
    // An expire() may have queued a new entry and armed the timer for it: the head is due sooner.
    this.clearTimer();
    if (this.head) this.timer = this.clock.schedule(this.head.deadline - now, this.fire, undefined);
  };
}
