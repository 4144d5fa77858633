/**
 * The simulator's pending-event set, ordered by (time, sequence number) so that events due at
 * the same time fire in the order they were scheduled (README.md, "How it is built": determinism).
 *
 * It is a ladder queue (Tang, Goh & Thng, "Ladder queue: An O(1) priority queue structure for
 * large-scale discrete event simulation", ACM TOMACS 15(3), 2005): far events wait unsorted in
 * `top`; when they are needed they are spread over the buckets of a *rung*; a bucket holding
 * too many events is spread again over a finer rung; a small bucket is sorted into `bottom`,
 * a sorted run from which events fire. Each event is moved a constant number of times on
 * average, where a binary or 4-ary heap pays log(n) unpredictable branches per pop. In the
 * hold model (bench/event-queue.bench.ts) at 10,000 pending events the ladder measured about
 * twice as fast as the best of the heaps tried before it (binary and 4-ary, over parallel or
 * interleaved typed arrays, with branch-free child selection), and faster at 100 and 10^6.
 *
 * Nothing is allocated per event. An event occupies a *slot*: an index into the per-slot
 * arrays (time, sequence number, next-in-list link, generation, callback, argument). Lists are
 * linked through `next`; slots are recycled through a free list. A handle is
 * `generation * 2^24 + slot`, so a stale handle is harmless: once the slot is reused its
 * generation differs. Cancelling marks the slot dead in O(1); dead events are dropped when the
 * ladder next moves them, or all at once when they outnumber the live ones (rule 4: memory
 * follows what is pending, not what was cancelled).
 */

