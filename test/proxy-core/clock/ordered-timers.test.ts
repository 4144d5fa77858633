/**
 * Timers that fall due in the order they are set share one clock timer: each still fires at its own due time, in the order
 * set, cancelled ones never, whatever is set or cancelled while others fire.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedTimers } from '../../../proxy-core/clock/ordered-timers.js';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

describe('OrderedTimers', () => {
  it('fires each timer at exactly its own due time, in order, on one clock timer at a time', () => {
    const clock = new VirtualClock();
    const fired: [string, number][] = [];
    const timers = new OrderedTimers(clock, (name: string) => fired.push([name, clock.now()]));
    timers.set(100, 'a');
    clock.queue.schedule(30, () => timers.set(100, 'b'), null);
    clock.queue.schedule(30, () => timers.set(100, 'c'), null);
    clock.queue.schedule(70, () => timers.set(100, 'd'), null);
    expect(clock.queue.size).toBe(4); // 'a' armed; the three sets to come
    while (clock.queue.size > 0) clock.queue.fireNext();
    expect(fired).toEqual([['a', 100], ['b', 130], ['c', 130], ['d', 170]]);
  });

  it('never fires a cancelled timer; cancelling costs no clock operation until the last one pending goes', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const timers = new OrderedTimers(clock, (name: string) => fired.push(name));
    const a = timers.set(100, 'a');
    const b = timers.set(100, 'b');
    expect(clock.queue.size, 'one clock timer for both').toBe(1);
    timers.cancel(a);
    expect(clock.queue.size, 'b still pending: the clock timer stays').toBe(1);
    timers.cancel(b);
    timers.cancel(b); // twice: nothing
    timers.cancel(0);
    expect(clock.queue.size, 'nothing pending: no clock timer left').toBe(0);
    clock.queue.schedule(50, () => timers.set(100, 'c'), null);
    while (clock.queue.size > 0) clock.queue.fireNext();
    expect(fired).toEqual(['c']);
    expect(clock.now()).toBe(150);
  });

  it('keeps a timer due before the newest one on the clock by itself: a shorter one fires first', () => {
    const clock = new VirtualClock();
    const fired: [string, number][] = [];
    const timers = new OrderedTimers(clock, (name: string) => fired.push([name, clock.now()]));
    timers.set(100, 'long');
    const short = timers.set(10, 'short');
    expect(short).toBeLessThan(0);
    timers.set(10, 'short, cancelled');
    timers.cancel(timers.set(10, 'cancelled'));
    while (clock.queue.size > 0) clock.queue.fireNext();
    expect(fired).toEqual([['short', 10], ['short, cancelled', 10], ['long', 100]]);
  });

  it('fires a timer set by a callback after every timer already due, at its own time', () => {
    const clock = new VirtualClock();
    const fired: [string, number][] = [];
    const timers = new OrderedTimers(clock, (name: string) => {
      fired.push([name, clock.now()]);
      if (name === 'a') timers.set(100, 'retry of a');
    });
    timers.set(100, 'a');
    timers.set(100, 'b'); // due at the same instant as a
    while (clock.queue.size > 0) clock.queue.fireNext();
    expect(fired).toEqual([['a', 100], ['b', 100], ['retry of a', 200]]);
    expect(clock.queue.fired, 'one clock timer at 100, one at 200').toBe(2);
  });

  it('ignores the handle of a timer that fired, even once the FIFO has emptied and filled again', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const timers = new OrderedTimers(clock, (name: string) => fired.push(name));
    const a = timers.set(100, 'a');
    while (clock.queue.size > 0) clock.queue.fireNext();
    timers.set(100, 'b');
    timers.cancel(a);
    while (clock.queue.size > 0) clock.queue.fireNext();
    expect(fired).toEqual(['a', 'b']);
  });

  it('matches one clock timer per timer for any sequence of sets, cancels and waits', () => {
    // Each step: set a timer, cancel the k-th oldest still pending, or let time pass.
    const step = fc.oneof(fc.constant({ op: 'set' as const }), fc.record({ op: fc.constant('cancel' as const), k: fc.nat(20) }), fc.record({ op: fc.constant('wait' as const), ms: fc.oneof(fc.constantFrom(0.25, 1, 99, 100, 101), fc.integer({ min: 1, max: 250 })) }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const run = (shared: boolean) => {
          const clock = new VirtualClock();
          const fired: [number, number][] = [];
          const timers = new OrderedTimers(clock, (id: number) => fired.push([id, clock.now()]));
          const pending: { id: number; handle: number }[] = [];
          let id = 0;
          let t = 0;
          for (const s of steps) {
            if (s.op === 'wait') t += s.ms;
            clock.queue.schedule(t, () => {
              if (s.op === 'set') pending.push({ id, handle: shared ? timers.set(100, id) : clock.schedule(100, (n: number) => fired.push([n, clock.now()]), id) }), id++;
              if (s.op === 'cancel' && pending.length > 0) {
                const [p] = pending.splice(s.k % pending.length, 1);
                if (shared) timers.cancel(p.handle);
                else clock.cancel(p.handle);
              }
            }, null);
          }
          while (clock.queue.size > 0) clock.queue.fireNext();
          return fired;
        };
        expect(run(true)).toEqual(run(false));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps firing the right timers at the right times through thousands of them (its arrays are reused and compacted)', () => {
    const clock = new VirtualClock();
    const fired: [number, number][] = [];
    const timers = new OrderedTimers(clock, (id: number) => fired.push([id, clock.now()]));
    const handles: number[] = [];
    for (let i = 0; i < 5000; i++) {
      clock.queue.schedule(i, () => {
        handles[i] = timers.set(1000, i);
        if (i % 3 === 0) timers.cancel(handles[i]);
        if (i >= 7 && i % 7 === 0) timers.cancel(handles[i - 7]);
      }, null);
    }
    while (clock.queue.size > 0) clock.queue.fireNext();
    const expected: [number, number][] = [];
    for (let i = 0; i < 5000; i++) if (i % 3 !== 0 && !(i + 7 < 5000 && (i + 7) % 7 === 0)) expected.push([i, i + 1000]);
    expect(fired).toEqual(expected);
  });

  it('under the real clock: fires every timer not cancelled, none before its time, and leaves no timer', async () => {
    const clock = new RealClock();
    const fired: { name: string; late: number }[] = [];
    const setAt = new Map<string, number>();
    const timers = new OrderedTimers(clock, (name: string) => fired.push({ name, late: clock.now() - (setAt.get(name)! + 20) }));
    const set = (name: string) => (setAt.set(name, clock.now()), timers.set(20, name));
    set('a');
    const b = set('b');
    await new Promise((resolve) => setTimeout(resolve, 5));
    set('c');
    timers.cancel(b);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fired.map((f) => f.name)).toEqual(['a', 'c']);
    for (const f of fired) expect(f.late).toBeGreaterThanOrEqual(0);
    expect(clock.pending).toBe(0);
  });
});
