/**
 * One direction of one proxied connection (Toxiproxy's `ToxicLink`): the bytes read from a
 * source socket go through the toxics of that direction, in the order they were added, to
 * the destination socket.
 *
 * With no toxic in its direction a link is a plain `source.pipe(dest)`: Node's own stream
 * plumbing, nothing per chunk. The first toxic added unpipes it and feeds chunks through the
 * chain; removing the last one pipes it again. Neither switch can lose or reorder a byte:
 * both happen between two `data` events, and a removed toxic hands on what it held first.
 * While a toxic holds data it should not accumulate (a bandwidth wait, a slice in progress,
 * more than Toxiproxy's latency buffer) or the destination is congested, the source is
 * paused, so the sender is slowed by TCP's own flow control.
 */
import type { Socket } from 'node:net';
import type { Rng } from '../../proxy-core/clock/rng.js';
import type { Direction, ToxicDefinition } from './toxic-definition.js';
import { nowMs } from './toxic-runner.js';
import type { Chunk, ChunkSink } from './toxic-runner.js';
import { ToxicStub } from './toxic-stub.js';
import type { StubHost } from './toxic-stub.js';

/** What a link needs from its connection. */
export interface LinkHost {
  /** The link has passed on the end of its input: its destination is to be ended or closed. */
  linkFinished(link: ToxicLink): void;
  /** A toxic closes the connection. */
  closeConnection(): void;
  /** A toxic resets the connection. */
  resetConnection(): void;
}

/** One direction of a proxied connection, through its toxics. */
export class ToxicLink implements StubHost {
  private stubs: ToxicStub[] = [];
  /** Where chunks read from the source go: the first stub, or straight to the destination. */
  private entry: ChunkSink;
  private readonly sink: ChunkSink;
  private piping = false;
  private reading = false;
  private paused = false;
  private inputEnded = false;
  private outputEnded = false;
  private disposed = false;

  constructor(
    readonly direction: Direction,
    readonly source: Socket,
    readonly dest: Socket,
    readonly rng: Rng,
    private readonly host: LinkHost,
  ) {
    this.sink = { write: (chunk) => this.deliver(chunk), end: () => this.finishOutput() };
    this.entry = this.sink;
  }

  /** Starts the link with the toxics of its direction, each rolling its toxicity. */
  start(chain: readonly ToxicDefinition[]): void {
    this.source.on('end', this.onSourceEnd);
    let output = this.sink;
    for (let i = chain.length - 1; i >= 0; i--) {
      const stub = new ToxicStub(chain[i], this, output);
      this.stubs.unshift(stub);
      output = stub;
    }
    this.entry = output;
    for (const stub of this.stubs) stub.start();
    if (this.stubs.length === 0) this.pipe();
    else this.read();
  }

  /** Whether the end of its input has been passed to the destination. */
  get finished(): boolean {
    return this.outputEnded;
  }

  /** Appends a toxic: the last toxic restarts (re-rolling its toxicity) with its output pointed at the new one. */
  addToxic(definition: ToxicDefinition): void {
    if (this.disposed || this.outputEnded) return;
    const stub = new ToxicStub(definition, this, this.sink);
    const last = this.stubs.at(-1);
    this.stubs.push(stub);
    stub.start();
    if (last === undefined) {
      this.entry = stub;
      this.unpipe();
      return;
    }
    if (last.ended) return;
    // What the last toxic was holding goes to the destination now; what it had not begun on goes through the new toxic.
    const pending = last.interrupt();
    last.output = stub;
    last.start(pending);
    this.flowChanged();
  }

  /** Restarts a toxic with its new attributes and toxicity (re-rolled), keeping its per-connection state. */
  updateToxic(definition: ToxicDefinition): void {
    const stub = this.stubs.find((s) => s.definition === definition);
    if (this.disposed || stub === undefined || stub.ended) return;
    stub.start(stub.interrupt());
    this.flowChanged();
  }

