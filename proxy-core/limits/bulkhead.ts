// cockatiel: bulkhead(limit, queue = 0) — the queue is not modelled: a call over the limit
// is rejected at once (BulkheadRejectedError there, 'overflow' here).

/**
 * A concurrency limit: at most `maxConcurrent` calls inside at once. A call that finds
 * the bulkhead full is rejected immediately, as cockatiel's `bulkhead(limit)` with its
 * default `queue = 0`; every successful {@link Bulkhead.tryEnter} must be paired with one
 * {@link Bulkhead.exit} when the call ends.
 */
export class Bulkhead {
  /** The limit on concurrent calls. */
  readonly maxConcurrent: number;
  /** Calls turned away because the bulkhead was full. */
  rejected = 0;
  private inside = 0;

  /**
   * @param maxConcurrent - a positive integer.
   * @throws RangeError if `maxConcurrent` is not a positive integer.
   */
  constructor(maxConcurrent: number) {
    if (!Number.isSafeInteger(maxConcurrent) || maxConcurrent <= 0) {
      throw new RangeError(`bulkhead: maxConcurrent must be a positive integer, got ${maxConcurrent}`);
    }
    this.maxConcurrent = maxConcurrent;
  }

  /** Calls inside the bulkhead now. */
  get active(): number {
    return this.inside;
  }

  /** Lets a call in if there is room (`true`); otherwise counts a rejection (`false`). */
  tryEnter(): boolean {
    if (this.inside >= this.maxConcurrent) {
      this.rejected++;
      return false;
    }
    this.inside++;
    return true;
  }

  /**
   * Marks a call that entered as finished.
   *
   * @throws RangeError if no call is inside (an exit without a matching enter is a bug).
   */
  exit(): void {
    if (this.inside === 0) throw new RangeError('bulkhead: exit() without a matching tryEnter()');
    this.inside--;
  }
}
