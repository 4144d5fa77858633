/**
 * One test, two clocks: the policies of proxy-core must behave the same under the
 * simulator's {@link VirtualClock} and live mode's {@link RealClock}. A scenario written
 * against {@link ClockHarness} runs under either: `describe.each(CLOCK_KINDS)`.
 *
 * Real time cannot be asserted to the millisecond, and a busy machine can stall any wait.
 * So a scenario asserts what the *policy saw* — the clock harness records every `now()` it
 * returned, every timer asked for, and whether a change happened inside a timer — which is
 * exact under both clocks; and bounds what the *clock did* from one side only: a timer never
 * fires before its due time (exact), and fires within {@link LATE_MS} of it (generous).
 */
import { expect } from 'vitest';
import type { Clock, TimerHandle } from '../../proxy-core/clock/clock.js';
import { RealClock } from '../../proxy-core/clock/real-clock.js';
import type { PolicyEventKind, PolicyEventSink } from '../../proxy-core/health/policy-event.js';
import { VirtualClock } from '../../sim/virtual-clock.js';

/** Which clock a scenario runs under. */
export type ClockKind = 'virtual' | 'real';

/** Both, for `describe.each(CLOCK_KINDS)`. */
export const CLOCK_KINDS: readonly ClockKind[] = ['virtual', 'real'];

/**
 * How late a real timer may fire, past its due time, before a scenario fails: far above
 * what a loaded two-core machine shows (a few ms, tens at worst), so that it only catches a
 * timer that is lost or armed for the wrong delay by a wide margin. The virtual clock is
 * never late; exact delays are checked through {@link ClockHarness.requested}.
 */
export const LATE_MS = 1000;

/** A timer the policy asked for. */
export interface RequestedTimer {
  /** The clock's time when it was asked for (its due time is at least `at + delayMs`). */
  readonly at: number;
  /** The last `now()` returned before it was asked for: the time a policy computed its delay from. */
  readonly seenAt: number;
  /** The delay asked for, in ms. */
  readonly delayMs: number;
  /** Whether through {@link Clock.scheduleBackground}. */
  readonly background: boolean;
  /** The clock's time when its callback ran; `undefined` while pending or once cancelled. */
  firedAt: number | undefined;
}

/** A clock for a policy under test, and the means to let its time pass. */
export interface ClockHarness {
  /** Which clock this is. */
  readonly kind: ClockKind;
  /** The clock to give the policy: the clock under test, recording what the policy sees and asks. */
  readonly clock: Clock;
  /**
   * Lets at least `ms` of the clock's time pass. Virtual: fires every timer due by then
   * (background ones included) and stands at now + ms. Real: waits until `now()` has moved
   * by `ms`; timers due by then have very likely, not certainly, fired (use {@link ClockHarness.until}).
   */
  advance(ms: number): Promise<void>;
  /**
   * Lets time pass in small steps until `done()` holds or `limitMs` have passed; returns
   * whether it held. The way to wait for a timer under both clocks.
   */
  until(done: () => boolean, limitMs: number): Promise<boolean>;
  /** The last `now()` the clock returned to anyone: right after a policy call, the time that policy saw. */
  readonly lastNow: number;
  /** Every `now()` the clock returned, in order: `reads[mark]` is the first a call made after `mark = reads.length`. */
  readonly reads: readonly number[];
  /** Every timer asked for, in order. */
  readonly requested: readonly RequestedTimer[];
  /** Whether a timer's callback is running: a state change observed now was made by a timer. */
  readonly inTimer: boolean;
  /** Timers pending in the clock under test. */
  pending(): number;
  /** Cancels whatever is still pending (after each test: no real timer outlives it). */
  dispose(): void;
}

/** A harness over a fresh clock of `kind`. */
export function clockHarness(kind: ClockKind): ClockHarness {
  return kind === 'virtual' ? virtualHarness() : realHarness();
}

function virtualHarness(): ClockHarness {
  const inner = new VirtualClock();
  const recorder = new RecordingClock(inner);
  return Object.assign(recorder.view('virtual'), {
    async advance(ms: number): Promise<void> {
      inner.runUntil(inner.now() + ms);
    },
    async until(done: () => boolean, limitMs: number): Promise<boolean> {
      const limit = inner.now() + limitMs;
      while (!done()) {
        if (inner.now() >= limit) return false;
        inner.runUntil(Math.min(limit, inner.now() + 1));
      }
      return true;
    },
    pending: () => inner.queue.size,
    dispose: () => {}, // nothing outlives the test: the queue goes with the clock
  });
}