/** Bits of a handle that hold the slot; the rest hold the slot's generation. */
const SLOT_BITS = 24;
/** Number of distinct slots: at most this many events (live or awaiting cleanup) at once. */
const SLOT_SPACE = 2 ** SLOT_BITS;
const SLOT_MASK = SLOT_SPACE - 1;
/** Largest generation, so that a handle stays below 2^53 and is an exact double. */
const MAX_GENERATION = 2 ** (53 - SLOT_BITS) - 1;
/** Capacity of a new queue; arrays grow by doubling from here. */
const INITIAL_CAPACITY = 64;
/** A bucket with more events than this is spread over a finer rung (the paper's THRES). */
const SPLIT_THRESHOLD = 50;
/** Most rungs at once; past it, a big bucket is sorted into the bottom as it is. */
const MAX_RUNGS = 8;
/** Below this many events, the bottom is sorted by insertion; above, by merging runs. */
const INSERTION_SORT_MAX = 16;
/** End of a list, or an empty bucket. */
const NONE = -1;

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
  private nextSeq = 0;

  // Per slot.
  private slotCount = 0;
  private callbacks: (Callback | null)[] = filled(INITIAL_CAPACITY, null);
  private args: unknown[] = filled(INITIAL_CAPACITY, undefined);
  private generation = new Int32Array(INITIAL_CAPACITY);
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private next = new Int32Array(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;

  // Top: unsorted list of the events at or after `topStart`.
  private topHead = NONE;
  private topTail = NONE;
  private topCount = 0;
  private topMin = Infinity;
  private topMax = -Infinity;
  private topStart = -Infinity;

  // Rungs, coarsest first; rung r + 1 spreads the bucket of rung r consumed last.
  private readonly rungs: Rung[] = [];
  private rungCount = 0;

  // Bottom: slots sorted by (time, seq) in bottom[bottomHead, bottomEnd), earlier than any rung's.
  private bottom = new Int32Array(INITIAL_CAPACITY);
  private bottomHead = 0;
  private bottomEnd = 0;
  private scratch = new Int32Array(0);

  // Events at time Infinity, in scheduling order: due after everything else.
  private infinityHead = NONE;
  private infinityTail = NONE;

  /** Creates an empty queue with `now` = 0. */
  constructor() {
    for (let i = 0; i < MAX_RUNGS; i++) this.rungs.push(new Rung());
  }

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
   * @throws RangeError if `time` is NaN, or if 2^24 events would be held at once.
   */
  schedule<T>(time: number, callback: (arg: T) => void, arg: T): number {
    if (!(time >= this.now)) time = this.pastTime(time);
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.newSlot();
    const gen = this.generation[slot] + 1;
    this.generation[slot] = gen;
    this.callbacks[slot] = callback as Callback;
    this.args[slot] = arg;
    this.times[slot] = time;
    this.seqs[slot] = this.nextSeq++;
    this.insert(slot, time);
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
    return this.live > 0 ? this.times[this.first()] : Infinity;
  }

  /**
   * Removes the earliest live event, advances {@link EventQueue.now} to its time and calls its
   * callback. Precondition: {@link EventQueue.size} > 0.
   *
   * @throws RangeError if no event is pending.
   */
  fireNext(): void {
    if (this.live === 0) throw new RangeError('EventQueue.fireNext: no pending event');
    const slot = this.first();
    if (this.bottomHead < this.bottomEnd) this.bottomHead++;
    else this.popInfinity();
    const callback = this.callbacks[slot]!;
    const arg = this.args[slot];
    this.callbacks[slot] = null;
    this.args[slot] = undefined;
    this.releaseSlot(slot);
    this.live--;
    this.now = this.times[slot];
    this.fired++;
    callback(arg);
  }

  /**
   * The slot of the earliest live event: at `bottom[bottomHead]`, or, when nothing but events at
   * Infinity is left, at the head of their list. Precondition: live > 0.
   */
  private first(): number {
    for (;;) {
      if (this.bottomHead < this.bottomEnd) {
        const slot = this.bottom[this.bottomHead];
        if (this.callbacks[slot] !== null) return slot;
        this.bottomHead++;
        this.releaseDead(slot);
      } else if (!this.refill()) {
        return this.firstAtInfinity();
      }
    }
  }

  /** The first live event at Infinity, dropping cancelled ones before it. */
  private firstAtInfinity(): number {
    for (;;) {
      const slot = this.infinityHead;
      if (this.callbacks[slot] !== null) return slot;
      this.popInfinity();
      this.releaseDead(slot);
    }
  }

  /** Unlinks the head of the list of events at Infinity. */
  private popInfinity(): void {
    this.infinityHead = this.next[this.infinityHead];
    if (this.infinityHead === NONE) this.infinityTail = NONE;
  }

  /** The time to use for an event scheduled at `time` < `now` (or NaN, which is refused). */
  private pastTime(time: number): number {
    if (Number.isNaN(time)) throw new RangeError('EventQueue.schedule: time is NaN');
    return this.now;
  }

  /** Files a new event: into the top, the first rung whose unconsumed span holds it, or the bottom. */
  private insert(slot: number, time: number): void {
    if (time >= this.topStart) {
      if (time === Infinity) this.appendInfinity(slot);
      else this.appendTop(slot, time);
      return;
    }
    for (let r = 0; r < this.rungCount; r++) {
      const rung = this.rungs[r];
      const bucket = rung.bucketOf(time);
      if (bucket >= rung.current) {
        this.appendToBucket(rung, bucket, slot);
        return;
      }
    }
    this.insertBottom(slot, time);
  }

  /** Appends to the top list, widening its [min, max]. */
  private appendTop(slot: number, time: number): void {
    this.next[slot] = NONE;
    if (this.topHead === NONE) this.topHead = slot;
    else this.next[this.topTail] = slot;
    this.topTail = slot;
    this.topCount++;
    if (time < this.topMin) this.topMin = time;
    if (time > this.topMax) this.topMax = time;
  }

  /** Appends to the list of events at time Infinity. */
  private appendInfinity(slot: number): void {
    this.next[slot] = NONE;
    if (this.infinityHead === NONE) this.infinityHead = slot;
    else this.next[this.infinityTail] = slot;
    this.infinityTail = slot;
  }

  /** Appends to bucket `bucket` of `rung`. Lists stay in scheduling order. */
  private appendToBucket(rung: Rung, bucket: number, slot: number): void {
    this.next[slot] = NONE;
    if (rung.head[bucket] === NONE) rung.head[bucket] = slot;
    else this.next[rung.tail[bucket]] = slot;
    rung.tail[bucket] = slot;
    rung.count[bucket]++;
  }

  /** Inserts into the sorted bottom after every event due at or before `time`. */
  private insertBottom(slot: number, time: number): void {
    if (this.bottomEnd === this.bottom.length) this.makeBottomRoom();
    const bottom = this.bottom;
    const times = this.times;
    let lo = this.bottomHead;
    let hi = this.bottomEnd;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[bottom[mid]] <= time) lo = mid + 1;
      else hi = mid;
    }
    bottom.copyWithin(lo + 1, lo, this.bottomEnd);
    bottom[lo] = slot;
    this.bottomEnd++;
  }

  /** Frees one place at the end of the bottom: slides it to the front, or doubles it. */
  private makeBottomRoom(): void {
    const used = this.bottomEnd - this.bottomHead;
    if (used * 2 <= this.bottom.length) {
      this.bottom.copyWithin(0, this.bottomHead, this.bottomEnd);
    } else {
      const grown = new Int32Array(this.bottom.length * 2);
      grown.set(this.bottom.subarray(this.bottomHead, this.bottomEnd));
      this.bottom = grown;
    }
    this.bottomHead = 0;
    this.bottomEnd = used;
  }

  /**
   * Refills the empty bottom with the next events: from the lowest rung's next non-empty
   * bucket (spreading it over a finer rung first if it is big), else from the top. Returns
   * false, with the bottom empty, when only events at Infinity are left (if any).
   */
  private refill(): boolean {
    this.bottomHead = 0;
    this.bottomEnd = 0;
    for (;;) {
      if (this.rungCount === 0) {
        if (this.topCount === 0) {
          this.topStart = -Infinity; // nothing left to order against: the top may take anything
          return false;
        }
        if (!this.topToRung()) {
          if (this.bottomEnd > 0) return true;
          continue;
        }
      }
      const rung = this.rungs[this.rungCount - 1];
      const bucket = rung.nextBucket();
      if (bucket === NONE) {
        this.rungCount--;
        continue;
      }
      if (rung.count[bucket] > SPLIT_THRESHOLD && this.spawnRung(rung, bucket)) continue;
      this.listToBottom(rung.head[bucket]);
      if (this.bottomEnd > 0) return true;
    }
  }

  /**
   * Spreads the top over rung 0, one bucket per event on average. When its events cannot be
   * spread (all at one time), sorts them into the bottom instead and returns false.
   */
  private topToRung(): boolean {
    const count = this.topCount;
    const min = this.topMin;
    const max = this.topMax;
    const head = this.takeTop();
    const width = (max - min) / count;
    const end = min + (count + 1) * width;
    if (!spreadable(width) || !(end > max) || end === Infinity) {
      this.topStart = max;
      this.listToBottom(head);
      return false;
    }
    this.topStart = end;
    const rung = this.rungs[0];
    rung.reset(min, width, count + 1);
    this.rungCount = 1;
    this.distribute(head, rung);
    return true;
  }

  /** Empties the top, returning its list. */
  private takeTop(): number {
    const head = this.topHead;
    this.topHead = NONE;
    this.topTail = NONE;
    this.topCount = 0;
    this.topMin = Infinity;
    this.topMax = -Infinity;
    return head;
  }

  /** Empties the list of events at Infinity, returning it. */
  private takeInfinity(): number {
    const head = this.infinityHead;
    this.infinityHead = NONE;
    this.infinityTail = NONE;
    return head;
  }

  /**
   * Spreads bucket `bucket` of `parent` over a new, finer rung. Returns false (leaving the
   * bucket to be sorted into the bottom) when there is no room for a rung or the bucket's events
   * are all due at one time.
   */
  private spawnRung(parent: Rung, bucket: number): boolean {
    if (this.rungCount === MAX_RUNGS || this.allAtOneTime(parent.head[bucket])) return false;
    const count = parent.count[bucket];
    const start = parent.start + bucket * parent.width;
    const width = parent.width / count;
    if (!spreadable(width) || !(start + width > start)) return false;
    const rung = this.rungs[this.rungCount++];
    rung.reset(start, width, count);
    this.distribute(parent.head[bucket], rung);
    return true;
  }

  /** Whether every live event of a list is due at the same time. */
  private allAtOneTime(slot: number): boolean {
    let time = NaN;
    for (; slot !== NONE; slot = this.next[slot]) {
      if (this.callbacks[slot] === null) continue;
      if (time !== time) time = this.times[slot];
      else if (this.times[slot] !== time) return false;
    }
    return true;
  }

  /** Moves the events of a list into the buckets of `rung`, dropping the cancelled ones. */
  private distribute(slot: number, rung: Rung): void {
    while (slot !== NONE) {
      const nextSlot = this.next[slot];
      if (this.callbacks[slot] === null) this.releaseDead(slot);
      else this.appendToBucket(rung, rung.bucketOf(this.times[slot]), slot);
      slot = nextSlot;
    }
  }

  /** Moves the live events of a list into the empty bottom and sorts them, dropping the cancelled ones. */
  private listToBottom(slot: number): void {
    let n = 0;
    while (slot !== NONE) {
      const nextSlot = this.next[slot];
      if (this.callbacks[slot] === null) this.releaseDead(slot);
      else {
        if (n === this.bottom.length) this.bottom = grownInt32(this.bottom, n * 2, n);
        this.bottom[n++] = slot;
      }
      slot = nextSlot;
    }
    this.bottomHead = 0;
    this.bottomEnd = n;
    this.sortBottom(n);
  }

  /** Whether slot `a` is due before slot `b`: by time, then by scheduling order. */
  private before(a: number, b: number): boolean {
    const ta = this.times[a];
    const tb = this.times[b];
    return ta < tb || (ta === tb && this.seqs[a] < this.seqs[b]);
  }

  /** Sorts bottom[0, n) by (time, seq): insertion sort on short runs, then merges. */
  private sortBottom(n: number): void {
    if (n <= INSERTION_SORT_MAX) return this.insertionSort(0, n);
    if (this.isSorted(n)) return;
    for (let from = 0; from < n; from += INSERTION_SORT_MAX) {
      this.insertionSort(from, Math.min(from + INSERTION_SORT_MAX, n));
    }
    if (this.scratch.length < n) this.scratch = new Int32Array(this.bottom.length);
    let source = this.bottom;
    let target = this.scratch;
    for (let run = INSERTION_SORT_MAX; run < n; run *= 2) {
      for (let lo = 0; lo < n; lo += 2 * run) {
        this.merge(source, target, lo, Math.min(lo + run, n), Math.min(lo + 2 * run, n));
      }
      const merged = target;
      target = source;
      source = merged;
    }
    if (source !== this.bottom) this.bottom.set(source.subarray(0, n));
  }

  /** Whether bottom[0, n) is already in order (a bucket often is: lists keep scheduling order). */
  private isSorted(n: number): boolean {
    for (let i = 1; i < n; i++) if (this.before(this.bottom[i], this.bottom[i - 1])) return false;
    return true;
  }

  /** Sorts bottom[from, to) by insertion. */
  private insertionSort(from: number, to: number): void {
    const bottom = this.bottom;
    for (let i = from + 1; i < to; i++) {
      const slot = bottom[i];
      let j = i - 1;
      while (j >= from && this.before(slot, bottom[j])) {
        bottom[j + 1] = bottom[j];
        j--;
      }
      bottom[j + 1] = slot;
    }
  }

  /** Merges the sorted runs source[lo, mid) and source[mid, hi) into target[lo, hi). */
  private merge(source: Int32Array, target: Int32Array, lo: number, mid: number, hi: number): void {
    let i = lo;
    let j = mid;
    for (let k = lo; k < hi; k++) {
      if (i < mid && (j >= hi || !this.before(source[j], source[i]))) target[k] = source[i++];
      else target[k] = source[j++];
    }
  }

  /** Drops every cancelled event now, freeing their slots. O(pending + buckets). */
  private compact(): void {
    const topHead = this.filterList(this.takeTop());
    for (let slot = topHead; slot !== NONE; ) {
      const nextSlot = this.next[slot];
      this.appendTop(slot, this.times[slot]);
      slot = nextSlot;
    }
    const infinityHead = this.filterList(this.takeInfinity());
    for (let slot = infinityHead; slot !== NONE; ) {
      const nextSlot = this.next[slot];
      this.appendInfinity(slot);
      slot = nextSlot;
    }
    for (let r = 0; r < this.rungCount; r++) this.compactRung(this.rungs[r]);
    this.compactBottom();
  }

  /** Drops the cancelled events from the unconsumed buckets of `rung`. */
  private compactRung(rung: Rung): void {
    for (let b = rung.current; b < rung.buckets; b++) {
      if (rung.head[b] === NONE) continue;
      const head = this.filterList(rung.head[b]);
      rung.head[b] = NONE;
      rung.count[b] = 0;
      for (let slot = head; slot !== NONE; ) {
        const nextSlot = this.next[slot];
        this.appendToBucket(rung, b, slot);
        slot = nextSlot;
      }
    }
  }

  /** Drops the cancelled events from the bottom. */
  private compactBottom(): void {
    let kept = 0;
    for (let i = this.bottomHead; i < this.bottomEnd; i++) {
      const slot = this.bottom[i];
      if (this.callbacks[slot] === null) this.releaseDead(slot);
      else this.bottom[kept++] = slot;
    }
    this.bottomHead = 0;
    this.bottomEnd = kept;
  }

  /** Unlinks the cancelled events of a list, freeing them; returns the new head. */
  private filterList(slot: number): number {
    let head = NONE;
    let tail = NONE;
    while (slot !== NONE) {
      const nextSlot = this.next[slot];
      if (this.callbacks[slot] === null) this.releaseDead(slot);
      else {
        if (tail === NONE) head = slot;
        else this.next[tail] = slot;
        tail = slot;
      }
      slot = nextSlot;
    }
    if (tail !== NONE) this.next[tail] = NONE;
    return head;
  }

  /** Hands out a slot never used before, growing the slot arrays when they are full. */
  private newSlot(): number {
    const slot = this.slotCount;
    if (slot === SLOT_SPACE) throw new RangeError(`EventQueue: more than ${SLOT_SPACE} events held at once`);
    if (slot === this.generation.length) this.growSlots();
    this.slotCount++;
    return slot;
  }

  /** Frees the slot of a cancelled event that the ladder has let go of. */
  private releaseDead(slot: number): void {
    this.dead--;
    this.releaseSlot(slot);
  }

  /** Returns `slot` to the free list, unless its generations are used up (it then retires). */
  private releaseSlot(slot: number): void {
    if (this.generation[slot] < MAX_GENERATION) this.freeSlots[this.freeCount++] = slot;
  }

  /** Doubles the per-slot arrays. */
  private growSlots(): void {
    const capacity = Math.min(this.generation.length * 2, SLOT_SPACE);
    for (let i = this.callbacks.length; i < capacity; i++) {
      this.callbacks.push(null);
      this.args.push(undefined);
    }
    const used = this.slotCount;
    this.generation = grownInt32(this.generation, capacity, used);
    this.next = grownInt32(this.next, capacity, used);
    this.freeSlots = grownInt32(this.freeSlots, capacity, this.freeCount);
    this.times = grownFloat64(this.times, capacity, used);
    this.seqs = grownFloat64(this.seqs, capacity, used);
  }
}

