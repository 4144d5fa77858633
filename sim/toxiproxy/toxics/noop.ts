/** `noop`: passes everything through (Toxiproxy registers it; a toxic whose toxicity did not apply runs as one). */
import type { ToxicKind } from '../toxic-kind.js';
import { NOTHING_PENDING } from '../toxic-runner.js';
import type { Chunk, ChunkSink, Pending, ToxicRunner } from '../toxic-runner.js';

/** Passes chunks and the end straight on; toxics that only change what passes extend it. */
export class NoopRunner<Output extends ChunkSink = ChunkSink> implements ToxicRunner {
  protected stopped = false;

  constructor(protected readonly output: Output) {}

  push(chunk: Chunk): void {
    if (!this.stopped) this.output.write(chunk);
  }

  end(): void {
    if (!this.stopped) this.output.end();
  }

  interrupt(): Pending {
    this.stopped = true;
    return NOTHING_PENDING;
  }

  isFull(): boolean {
    return false;
  }

  dispose(): void {
    this.stopped = true;
  }
}

/** The `noop` toxic: no attributes. */
export const NOOP_TOXIC: ToxicKind = {
  type: 'noop',
  attributes: { typeName: 'toxics.NoopToxic', structName: 'NoopToxic', fields: {} },
  run: (_attributes, output) => new NoopRunner(output),
};
