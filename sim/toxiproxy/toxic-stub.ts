/**
 * One toxic's place in one link (Toxiproxy's `ToxicStub`): it rolls the toxicity each time
 * the toxic starts — when the link starts, and again whenever the chain changes around it —
 * running the toxic or, when the roll misses, a pass-through; it keeps the toxic's state
 * per connection across restarts; and it can point its output elsewhere when a toxic is
 * added after it or removed before it.
 */
import type { Rng } from '../../proxy-core/clock/rng.js';
import type { ToxicDefinition } from './toxic-definition.js';
import { NOTHING_PENDING } from './toxic-runner.js';
import type { Chunk, ChunkSink, Pending, ToxicOutput, ToxicRunner } from './toxic-runner.js';
import { NoopRunner } from './toxics/noop.js';

/** What a stub needs from its link. */
export interface StubHost {
  /** The proxy's random stream: toxicity rolls and the toxics' own draws. */
  readonly rng: Rng;
  /** A toxic wrote on: the link may read its source again. */
  flowChanged(): void;
  /** A toxic closes the connection (limit reached, timeout). */
  closeConnection(): void;
  /** A toxic resets the connection (reset_peer). */
  resetConnection(): void;
}

/** One toxic running on one link. */
export class ToxicStub implements ChunkSink {
  /** Where the toxic's output goes: the next stub, or the link's destination. */
  output: ChunkSink;
  private runner: ToxicRunner = DEAD;
  /** The output has ended (the end passed on, or the toxic closed the connection). */
  private outputEnded = false;
  private readonly state: unknown;
  private readonly toxicOutput: ToxicOutput;

  constructor(
    readonly definition: ToxicDefinition,
    private readonly host: StubHost,
    output: ChunkSink,
  ) {
    this.output = output;
    this.state = definition.kind.newState?.();
    this.toxicOutput = {
      rng: host.rng,
      write: (chunk) => {
        if (this.outputEnded) return;
        this.output.write(chunk);
        this.host.flowChanged();
      },
      end: () => this.endOutput(),
      close: () => {
        if (this.outputEnded) return;
        this.host.closeConnection();
        this.endOutput();
      },
      reset: () => this.host.resetConnection(),
      ready: () => this.host.flowChanged(),
    };
  }

  /** Whether the output has ended: nothing more goes through this stub. */
  get ended(): boolean {
    return this.outputEnded;
  }

  /** Rolls the toxicity and runs the toxic (or a pass-through), fed first with what an interrupted run left. */
  start(pending: Pending = NOTHING_PENDING): void {
    const { kind, toxicity, attributes } = this.definition;
    const applies = this.host.rng.next() < toxicity;
    this.runner = applies ? kind.run(attributes, this.toxicOutput, this.state) : new NoopRunner(this.toxicOutput);
    for (const chunk of pending.chunks) this.runner.push(chunk);
    if (pending.ended) this.runner.end();
  }

  write(chunk: Chunk): void {
    if (!this.outputEnded) this.runner.push(chunk);
  }

  end(): void {
    if (!this.outputEnded) this.runner.end();
  }

  /** Stops the running toxic; see {@link ToxicRunner.interrupt}. */
  interrupt(): Pending {
    const pending = this.runner.interrupt();
    this.runner = DEAD;
    return pending;
  }

  /** Whether the toxic holds more than it should before the link stops reading. */
  isFull(): boolean {
    return !this.outputEnded && this.runner.isFull();
  }

  /** Ends the output now: the toxic is removed and closes the connection (timeout). */
  close(): void {
    this.toxicOutput.close();
  }

  /** Cancels the toxic's timers and drops what it holds. */
  dispose(): void {
    this.runner.dispose();
    this.runner = DEAD;
    this.outputEnded = true;
  }

  private endOutput(): void {
    if (this.outputEnded) return;
    this.outputEnded = true;
    this.output.end();
  }
}

/** A runner that is not running (before start, between interrupt and restart, after dispose). */
const DEAD: ToxicRunner = {
  push: () => undefined,
  end: () => undefined,
  interrupt: () => NOTHING_PENDING,
  isFull: () => false,
  dispose: () => undefined,
};
