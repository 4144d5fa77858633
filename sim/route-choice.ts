import type { Rng } from '../proxy-core/clock/rng.js';
import { TrafficSplit } from '../proxy-core/routing/traffic-split.js';
import type { Edge } from './edge.js';
import type { World } from './world.js';

/**
 * Where calls from `from` to `to` go: the edge itself, or, when the edge's policy has a
 * weighted `split` (Istio route destinations with weights), one of the split's edges per call.
 * Services and loads both call through one, so a split applies to any caller.
 */
export class RouteChoice {
  private readonly edge: Edge;
  private readonly edges: readonly Edge[] | null;
  private readonly split: TrafficSplit | null;

  constructor(world: World, from: string, to: string, rng: Rng) {
    this.edge = world.edge(from, to);
    const split = this.edge.policy.split;
    this.edges = split ? split.map((d) => world.edge(from, d.service)) : null;
    this.split = split ? new TrafficSplit(split.map((d) => d.weight), rng) : null;
  }

  /** The edge of the next call. */
  pick(): Edge {
    return this.split === null ? this.edge : this.edges![this.split.pick()];
  }
}