function realHarness(): ClockHarness {
  const inner = new RealClock();
  const recorder = new RecordingClock(inner);
  return Object.assign(recorder.view('real'), {
    async advance(ms: number): Promise<void> {
      const target = inner.now() + ms;
      for (let left = ms; left > 0; left = target - inner.now()) await sleep(left);
      await sleep(0); // let timers due meanwhile run first
    },
    async until(done: () => boolean, limitMs: number): Promise<boolean> {
      const limit = inner.now() + limitMs;
      while (!done()) {
        if (inner.now() >= limit) return false;
        await sleep(1);
      }
      return true;
    },
    pending: () => inner.pending,
    dispose: () => inner.cancelAll(),
  });
}

/** A real wait for the harness itself (not through the clock under test). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A {@link Clock} that passes everything to `inner` and records what passes through. */
class RecordingClock implements Clock {
  lastNow = Number.NaN;
  readonly reads: number[] = [];
  readonly requested: RequestedTimer[] = [];
  depth = 0;

  constructor(private readonly inner: Clock) {}

  now(): number {
    this.lastNow = this.inner.now();
    this.reads.push(this.lastNow);
    return this.lastNow;
  }

  epochMs(): number {
    return this.inner.epochMs();
  }

  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.arm(delayMs, callback, arg, false);
  }

  scheduleBackground<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.arm(delayMs, callback, arg, true);
  }

  cancel(handle: TimerHandle): void {
    this.inner.cancel(handle);
  }

  /** The recording side of a harness, as the properties of {@link ClockHarness}. */
  view(kind: ClockKind): Pick<ClockHarness, 'kind' | 'clock' | 'lastNow' | 'reads' | 'requested' | 'inTimer'> {
    const recorder = this;
    return {
      kind,
      clock: recorder,
      get lastNow() {
        return recorder.lastNow;
      },
      reads: recorder.reads,
      requested: recorder.requested,
      get inTimer() {
        return recorder.depth > 0;
      },
    };
  }

  private arm<T>(delayMs: number, callback: (arg: T) => void, arg: T, background: boolean): TimerHandle {
    const timer: RequestedTimer = { at: this.inner.now(), seenAt: this.lastNow, delayMs, background, firedAt: undefined };
    this.requested.push(timer);
    const fire = (): void => {
      timer.firedAt = this.inner.now();
      this.depth++;
      try {
        callback(arg);
      } finally {
        this.depth--;
      }
    };
    return background ? this.inner.scheduleBackground(delayMs, fire, undefined) : this.inner.schedule(delayMs, fire, undefined);
  }
}

/** A policy event as a scenario sees it. */
export interface SeenEvent {
  readonly kind: PolicyEventKind;
  readonly host: number;
  /** The clock time the policy stamped it with. */
  readonly at: number;
  /** Whether one of the policy's timers made it (rather than a call into the policy). */
  readonly byTimer: boolean;
}

/** A sink for a policy's events under `harness`, and what it received. */
export function eventLog(harness: ClockHarness): { sink: PolicyEventSink; events: SeenEvent[]; kinds(): string[] } {
  const events: SeenEvent[] = [];
  return {
    sink: (kind, host, at) => void events.push({ kind, host, at, byTimer: harness.inTimer }),
    events,
    kinds: () => events.map((e) => (e.host >= 0 ? `${e.kind}:${e.host}` : e.kind)),
  };
}

/** Asserts `timer` fired, not before its due time (exact, both clocks) and within {@link LATE_MS} of it. */
export function expectFiredInTime(timer: RequestedTimer | undefined): void {
  expect(timer, 'a timer was asked for').toBeDefined();
  const due = timer!.at + timer!.delayMs;
  expect(timer!.firedAt, 'the timer fired').toBeDefined();
  expect(timer!.firedAt).toBeGreaterThanOrEqual(due);
  expect(timer!.firedAt).toBeLessThanOrEqual(due + LATE_MS);
}
