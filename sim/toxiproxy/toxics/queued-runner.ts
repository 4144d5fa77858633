/**
 * The shape shared by the toxics that work on one chunk at a time and may take time over it
 * (latency, bandwidth, slicer): chunks queue in arrival order, one is worked on, and the end
 * of input is passed on only after the last of them, as a goroutine reading its channel would.
 */
import type { ToxicAttributes } from '../toxic-kind.js';
import type { Chunk, Pending, ToxicOutput, ToxicRunner } from '../toxic-runner.js';
import { PendingWait } from './wait.js';

/** A toxic that handles its input one chunk at a time, in order. */
export abstract class QueuedRunner implements ToxicRunner {
  private queue: Chunk[] = [];
  private queued = 0;
  private ended = false;
  private endPassed = false;
  /** A chunk is being worked on (a timer is out for it). */
  private busy = false;
  private draining = false;
  /** Interrupted or disposed: nothing more is done. */
  protected stopped = false;

  /** The timer out for the chunk being worked on; cancelled by interrupt and dispose. */
  protected readonly timer = new PendingWait();

  constructor(
    protected readonly attributes: ToxicAttributes,
    protected readonly output: ToxicOutput,
  ) {}

  push(chunk: Chunk): void {
    if (this.stopped) return;
    this.queue.push(chunk);
    this.queued += chunk.data.length;
    this.drain();
  }

  end(): void {
    if (this.stopped) return;
    this.ended = true;
    this.drain();
  }

  interrupt(): Pending {
    this.stopped = true;
    this.timer.cancel();
    this.abort();
    const pending = { chunks: this.queue, ended: this.ended && !this.endPassed };
    this.queue = [];
    this.queued = 0;
    return pending;
  }

  dispose(): void {
    this.stopped = true;
    this.timer.cancel();
    this.drop();
    this.queue = [];
    this.queued = 0;
  }

  /** Full when the queue holds more than {@link capacity} bytes; a chunk being worked on counts as one byte. */
  isFull(): boolean {
    return this.queued + (this.busy ? 1 : 0) > this.capacity();
  }

  /**
   * Bytes that may wait before the link stops reading its source (Toxiproxy: the toxic's
   * channel buffer). 0 by default: nothing waits, so a slow toxic slows the sender through
   * TCP, as Toxiproxy's unbuffered channels do.
   */
  protected capacity(): number {
    return 0;
  }

  /**
   * Works on `chunk`: returns true when done with it already, else false and calls
   * {@link done} later.
   */
  protected abstract process(chunk: Chunk): boolean;

  /** Forwards whatever of the current chunk is still held, at once (interrupt; its timer is cancelled already). */
  protected abstract abort(): void;

  /** Forgets the current chunk (dispose; its timer is cancelled already). */
  protected abstract drop(): void;

  /** The current chunk is done with: on to the next, and the link may read again. */
  protected done(): void {
    this.busy = false;
    this.drain();
    if (!this.busy) this.output.ready();
  }

  /** Works through the queue; a loop, not recursion, so a long queue of instant chunks cannot overflow the stack. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (!this.busy && !this.stopped && this.queue.length > 0) {
        const chunk = this.queue.shift()!;
        this.queued -= chunk.data.length;
        this.busy = true;
        if (this.process(chunk)) this.busy = false;
      }
      if (!this.busy && !this.stopped && this.ended && !this.endPassed && this.queue.length === 0) {
        this.endPassed = true;
        this.output.end();
      }
    } finally {
      this.draining = false;
    }
  }
}
