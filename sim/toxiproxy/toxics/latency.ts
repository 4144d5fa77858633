/**
 * `latency` (Toxiproxy toxics/latency.go): each chunk is held until `latency` ± `jitter` ms
 * after it entered the toxic — jitter drawn per chunk, uniform over whole milliseconds in
 * [latency − jitter, latency + jitter − 1] as Go's `rand.Int63n(2·jitter) − jitter`. Time the
 * chunk already spent waiting counts, so chunks in a row are delayed side by side, not one
 * after another (latency does not cut throughput), and two latency toxics add up. Chunks
 * leave in the order they came.
 */
import type { ToxicKind } from '../toxic-kind.js';
import { nowMs } from '../toxic-runner.js';
import type { Chunk } from '../toxic-runner.js';
import { QueuedRunner } from './queued-runner.js';

/** What may wait in a latency toxic before the link stops reading: Toxiproxy's 1024-chunk buffer of up to 32 KiB reads. */
const LATENCY_CAPACITY_BYTES = 1024 * 32 * 1024;

/** The widest jitter drawn from (2^52 ms, far beyond any use), so the draw stays within exact integers. */
const MAX_JITTER_SPAN = 2 ** 52;

class LatencyRunner extends QueuedRunner {
  private held: Chunk | null = null;

  protected override capacity(): number {
    return LATENCY_CAPACITY_BYTES;
  }

  protected process(chunk: Chunk): boolean {
    const delay = this.delay();
    const due = chunk.timestamp + delay;
    const sleep = due - nowMs();
    const released = { data: chunk.data, timestamp: due };
    if (sleep <= 0) {
      this.output.write(released);
      return true;
    }
    this.held = chunk;
    this.timer.until(due, () => {
      this.held = null;
      this.output.write(released);
      this.done();
    });
    return false;
  }

  protected abort(): void {
    const held = this.held;
    this.drop();
    if (held) this.output.write(held);
  }

  protected drop(): void {
    this.held = null;
  }

  /** `latency`, plus a jitter drawn per chunk. */
  private delay(): number {
    const { latency, jitter } = this.attributes;
    if (jitter <= 0) return latency;
    const span = Math.min(2 * jitter, MAX_JITTER_SPAN);
    return latency + this.output.rng.int(span) - span / 2;
  }
}

/** The `latency` toxic: `latency` and `jitter`, in ms. */
export const LATENCY_TOXIC: ToxicKind = {
  type: 'latency',
  attributes: { typeName: 'toxics.LatencyToxic', structName: 'LatencyToxic', fields: { latency: 'int64', jitter: 'int64' } },
  run: (attributes, output) => new LatencyRunner(attributes, output),
};