  /**
   * Takes a toxic out: what it held and had not begun on is handed to the next toxic (or
   * the destination) at once, then the toxic before it restarts with its output pointed
   * past it. Removing a timeout closes the connection, as Toxiproxy's `Cleanup` does.
   */
  removeToxic(definition: ToxicDefinition): void {
    const index = this.stubs.findIndex((s) => s.definition === definition);
    if (this.disposed || index < 0) return;
    const stub = this.stubs[index];
    const previous = index > 0 ? this.stubs[index - 1] : undefined;
    this.stubs.splice(index, 1);
    if (!stub.ended) {
      const pending = stub.interrupt();
      if (definition.kind.closesOnRemove) {
        // The connection closes; the toxic before keeps writing into this closed stub, which drops it (Toxiproxy returns here too).
        stub.close();
        return;
      }
      for (const chunk of pending.chunks) stub.output.write(chunk);
      if (pending.ended) stub.output.end();
    }
    if (previous === undefined) this.entry = stub.output;
    else {
      previous.output = stub.output;
      if (!previous.ended) previous.start(previous.interrupt());
    }
    if (this.stubs.length === 0) this.pipe();
    // The removed toxic may have been what held the source paused.
    else this.flowChanged();
  }

  /**
   * The source is done (its end arrived, or it closed or failed): the end goes through the
   * toxics after what they hold. With `stopReading`, nothing more is read from it either.
   */
  endInput(stopReading = false): void {
    if (stopReading) this.stopReading();
    if (this.inputEnded || this.disposed) return;
    this.inputEnded = true;
    this.unpipe();
    this.detachReader();
    this.entry.end();
  }

  /** Cancels every toxic's timers and stops reading: the connection is gone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const stub of this.stubs) stub.dispose();
    this.stopReading();
  }

  flowChanged(): void {
    if (this.paused) this.checkFlow();
  }

  closeConnection(): void {
    this.host.closeConnection();
  }

  resetConnection(): void {
    this.host.resetConnection();
  }

  /** No toxic: Node's pipe, the same data path as a plain `source.pipe(dest)`. */
  private pipe(): void {
    if (this.piping || this.inputEnded || this.disposed || this.outputEnded || this.entry !== this.sink) return;
    this.detachReader();
    this.paused = false;
    this.piping = true;
    this.source.pipe(this.dest, { end: false });
  }

  private unpipe(): void {
    if (!this.piping) return;
    this.piping = false;
    this.source.unpipe(this.dest);
    this.read();
  }

  /** Reads chunks into the chain. */
  private read(): void {
    if (this.reading || this.inputEnded || this.disposed) return;
    this.reading = true;
    this.source.on('data', this.onData);
    this.dest.on('drain', this.onDrain);
    this.paused = false;
    this.source.resume();
    this.checkFlow();
  }

  private detachReader(): void {
    if (!this.reading) return;
    this.reading = false;
    this.source.off('data', this.onData);
    this.dest.off('drain', this.onDrain);
  }

  private stopReading(): void {
    this.source.off('end', this.onSourceEnd);
    this.unpipeQuietly();
    this.detachReader();
    this.source.pause();
  }

  private unpipeQuietly(): void {
    if (!this.piping) return;
    this.piping = false;
    this.source.unpipe(this.dest);
  }

  private readonly onData = (data: Buffer): void => {
    this.entry.write({ data, timestamp: nowMs() });
    if (!this.paused) this.checkFlow();
  };

  private readonly onDrain = (): void => {
    if (this.paused) this.checkFlow();
  };

  private readonly onSourceEnd = (): void => {
    this.endInput();
  };

  /** Pauses the source while the destination is congested or a toxic holds what it should not; resumes it after. */
  private checkFlow(): void {
    if (!this.reading) return;
    const full = this.dest.writableNeedDrain || this.stubs.some((stub) => stub.isFull());
    if (full && !this.paused) {
      this.paused = true;
      this.source.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      this.source.resume();
    }
  }

  private deliver(chunk: Chunk): void {
    if (this.dest.destroyed || this.dest.writableEnded) return;
    if (!this.dest.write(chunk.data) && !this.paused) this.checkFlow();
  }

  private finishOutput(): void {
    if (this.outputEnded) return;
    this.outputEnded = true;
    this.host.linkFinished(this);
  }
}
