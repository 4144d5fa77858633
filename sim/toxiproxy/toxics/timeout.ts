/**
 * `timeout` (Toxiproxy toxics/timeout.go): nothing gets through — every chunk is dropped —
 * and the connection is closed once `timeout` ms pass without a chunk arriving (each dropped
 * chunk starts the wait again, as Go's loop re-arms its timer); with `timeout` 0 it is held
 * open, silent, for as long as the toxic stays. Removing the toxic closes the connection
 * (its `Cleanup`), since the data it dropped is gone.
 */
import type { ToxicAttributes, ToxicKind } from '../toxic-kind.js';
import type { Chunk, Pending, ToxicOutput, ToxicRunner } from '../toxic-runner.js';
import { NOTHING_PENDING } from '../toxic-runner.js';
import { PendingWait } from './wait.js';

class TimeoutRunner implements ToxicRunner {
  private stopped = false;
  private readonly timer = new PendingWait();

  constructor(
    private readonly attributes: ToxicAttributes,
    private readonly output: ToxicOutput,
  ) {
    this.arm();
  }

  push(_chunk: Chunk): void {
    if (!this.stopped) this.arm();
  }

  end(): void {
    if (this.stopped) return;
    this.dispose();
    this.output.end();
  }

  interrupt(): Pending {
    this.dispose();
    return NOTHING_PENDING;
  }

  isFull(): boolean {
    return false;
  }

  dispose(): void {
    this.stopped = true;
    this.timer.cancel();
  }

  /** (Re)starts the wait for silence, when there is a timeout. */
  private arm(): void {
    const { timeout } = this.attributes;
    if (timeout <= 0) return;
    this.timer.after(timeout, () => {
      this.stopped = true;
      this.output.close();
    });
  }
}

/** The `timeout` toxic: `timeout` in ms, 0 to hold the connection forever. */
export const TIMEOUT_TOXIC: ToxicKind = {
  type: 'timeout',
  attributes: { typeName: 'toxics.TimeoutToxic', structName: 'TimeoutToxic', fields: { timeout: 'int64' } },
  closesOnRemove: true,
  run: (attributes, output) => new TimeoutRunner(attributes, output),
};