/**
 * One rung of the ladder: `buckets` buckets of `width` ms from `start`, each a list of slots.
 * Buckets before `current` have been consumed (moved to a finer rung or to the bottom).
 */
class Rung {
  start = 0;
  width = 1;
  buckets = 0;
  current = 0;
  head = new Int32Array(0);
  tail = new Int32Array(0);
  count = new Int32Array(0);
  private inverseWidth = 1;

  /** Makes this rung empty, spanning `buckets` buckets of `width` from `start`. */
  reset(start: number, width: number, buckets: number): void {
    this.start = start;
    this.width = width;
    this.inverseWidth = 1 / width;
    this.buckets = buckets;
    this.current = 0;
    if (this.head.length < buckets) {
      const capacity = Math.max(buckets, this.head.length * 2);
      this.head = new Int32Array(capacity);
      this.tail = new Int32Array(capacity);
      this.count = new Int32Array(capacity);
    }
    this.head.fill(NONE, 0, buckets);
    this.count.fill(0, 0, buckets);
  }

  /**
   * The bucket for `time`, clamped to the rung. Non-decreasing in `time`, which is all the
   * ordering needs: rounding can move an event to a neighbouring bucket, never past a later one.
   */
  bucketOf(time: number): number {
    const i = Math.floor((time - this.start) * this.inverseWidth);
    return i < 0 ? 0 : i >= this.buckets ? this.buckets - 1 : i;
  }

