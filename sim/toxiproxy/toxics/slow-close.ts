/** `slow_close` (Toxiproxy toxics/slow_close.go): data passes; the end of input is passed on `delay` ms late. */
import type { ToxicAttributes, ToxicKind } from '../toxic-kind.js';
import type { Chunk, Pending, ToxicOutput, ToxicRunner } from '../toxic-runner.js';
import { NOTHING_PENDING } from '../toxic-runner.js';
import { PendingWait } from './wait.js';

class SlowCloseRunner implements ToxicRunner {
  private stopped = false;
  private readonly timer = new PendingWait();

  constructor(
    private readonly attributes: ToxicAttributes,
    private readonly output: ToxicOutput,
  ) {}

  push(chunk: Chunk): void {
    if (!this.stopped) this.output.write(chunk);
  }

  end(): void {
    if (this.stopped || this.timer.running) return;
    this.timer.after(this.attributes.delay, () => {
      this.stopped = true;
      this.output.end();
    });
  }

  interrupt(): Pending {
    const waiting = this.timer.running;
    this.dispose();
    // Interrupted while delaying the end: the restarted toxic (or the next one) gets the end again.
    return waiting ? { chunks: [], ended: true } : NOTHING_PENDING;
  }

  isFull(): boolean {
    return false;
  }

  dispose(): void {
    this.stopped = true;
    this.timer.cancel();
  }
}

/** The `slow_close` toxic: `delay` in ms. */
export const SLOW_CLOSE_TOXIC: ToxicKind = {
  type: 'slow_close',
  attributes: { typeName: 'toxics.SlowCloseToxic', structName: 'SlowCloseToxic', fields: { delay: 'int64' } },
  run: (attributes, output) => new SlowCloseRunner(attributes, output),
};
