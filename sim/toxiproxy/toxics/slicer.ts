/**
 * `slicer` (Toxiproxy toxics/slicer.go): each chunk is cut in halves, each cut moved by up to
 * ±`size_variation` bytes, until every piece is at most `average_size` + `size_variation`
 * bytes; the pieces leave one by one with `delay` µs after each. Toxiproxy does not check
 * the attributes and can recurse forever or slice out of range on odd values (an average of
 * 0, a variation above half a chunk); here a piece is never cut below 1 byte and a cut never
 * leaves its piece.
 */
import type { Rng } from '../../../proxy-core/clock/rng.js';
import type { ToxicKind } from '../toxic-kind.js';
import type { Chunk } from '../toxic-runner.js';
import { QueuedRunner } from './queued-runner.js';

/**
 * Where `size` bytes are cut: piece boundaries from 0 to `size`, in order.
 *
 * @example slicePoints(10, 4, 0, rng) // [0, 2, 5, 7, 10]: pieces of 2, 3, 2, 3 bytes
 */
export function slicePoints(size: number, averageSize: number, sizeVariation: number, rng: Rng): number[] {
  const variation = Math.min(sizeVariation, MAX_VARIATION);
  const points = [0];
  // Depth first, left piece before right, without recursion: skewed cuts may go as deep as the chunk is long.
  const stack: Array<[number, number]> = [[0, size]];
  while (stack.length > 0) {
    const [start, end] = stack.pop()!;
    const length = end - start;
    if (length - averageSize <= sizeVariation || length <= 1) {
      points.push(end);
      continue;
    }
    let mid = start + Math.floor(length / 2);
    if (variation > 0) mid += rng.int(variation * 2) - variation;
    mid = Math.min(end - 1, Math.max(start + 1, mid));
    stack.push([mid, end], [start, mid]);
  }
  return points;
}

/** The largest variation drawn from (2^51 bytes, far beyond any chunk), so the draw stays within exact integers. */
const MAX_VARIATION = 2 ** 51;

class SlicerRunner extends QueuedRunner {
  private current: Chunk | null = null;
  private points: number[] = [];
  /** Index of the next piece's end in {@link points}. */
  private next = 1;

  protected process(chunk: Chunk): boolean {
    const { average_size: averageSize, size_variation: sizeVariation } = this.attributes;
    this.current = chunk;
    this.points = slicePoints(chunk.data.length, averageSize, sizeVariation, this.output.rng);
    this.next = 1;
    return this.send();
  }

  /** Sends pieces until a delay is due; true when the chunk is all sent. */
  private send(): boolean {
    const delayMs = this.attributes.delay / 1000;
    const chunk = this.current!;
    while (this.next < this.points.length) {
      const piece = chunk.data.subarray(this.points[this.next - 1], this.points[this.next]);
      this.next++;
      this.output.write({ data: piece, timestamp: chunk.timestamp });
      if (delayMs > 0) {
        this.timer.after(delayMs, () => {
          if (this.send()) this.done();
        });
        return false;
      }
    }
    this.current = null;
    return true;
  }

  protected abort(): void {
    const chunk = this.current;
    const from = this.points[this.next - 1];
    this.drop();
    if (chunk && from < chunk.data.length) this.output.write({ data: chunk.data.subarray(from), timestamp: chunk.timestamp });
  }

  protected drop(): void {
    this.current = null;
  }
}

/** The `slicer` toxic: `average_size` and `size_variation` in bytes, `delay` in µs between pieces. */
export const SLICER_TOXIC: ToxicKind = {
  type: 'slicer',
  attributes: {
    typeName: 'toxics.SlicerToxic',
    structName: 'SlicerToxic',
    fields: { average_size: 'int64', size_variation: 'int64', delay: 'int64' },
  },
  run: (attributes, output) => new SlicerRunner(attributes, output),
};
