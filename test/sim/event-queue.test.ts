import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../sim/event-queue.js';

/** The queue's private arrays, read by the memory tests only. */
type Internals = {
  generation: Int32Array;
  bottom: Int32Array;
  callbacks: unknown[];
  rungs: { head: Int32Array }[];
};

/** Total length of the queue's internal arrays, in elements. */
function footprint(queue: EventQueue): number {
  const q = queue as unknown as Internals;
  return q.generation.length + q.bottom.length + q.rungs.reduce((sum, rung) => sum + rung.head.length, 0);
}

/** A naive reference: an unsorted array, searched for the (time, seq) minimum on every pop. */
class ReferenceQueue {
  now = 0;
  private seq = 0;
  private readonly events: { time: number; seq: number; id: number }[] = [];

  schedule(time: number, id: number): void {
    this.events.push({ time: time < this.now ? this.now : time, seq: this.seq++, id });
  }

  cancel(id: number): void {
    const i = this.events.findIndex((event) => event.id === id);
    if (i >= 0) this.events.splice(i, 1);
  }

  get size(): number {
    return this.events.length;
  }

  private earliest(): number {
    let best = 0;
    for (let i = 1; i < this.events.length; i++) {
      const a = this.events[i];
      const b = this.events[best];
      if (a.time < b.time || (a.time === b.time && a.seq < b.seq)) best = i;
    }
    return best;
  }

  nextTime(): number {
    return this.events.length === 0 ? Infinity : this.events[this.earliest()].time;
  }

  pop(): number {
    const [event] = this.events.splice(this.earliest(), 1);
    this.now = event.time;
    return event.id;
  }
}

type Op =
  | { kind: 'schedule'; delay: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'fire' }
  | { kind: 'peek' };

/** Delays that make many equal times, spread times, far outliers, Infinity, and the past. */
const delay = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 3, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x ** 8 * 1e6) },
  { weight: 1, arbitrary: fc.constantFrom(Infinity, -5, 0) },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: delay.map((d) => ({ kind: 'schedule' as const, delay: d })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'fire' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'peek' as const }) },
);

/** Runs `ops` against the queue and the reference; checks they agree at every step and at the end. */
function agreesWithReference(ops: Op[]): void {
  const queue = new EventQueue();
  const reference = new ReferenceQueue();
  const handles: number[] = [];
  const firedIds: number[] = [];
  const expectedIds: number[] = [];
  const record = (id: number): void => {
    firedIds.push(id);
  };
  for (const step of ops) {
    if (step.kind === 'schedule') {
      const id = handles.length;
      handles.push(queue.schedule(queue.now + step.delay, record, id));
      reference.schedule(reference.now + step.delay, id);
    } else if (step.kind === 'cancel') {
      // Picks past the end stand for an unknown handle; earlier ones hit fired or cancelled ones too.
      const id = step.pick % (handles.length + 3);
      queue.cancel(id < handles.length ? handles[id] : id * 7919);
      if (id < handles.length) reference.cancel(id);
    } else if (step.kind === 'peek') {
      expect(queue.nextTime()).toBe(reference.nextTime());
    } else if (reference.size > 0) {
      queue.fireNext();
      expectedIds.push(reference.pop());
      expect(queue.now).toBe(reference.now);
    }
    expect(queue.size).toBe(reference.size);
  }
  while (reference.size > 0) {
    expect(queue.nextTime()).toBe(reference.nextTime());
    queue.fireNext();
    expectedIds.push(reference.pop());
  }
  expect(queue.size).toBe(0);
  expect(queue.nextTime()).toBe(Infinity);
  expect(firedIds).toEqual(expectedIds);
  expect(queue.fired).toBe(expectedIds.length);
}

