/**
 * The simulator's pending-event set: a binary min-heap over parallel typed arrays, ordered by
 * (time, sequence number) so that events due at the same time fire in the order they were
 * scheduled (DESIGN.md, rule 3).
 *
 * Nothing is allocated per event: an event occupies a *slot* (an index into `callbacks`,
 * `args` and `generation`), slots are recycled through a free list, and the heap holds
 * (time, seq, slot) triples in three typed arrays. A handle is `generation * 2^24 + slot`,
 * so a handle outlives its event harmlessly: once the slot is reused its generation differs.
 * Cancelling marks the slot dead in O(1); dead entries are dropped when they reach the top
 * of the heap, or all at once when they outnumber the live ones (rule 4: memory follows
 * what is pending, not what was cancelled).
 */

/** Bits of a handle that hold the slot; the rest hold the slot's generation. */
const SLOT_BITS = 24;
/** Number of distinct slots a handle can name: at most this many events pending at once. */
const SLOT_SPACE = 2 ** SLOT_BITS;
const SLOT_MASK = SLOT_SPACE - 1;
/** Largest generation, so that a handle stays below 2^53 and is an exact double. */
const MAX_GENERATION = 2 ** (53 - SLOT_BITS) - 1;
/** Capacity of a new queue; arrays grow by doubling from here. */
const INITIAL_CAPACITY = 64;

/** What a slot holds: the callback, type-erased; `null` for a free or cancelled slot. */
type Callback = (arg: unknown) => void;

/**
 * A deterministic priority queue of timed callbacks, ordered by (time, scheduling order).
 *
 * @example
 * ```ts
 * const queue = new EventQueue();
 * queue.schedule(5, (name: string) => console.log(name, queue.now), 'b');
 * queue.schedule(5, (name: string) => console.log(name, queue.now), 'c'); // after 'b'
 * while (queue.size > 0) queue.fireNext();
 * ```
 */
export class EventQueue {
  /**
   * Time of the event fired last (0 before the first). Read-only to users: only
   * {@link EventQueue.fireNext} and the owning clock (advancing to the end of a run) write it.
   */
  now = 0;
  /** Number of events fired so far. */
  fired = 0;

  private live = 0;
  private dead = 0;
  /** Heap entries in use, live and dead. */
  private count = 0;
  private nextSeq = 0;
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  private heapSeq = new Float64Array(INITIAL_CAPACITY);
  private heapSlot = new Int32Array(INITIAL_CAPACITY);

  /** Slots ever handed out; slots below this are in the heap or on the free list. */
  private slotCount = 0;
  private callbacks: (Callback | null)[] = filled(INITIAL_CAPACITY, null);
  private args: unknown[] = filled(INITIAL_CAPACITY, undefined);
  private generation = new Int32Array(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;

  /** Number of live (scheduled, not yet fired or cancelled) events. */
  get size(): number {
    return this.live;
  }

  /**
   * Schedules `callback(arg)` at `time`; an event at a time before {@link EventQueue.now} is
   * due at `now`. Events due at the same time fire in the order they were scheduled.
   * Passing `arg` instead of closing over it keeps the caller free of per-event allocations.
   *
   * @returns a handle for {@link EventQueue.cancel}: unique within this queue, never 0.
   * @throws RangeError if `time` is NaN, or if 2^24 events would be pending at once.
   */
  schedule<T>(time: number, callback: (arg: T) => void, arg: T): number {
    if (!(time >= this.now)) time = this.pastTime(time);
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.newSlot();
    const gen = this.generation[slot] + 1;
    this.generation[slot] = gen;
    this.callbacks[slot] = callback as Callback;
    this.args[slot] = arg;
    this.push(time, slot);
    this.live++;
    return gen * SLOT_SPACE + slot;
  }

  /**
   * Cancels the event behind `handle` in O(1): it will never fire. Cancelling an event that
   * fired or was cancelled already, or a handle this queue never issued, does nothing.
   */
  cancel(handle: number): void {
    const slot = handle & SLOT_MASK;
    if (slot >= this.slotCount || this.generation[slot] !== (handle - slot) / SLOT_SPACE) return;
    if (this.callbacks[slot] === null) return;
    this.callbacks[slot] = null;
    this.args[slot] = undefined;
    this.live--;
    this.dead++;
    if (this.dead > this.live) this.compact();
  }

  /** Time of the earliest live event; `Infinity` when none is pending. */
  nextTime(): number {
    if (this.dead > 0) this.dropDeadTop();
    return this.count > 0 ? this.heapTime[0] : Infinity;
  }

  /**
   * Removes the earliest live event, advances {@link EventQueue.now} to its time and calls its
   * callback. Precondition: {@link EventQueue.size} > 0.
   */
  fireNext(): void {
    if (this.live === 0) throw new RangeError('EventQueue.fireNext: no pending event');
    if (this.dead > 0) this.dropDeadTop();
    const slot = this.heapSlot[0];
    const time = this.heapTime[0];
    this.removeTop();
    const callback = this.callbacks[slot]!;
    const arg = this.args[slot];
    this.callbacks[slot] = null;
    this.args[slot] = undefined;
    this.releaseSlot(slot);
    this.live--;
    this.now = time;
    this.fired++;
    callback(arg);
  }

  /** The time to use for an event scheduled at `time` < `now` (or NaN, which is refused). */
  private pastTime(time: number): number {
    if (Number.isNaN(time)) throw new RangeError('EventQueue.schedule: time is NaN');
    return this.now;
  }

  /** Adds an entry for `slot` at `time` with the next sequence number, then sifts it up. */
  private push(time: number, slot: number): void {
    if (this.count === this.heapTime.length) this.resizeHeap(this.count * 2);
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hslot = this.heapSlot;
    let i = this.count++;
    // The new entry has the largest sequence number, so among equal times it goes last:
    // comparing times alone is enough on the way up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = ht[parent];
      if (parentTime <= time) break;
      ht[i] = parentTime;
      hs[i] = hs[parent];
      hslot[i] = hslot[parent];
      i = parent;
    }
    ht[i] = time;
    hs[i] = this.nextSeq++;
    hslot[i] = slot;
  }

