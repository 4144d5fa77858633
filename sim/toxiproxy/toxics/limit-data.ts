/**
 * `limit_data` (Toxiproxy toxics/limit_data.go): lets `bytes` bytes through in its direction,
 * cutting the chunk that crosses the limit, then closes the connection. The count is kept per
 * connection and survives updates of the toxic (a `StatefulToxic`); `bytes` 0 closes on the
 * first data.
 */
import type { ToxicAttributes, ToxicKind } from '../toxic-kind.js';
import type { Chunk, ToxicOutput } from '../toxic-runner.js';
import { NoopRunner } from './noop.js';

/** Bytes let through so far on one connection and direction. */
interface LimitDataState {
  transmitted: number;
}

class LimitDataRunner extends NoopRunner<ToxicOutput> {
  constructor(
    private readonly attributes: ToxicAttributes,
    output: ToxicOutput,
    private readonly state: LimitDataState,
  ) {
    super(output);
  }

  override push(chunk: Chunk): void {
    if (this.stopped) return;
    const remaining = Math.max(0, this.attributes.bytes - this.state.transmitted);
    const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
    if (data.length > 0) {
      this.state.transmitted += data.length;
      this.output.write(data === chunk.data ? chunk : { data, timestamp: chunk.timestamp });
    }
    if (this.attributes.bytes - this.state.transmitted <= 0) {
      this.stopped = true;
      this.output.close();
    }
  }
}

/** The `limit_data` toxic: `bytes`. */
export const LIMIT_DATA_TOXIC: ToxicKind = {
  type: 'limit_data',
  attributes: { typeName: 'toxics.LimitDataToxic', structName: 'LimitDataToxic', fields: { bytes: 'int64' } },
  newState: (): LimitDataState => ({ transmitted: 0 }),
  run: (attributes, output, state) => new LimitDataRunner(attributes, output, state as LimitDataState),
};