  /** Consumes and returns the next non-empty bucket, or {@link NONE} when the rung is used up. */
  nextBucket(): number {
    let b = this.current;
    while (b < this.buckets && this.head[b] === NONE) b++;
    this.current = b + 1;
    return b < this.buckets ? b : NONE;
  }
}

/** Whether buckets can be `width` wide: positive, with a finite inverse (not a tiny denormal). */
function spreadable(width: number): boolean {
  return width > 0 && 1 / width < Infinity;
}

/** A packed array of `n` copies of `value` (packed arrays index faster than holey ones). */
function filled<V>(n: number, value: V): V[] {
  const array: V[] = [];
  for (let i = 0; i < n; i++) array.push(value);
  return array;
}

/** A new Int32Array of `capacity` holding the first `used` elements of `from`. */
function grownInt32(from: Int32Array, capacity: number, used: number): Int32Array<ArrayBuffer> {
  const to = new Int32Array(capacity);
  to.set(from.subarray(0, used));
  return to;
}

/** A new Float64Array of `capacity` holding the first `used` elements of `from`. */
function grownFloat64(from: Float64Array, capacity: number, used: number): Float64Array<ArrayBuffer> {
  const to = new Float64Array(capacity);
  to.set(from.subarray(0, used));
  return to;
}