  /** Removes the root entry, moving the last entry into its place. */
  private removeTop(): void {
    const last = --this.count;
    if (last > 0) this.siftDown(0, this.heapTime[last], this.heapSeq[last], this.heapSlot[last]);
  }

  /** Places the entry (time, seq, slot) at or below position `i`, restoring heap order. */
  private siftDown(i: number, time: number, seq: number, slot: number): void {
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hslot = this.heapSlot;
    const n = this.count;
    const half = n >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let childTime = ht[child];
      const right = child + 1;
      if (right < n) {
        const rightTime = ht[right];
        if (rightTime < childTime || (rightTime === childTime && hs[right] < hs[child])) {
          child = right;
          childTime = rightTime;
        }
      }
      if (time < childTime || (time === childTime && seq < hs[child])) break;
      ht[i] = childTime;
      hs[i] = hs[child];
      hslot[i] = hslot[child];
      i = child;
    }
    ht[i] = time;
    hs[i] = seq;
    hslot[i] = slot;
  }

  /** Pops cancelled entries off the top of the heap. */
  private dropDeadTop(): void {
    while (this.count > 0 && this.callbacks[this.heapSlot[0]] === null) {
      this.releaseSlot(this.heapSlot[0]);
      this.removeTop();
      this.dead--;
    }
  }

  /** Rebuilds the heap from its live entries, freeing the slots of the dead ones. O(n). */
  private compact(): void {
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hslot = this.heapSlot;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = hslot[i];
      if (this.callbacks[slot] === null) {
        this.releaseSlot(slot);
        continue;
      }
      ht[kept] = ht[i];
      hs[kept] = hs[i];
      hslot[kept] = slot;
      kept++;
    }
    this.count = kept;
    this.dead = 0;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.siftDown(i, ht[i], hs[i], hslot[i]);
    if (this.heapTime.length > INITIAL_CAPACITY && kept * 4 < this.heapTime.length) {
      this.resizeHeap(Math.max(INITIAL_CAPACITY, kept * 2));
    }
  }

  /** Hands out a slot never used before, growing the slot arrays when they are full. */
  private newSlot(): number {
    const slot = this.slotCount;
    if (slot === SLOT_SPACE) throw new RangeError(`EventQueue: more than ${SLOT_SPACE} pending events`);
    if (slot === this.generation.length) this.growSlots();
    this.slotCount++;
    return slot;
  }

  /** Returns `slot` to the free list, unless its generations are used up (it then retires). */
  private releaseSlot(slot: number): void {
    if (this.generation[slot] < MAX_GENERATION) this.freeSlots[this.freeCount++] = slot;
  }

  /** Reallocates the heap arrays to `capacity` entries (≥ count). */
  private resizeHeap(capacity: number): void {
    this.heapTime = resized(this.heapTime, new Float64Array(capacity), this.count);
    this.heapSeq = resized(this.heapSeq, new Float64Array(capacity), this.count);
    this.heapSlot = resized(this.heapSlot, new Int32Array(capacity), this.count);
  }

  /** Doubles the slot arrays. */
  private growSlots(): void {
    const capacity = Math.min(this.generation.length * 2, SLOT_SPACE);
    for (let i = this.callbacks.length; i < capacity; i++) {
      this.callbacks.push(null);
      this.args.push(undefined);
    }
    this.generation = resized(this.generation, new Int32Array(capacity), this.slotCount);
    this.freeSlots = resized(this.freeSlots, new Int32Array(capacity), this.freeCount);
  }
}

/** A packed array of `n` copies of `value` (packed arrays index faster than holey ones). */
function filled<V>(n: number, value: V): V[] {
  const array: V[] = [];
  for (let i = 0; i < n; i++) array.push(value);
  return array;
}

/** Copies the first `used` elements of `from` into `to` and returns `to`. */
function resized<A extends Float64Array | Int32Array>(from: A, to: A, used: number): A {
  to.set(from.subarray(0, used));
  return to;
}
