import type { Rng } from '../clock/rng.js';

// Istio: VirtualService HTTPRouteDestination.weight; Envoy: WeightedCluster (value % total)

/**
 * A weighted split of requests between destinations, as Istio's route `destination` weights
 * (canaries, blue/green). Weights are non-negative and need not sum to 100; a destination
 * of weight 0 is never picked. Envoy picks with a uniform value in `[0, total)` and takes the
 * first destination whose cumulative weight exceeds it; so does {@link TrafficSplit.pick}.
 */
export class TrafficSplit {
  /** Number of destinations. */
  readonly size: number;
  private readonly cumulative: Float64Array;
  private readonly total: number;
  /** The last destination with a positive weight: the answer should rounding reach `total`. */
  private readonly lastPositive: number;
  private readonly rng: Rng;

  /**
   * @throws RangeError if there is no destination, a weight is negative or not finite, or
   * all weights are 0.
   */
  constructor(weights: readonly number[], rng: Rng) {
    if (weights.length === 0) throw new RangeError('traffic split: at least one destination is required');
    this.size = weights.length;
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    let lastPositive = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`traffic split: weight ${i} must be a non-negative number, got ${w}`);
      total += w;
      if (w > 0) lastPositive = i;
      this.cumulative[i] = total;
    }
    if (!(total > 0)) throw new RangeError('traffic split: at least one weight must be positive');
    this.total = total;
    this.lastPositive = lastPositive;
    this.rng = rng;
  }

  /** The index of the destination for the next request. */
  pick(): number {
    const value = this.rng.next() * this.total;
    for (let i = 0; i < this.lastPositive; i++) if (value < this.cumulative[i]) return i;
    return this.lastPositive;
  }
}
