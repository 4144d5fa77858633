/**
 * `bandwidth` (Toxiproxy toxics/bandwidth.go): at most `rate` KB/s, a KB being 1000 bytes.
 * Each chunk adds len / rate ms to a running debt of sleep; a chunk larger than 100 ms' worth
 * (rate × 100 bytes) leaves in 100 ms slices; the rest leaves once the debt is slept, and
 * time a timer overslept is paid back on the next chunk, so Node's millisecond timers do not
 * make the rate drift. A rate of 0 or less lets nothing through until the toxic is removed
 * (Toxiproxy stalls the same way; a negative rate crashes it). While a chunk waits the link
 * reads no more, so the sender is slowed by TCP rather than buffered by the proxy.
 */
import type { ToxicKind } from '../toxic-kind.js';
import { nowMs } from '../toxic-runner.js';
import type { Chunk } from '../toxic-runner.js';
import { QueuedRunner } from './queued-runner.js';

/** Toxiproxy's slice period for chunks above 100 ms' worth of bytes. */
const SLICE_MS = 100;

class BandwidthRunner extends QueuedRunner {
  /** Sleep owed, in ms: grows by each chunk's transfer time, shrinks by time slept. */
  private sleepMs = 0;
  private current: Chunk | null = null;

  protected process(chunk: Chunk): boolean {
    const { rate } = this.attributes;
    this.current = chunk;
    if (rate <= 0) return false; // held until interrupted
    this.sleepMs += chunk.data.length / rate;
    return this.step();
  }

  /** Sends the current chunk's next slice or its rest; true when it is all sent already. */
  private step(): boolean {
    const chunk = this.current!;
    const sliceBytes = this.attributes.rate * SLICE_MS;
    if (chunk.data.length > sliceBytes) {
      this.timer.after(SLICE_MS, () => {
        this.output.write({ data: chunk.data.subarray(0, sliceBytes), timestamp: chunk.timestamp });
        this.current = { data: chunk.data.subarray(sliceBytes), timestamp: chunk.timestamp };
        this.sleepMs -= SLICE_MS;
        if (this.step()) this.done();
      });
      return false;
    }
    if (this.sleepMs <= 0) {
      this.current = null;
      this.output.write(chunk);
      return true;
    }
    const start = nowMs();
    this.timer.after(this.sleepMs, () => {
      this.sleepMs -= nowMs() - start;
      this.current = null;
      this.output.write(chunk);
      this.done();
    });
    return false;
  }

  protected abort(): void {
    const rest = this.current;
    this.drop();
    if (rest) this.output.write(rest);
  }

  protected drop(): void {
    this.current = null;
  }
}

/** The `bandwidth` toxic: `rate` in KB/s (1 KB = 1000 bytes). */
export const BANDWIDTH_TOXIC: ToxicKind = {
  type: 'bandwidth',
  attributes: { typeName: 'toxics.BandwidthToxic', structName: 'BandwidthToxic', fields: { rate: 'int64' } },
  run: (attributes, output) => new BandwidthRunner(attributes, output),
};
