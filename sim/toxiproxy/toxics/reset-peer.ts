/**
 * `reset_peer` (Toxiproxy toxics/reset_peer.go): the first chunk (or the end of input) is
 * swallowed and, `timeout` ms later, the connection is reset — both sockets closed with a TCP
 * RST, anything unsent discarded, so each peer reads ECONNRESET. Once started the reset is
 * not called off by an update. Toxiproxy gets the RST from SO_LINGER 0, which it sets only on
 * connections that started with the toxic present, whatever its toxicity; here the reset is
 * an RST whenever the toxic applies, and only then.
 */
import type { ToxicAttributes, ToxicKind } from '../toxic-kind.js';
import type { Chunk, Pending, ToxicOutput, ToxicRunner } from '../toxic-runner.js';
import { NOTHING_PENDING } from '../toxic-runner.js';
import { PendingWait } from './wait.js';

class ResetPeerRunner implements ToxicRunner {
  private triggered = false;
  private disposed = false;
  private readonly timer = new PendingWait();

  constructor(
    private readonly attributes: ToxicAttributes,
    private readonly output: ToxicOutput,
  ) {}

  push(_chunk: Chunk): void {
    this.trigger();
  }

  end(): void {
    this.trigger();
  }

  interrupt(): Pending {
    // A reset under way goes ahead, as Toxiproxy's uninterruptible wait does.
    return NOTHING_PENDING;
  }

  isFull(): boolean {
    return false;
  }

  dispose(): void {
    this.disposed = true;
    this.timer.cancel();
  }

  private trigger(): void {
    if (this.triggered || this.disposed) return;
    this.triggered = true;
    const { timeout } = this.attributes;
    if (timeout <= 0) {
      this.output.reset();
      return;
    }
    this.timer.after(timeout, () => this.output.reset());
  }
}

/** The `reset_peer` toxic: `timeout` in ms before the reset. */
export const RESET_PEER_TOXIC: ToxicKind = {
  type: 'reset_peer',
  attributes: { typeName: 'toxics.ResetToxic', structName: 'ResetToxic', fields: { timeout: 'int64' } },
  run: (attributes, output) => new ResetPeerRunner(attributes, output),
};
