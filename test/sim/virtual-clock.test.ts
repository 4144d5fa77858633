import { describe, expect, it } from 'vitest';
import type { Clock } from '../../proxy-core/clock/clock.js';
import { EventQueue } from '../../sim/event-queue.js';
import { SIM_START_EPOCH_MS, VirtualClock, type Progress } from '../../sim/virtual-clock.js';

describe('VirtualClock', () => {
  it('is a Clock whose time starts at 0 and moves only when events fire', () => {
    const clock: Clock = new VirtualClock();
    const seen: number[] = [];
    clock.schedule(250, (at: number) => seen.push(at, clock.now()), 250);
    expect(clock.now()).toBe(0);
    (clock as VirtualClock).run();
    expect(seen).toEqual([250, 250]);
    expect(clock.now()).toBe(250);
  });

  it('schedules relative to now, treats a negative delay as 0, and cancels', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const record = (name: string): void => {
      fired.push(`${name}@${clock.now()}`);
    };
    clock.schedule(10, () => {
      clock.schedule(5, record, 'relative');
      clock.schedule(-3, record, 'negative');
      const handle = clock.schedule(1, record, 'cancelled');
      clock.cancel(handle);
      clock.cancel(handle);
    }, null);
    clock.run();
    expect(fired).toEqual(['negative@10', 'relative@15']);
  });

  it('runs until a limit, firing what comes due meanwhile, then stands at the limit', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const tick = (n: number): void => {
      fired.push(clock.now());
      if (n > 0) clock.schedule(3, tick, n - 1);
    };
    clock.schedule(1, tick, 10); // fires at 1, 4, 7, 10, ...
    clock.runUntil(10);
    expect(fired).toEqual([1, 4, 7, 10]);
    expect(clock.now()).toBe(10);
    expect(clock.queue.size).toBe(1);
    clock.runUntil(11.5);
    expect(clock.now()).toBe(11.5);
    expect(fired).toHaveLength(4);
    clock.runUntil(5); // a limit in the past changes nothing
    expect(clock.now()).toBe(11.5);
    clock.run();
    expect(fired).toHaveLength(11);
    expect(clock.now()).toBe(31);
  });

  it('does not move time to Infinity when running to the end, and stops on an empty queue', () => {
    const clock = new VirtualClock(new EventQueue());
    clock.run();
    expect(clock.now()).toBe(0);
    clock.schedule(7, () => {}, null);
    clock.runUntil(Infinity);
    expect(clock.now()).toBe(7);
  });

  it('reports progress every N events in total, across runs', () => {
    const clock = new VirtualClock();
    const reports: [number, number][] = [];
    const progress: Progress = { everyEvents: 4, report: (now, fired) => reports.push([now, fired]) };
    for (let i = 1; i <= 10; i++) clock.schedule(i, () => {}, null);
    clock.runUntil(6, progress);
    clock.run(progress);
    expect(reports).toEqual([
      [4, 4],
      [8, 8],
    ]);
    expect(clock.queue.fired).toBe(10);
  });

  it('refuses a progress interval that is not a positive integer', () => {
    const clock = new VirtualClock();
    clock.schedule(1, () => {}, null);
    for (const everyEvents of [0, -1, 2.5, NaN]) {
      expect(() => clock.run({ everyEvents, report: () => {} })).toThrow(RangeError);
    }
  });
});

describe('VirtualClock: wall time and background timers', () => {
  it('counts wall time from the fixed start of every run', () => {
    const clock = new VirtualClock();
    clock.schedule(1500, () => {}, null);
    clock.run();
    expect(clock.epochMs()).toBe(SIM_START_EPOCH_MS + 1500);
  });

  it('run() stops when only background timers are left, and runUntil still fires them', () => {
    const clock = new VirtualClock();
    let sweeps = 0;
    const sweep = (): void => {
      sweeps++;
      clock.scheduleBackground(100, sweep, null);
    };
    clock.scheduleBackground(100, sweep, null);
    let done = false;
    clock.schedule(250, () => (done = true), null);
    clock.run();
    expect(done).toBe(true);
    expect(sweeps).toBe(2); // at 100 and 200; the one due at 300 stays pending
    expect(clock.backgroundPending).toBe(1);
    clock.runUntil(1000);
    expect(sweeps).toBe(10);
  });

  it('forgets a cancelled background timer', () => {
    const clock = new VirtualClock();
    const h = clock.scheduleBackground(100, () => {}, null);
    clock.cancel(h);
    expect(clock.backgroundPending).toBe(0);
    expect(clock.queue.size).toBe(0);
  });
});
