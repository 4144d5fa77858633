import type { LoadRequest } from './load-request.js';

/**
 * The requests of a load still in flight, as an intrusive doubly linked list through
 * `LoadRequest.prev`/`next`: adding and removing cost O(1) and allocate nothing, and
 * cancelling everything at `gracefulStop` walks them in send order.
 */
export class InFlightList {
  private head: LoadRequest | null = null;
  private tail: LoadRequest | null = null;
  /** Requests in the list. */
  size = 0;

  /** Appends `request` (not already in a list). */
  add(request: LoadRequest): void {
    request.prev = this.tail;
    request.next = null;
    if (this.tail) this.tail.next = request;
    else this.head = request;
    this.tail = request;
    this.size++;
  }

  /** Removes `request`, which must be in this list. */
  remove(request: LoadRequest): void {
    if (request.prev) request.prev.next = request.next;
    else this.head = request.next;
    if (request.next) request.next.prev = request.prev;
    else this.tail = request.prev;
    request.prev = request.next = null;
    this.size--;
  }

  /** Empties the list, returning its requests in send order. */
  takeAll(): LoadRequest[] {
    const all: LoadRequest[] = [];
    for (let r = this.head; r; ) {
      const next = r.next;
      r.prev = r.next = null;
      all.push(r);
      r = next;
    }
    this.head = this.tail = null;
    this.size = 0;
    return all;
  }
}