describe('EventQueue', () => {
  it('agrees with a naive reference on random interleavings of schedule, cancel and fire', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), agreesWithReference), { numRuns: 300 });
  });

  it('agrees with the reference on long runs (big buckets, finer rungs, compaction)', () => {
    const longRun = fc.tuple(fc.array(delay.map((d): Op => ({ kind: 'schedule', delay: d })), { minLength: 200, maxLength: 600 }), fc.array(op, { minLength: 1000, maxLength: 3000 }));
    fc.assert(fc.property(longRun, ([prefill, ops]) => agreesWithReference([...prefill, ...ops])), { numRuns: 25 });
  });

  it('fires events due at the same time in scheduling order, also those scheduled while firing', () => {
    const queue = new EventQueue();
    const order: string[] = [];
    const log = (name: string): void => {
      order.push(name);
      if (name === 'a') queue.schedule(queue.now, log, 'a-child');
    };
    queue.schedule(10, log, 'late');
    for (const name of ['a', 'b', 'c']) queue.schedule(5, log, name);
    queue.schedule(2, log, 'early');
    while (queue.size > 0) queue.fireNext();
    expect(order).toEqual(['early', 'a', 'b', 'c', 'a-child', 'late']);
  });

  it('keeps FIFO order among thousands of equal times mixed with other times', () => {
    const queue = new EventQueue();
    const order: number[] = [];
    const record = (i: number): void => {
      order.push(i);
    };
    for (let i = 0; i < 5000; i++) queue.schedule(i % 3 === 0 ? 7 : (i * 37) % 101, record, i);
    while (queue.size > 0) queue.fireNext();
    const expected = Array.from({ length: 5000 }, (_, i) => i).sort((a, b) => {
      const ta = a % 3 === 0 ? 7 : (a * 37) % 101;
      const tb = b % 3 === 0 ? 7 : (b * 37) % 101;
      return ta - tb || a - b;
    });
    expect(order).toEqual(expected);
  });

  it('never fires a cancelled event; cancelling fired, cancelled or unknown handles does nothing', () => {
    const queue = new EventQueue();
    const fired: string[] = [];
    const record = (name: string): void => {
      fired.push(name);
    };
    const a = queue.schedule(1, record, 'a');
    const b = queue.schedule(2, record, 'b');
    const c = queue.schedule(3, record, 'c');
    queue.cancel(b);
    queue.cancel(b);
    expect(queue.size).toBe(2);
    queue.fireNext();
    queue.cancel(a); // already fired
    for (const unknown of [0, -1, NaN, 1.5, Infinity, 2 ** 52, c + 2 ** 24]) queue.cancel(unknown);
    expect(queue.size).toBe(1);
    queue.fireNext();
    expect(fired).toEqual(['a', 'c']);
  });

  it('does not let a stale handle cancel the event that reuses its slot', () => {
    const queue = new EventQueue();
    const fired: number[] = [];
    const record = (i: number): void => {
      fired.push(i);
    };
    const first = queue.schedule(1, record, 1);
    queue.fireNext();
    const second = queue.schedule(2, record, 2); // reuses the slot of `first`
    expect(second).not.toBe(first);
    queue.cancel(first);
    expect(queue.size).toBe(1);
    queue.fireNext();
    expect(fired).toEqual([1, 2]);
  });

  it('issues handles that are never 0 and unique over many reuses of the same slots', () => {
    const queue = new EventQueue();
    const seen = new Set<number>();
    const noop = (): void => {};
    let zeros = 0;
    for (let i = 0; i < 50_000; i++) {
      const handle = queue.schedule(i, noop, null);
      if (handle === 0) zeros++;
      seen.add(handle);
      if (i % 3 === 0) queue.cancel(handle);
      else queue.fireNext();
    }
    expect(zeros).toBe(0);
    expect(seen.size).toBe(50_000);
  });

  it('retires a slot whose generations are used up instead of repeating a handle', () => {
    const queue = new EventQueue();
    const noop = (): void => {};
    queue.schedule(0, noop, null);
    queue.fireNext();
    (queue as unknown as Internals).generation[0] = 2 ** 29 - 2;
    const last = queue.schedule(1, noop, null);
    expect(last).toBe((2 ** 29 - 1) * 2 ** 24);
    expect(Number.isSafeInteger(last)).toBe(true);
    queue.fireNext();
    const next = queue.schedule(2, noop, null);
    expect(next % 2 ** 24).toBe(1); // a fresh slot, not slot 0 again
    queue.cancel(last);
    expect(queue.size).toBe(1);
  });

  it('reports the earliest live time, skipping cancelled events, and Infinity when empty', () => {
    const queue = new EventQueue();
    const noop = (): void => {};
    expect(queue.nextTime()).toBe(Infinity);
    const early = queue.schedule(1, noop, null);
    queue.schedule(4, noop, null);
    queue.schedule(9, noop, null);
    expect(queue.nextTime()).toBe(1);
    queue.cancel(early);
    expect(queue.nextTime()).toBe(4);
    queue.fireNext();
    expect(queue.now).toBe(4);
    queue.fireNext();
    expect(queue.nextTime()).toBe(Infinity);
  });

  it('fires an event scheduled in the past at now, and refuses NaN times and empty pops', () => {
    const queue = new EventQueue();
    const times: number[] = [];
    const record = (): void => {
      times.push(queue.now);
    };
    queue.schedule(10, record, null);
    queue.fireNext();
    queue.schedule(3, record, null);
    expect(queue.nextTime()).toBe(10);
    queue.fireNext();
    expect(times).toEqual([10, 10]);
    expect(() => queue.schedule(NaN, record, null)).toThrow(RangeError);
    expect(() => queue.fireNext()).toThrow(RangeError);
  });

  it('fires events at Infinity last, in scheduling order', () => {
    const queue = new EventQueue();
    const order: string[] = [];
    const record = (name: string): void => {
      order.push(name);
    };
    queue.schedule(Infinity, record, 'inf-1');
    queue.schedule(1e300, record, 'huge');
    queue.schedule(Infinity, record, 'inf-2');
    queue.schedule(1, record, 'one');
    while (queue.size > 0) queue.fireNext();
    expect(order).toEqual(['one', 'huge', 'inf-1', 'inf-2']);
    expect(queue.now).toBe(Infinity);
  });

  it('keeps the order of the survivors when mass cancellation compacts the queue', () => {
    const queue = new EventQueue();
    const reference = new ReferenceQueue();
    const fired: number[] = [];
    const record = (i: number): void => {
      fired.push(i);
    };
    const handles: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const time = (i * 7919) % 613;
      handles.push(queue.schedule(time, record, i));
      reference.schedule(time, i);
    }
    for (let i = 0; i < 50; i++) {
      queue.fireNext();
      reference.pop();
    }
    for (let i = 0; i < 4000; i++) {
      if (i % 4 !== 0) {
        queue.cancel(handles[i]);
        reference.cancel(i);
      }
    }
    fired.length = 0;
    const expected: number[] = [];
    while (reference.size > 0) expected.push(reference.pop());
    while (queue.size > 0) queue.fireNext();
    expect(fired).toEqual(expected);
  });

  it('keeps memory bounded by what is pending in a long hold run with 90% cancellations', () => {
    const queue = new EventQueue();
    let state = 12345;
    const random = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) | 0;
      return (state >>> 0) / 2 ** 32;
    };
    // Pending events: handle and id, in parallel arrays, with each id's position for removal.
    const handles: number[] = [];
    const ids: number[] = [];
    const position = new Map<number, number>();
    const remove = (i: number): void => {
      position.delete(ids[i]);
      handles[i] = handles[handles.length - 1];
      ids[i] = ids[ids.length - 1];
      handles.pop();
      ids.pop();
      if (i < ids.length) position.set(ids[i], i);
    };
    let misfires = 0;
    let lastTime = 0;
    const onFire = (id: number): void => {
      const i = position.get(id);
      if (i === undefined || queue.now < lastTime) misfires++;
      else remove(i);
      lastTime = queue.now;
    };
    let nextId = 0;
    const add = (): void => {
      position.set(nextId, ids.length);
      ids.push(nextId);
      handles.push(queue.schedule(queue.now - Math.log(1 - random()) * 10, onFire, nextId++));
    };
    for (let i = 0; i < 1000; i++) add();
    let peak = 0;
    for (let step = 0; step < 20_000; step++) {
      for (let k = 0; k < 10; k++) add();
      for (let k = 0; k < 9; k++) {
        const i = Math.floor(random() * handles.length);
        queue.cancel(handles[i]);
        remove(i);
      }
      queue.fireNext();
      peak = Math.max(peak, footprint(queue));
    }
    expect(misfires).toBe(0);
    expect(queue.size).toBe(1000);
    expect(handles.length).toBe(1000);
    // 201,000 events scheduled, 180,000 cancelled, ~1000 pending throughout: the arrays stay
    // within a small multiple of what is pending (slots ≤ live + dead ≤ 2 × live + 1, doubled
    // capacity; rung buckets likewise), not of what was scheduled.
    expect(peak).toBeLessThanOrEqual(24 * 1000);
  });
});
