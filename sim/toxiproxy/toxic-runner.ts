/**
 * What a toxic is while it runs on one direction of one connection (Toxiproxy's `Pipe` over a
 * `ToxicStub`): it takes chunks and the end of its input, and hands chunks, the end, or a
 * close of the connection to its output. Toxiproxy runs each as a goroutine between
 * channels; here each is a small state machine driven by callbacks and timers, and a
 * link interrupts it to change the chain without losing or reordering a byte.
 */
import type { Rng } from '../../proxy-core/clock/rng.js';

/** A piece of the byte stream and when it entered the proxy, or when the toxic before was due to release it (`performance.now()` ms). */
export interface Chunk {
  readonly data: Buffer;
  readonly timestamp: number;
}

/** Where a toxic's output goes: the next toxic in the link, or the destination socket. */
export interface ChunkSink {
  write(chunk: Chunk): void;
  /** The input ended (EOF): the end goes on after every chunk written before it. */
  end(): void;
}

/** What a running toxic can do: write on, end, and beyond Toxiproxy's channels, close or reset the connection. */
export interface ToxicOutput extends ChunkSink {
  /**
   * Ends the output now and closes the connection once what is already on its way is
   * delivered (Toxiproxy's `stub.Close()`: the other direction is closed too).
   */
  close(): void;
  /** Resets the connection: both sockets are destroyed with an RST, anything unsent discarded. */
  reset(): void;
  /** The toxic has finished with what it held and may take more: the link reads its source again if it stopped. */
  ready(): void;
  /** Randomness for this toxic (jitter, slicing); seeded when the server is. */
  readonly rng: Rng;
}

/** What an interrupted toxic had not begun on: chunks to run again or pass on, in order, then possibly the end of input. */
export interface Pending {
  readonly chunks: Chunk[];
  readonly ended: boolean;
}

/** A toxic running on one link. */
export interface ToxicRunner {
  /** A chunk arrives. */
  push(chunk: Chunk): void;
  /** The input ended. */
  end(): void;
  /**
   * Stops the toxic: the chunk it was working on (held by a latency, half sent by a bandwidth
   * or a slicer) goes to its output at once, as Toxiproxy does ("don't drop any data on the
   * floor"), and what it had not begun on is returned, for the restarted toxic or the next one.
   */
  interrupt(): Pending;
  /** Whether it holds more than it should before the link stops reading its source (backpressure). */
  isFull(): boolean;
  /** Drops everything and cancels its timers: the connection is gone. */
  dispose(): void;
}

/** Nothing pending. */
export const NOTHING_PENDING: Pending = Object.freeze({ chunks: [], ended: false });

/** A monotonic clock reading in ms, the timestamps chunks carry. */
export function nowMs(): number {
  return performance.now();
}
