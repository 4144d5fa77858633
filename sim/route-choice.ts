import type { Rng } from '../proxy-core/clock/rng.js';
import { TrafficSplit } from '../proxy-core/routing/traffic-split.js';
import type { EdgePolicy } from '../proxy-core/control-plane/mesh-rule.js';

/**
 * Where calls from `from` to `to` go: the edge itself, or, when the edge's policy has a
 * weighted `split` (Istio route destinations with weights), one of the split's edges per call.
 * Services and loads both call through one, so a split applies to any caller.
 */
export class RouteChoice<E extends { readonly policy: EdgePolicy }> {
  private readonly edge: E;
  private readonly edges: readonly E[] | null;
  private readonly split: TrafficSplit | null;

  /** `edgeOf(from, to)` is the mesh's edge (the simulator's or live mode's), created on first use. */
  constructor(edgeOf: (from: string, to: string) => E, from: string, to: string, rng: Rng) {
    this.edge = edgeOf(from, to);
    const split = this.edge.policy.split;
    this.edges = split ? split.map((d) => edgeOf(from, d.service)) : null;
    this.split = split ? new TrafficSplit(split.map((d) => d.weight), rng) : null;
  }

  /** The edge of the next call. */
  pick(): E {
    return this.split === null ? this.edge : this.edges![this.split.pick()];
  }
}

/**
 * Creates the loads' edges into the mesh (a split's too) with `edgeOf`, before the inbound
 * chains are built, which read whether an edge into a service carries a rate limit: the
 * callee's sidecar limits traffic from the ingress as it limits any other.
 */
export function createEntryEdges<E extends { readonly policy: EdgePolicy }>(load: Readonly<Record<string, { readonly target: string }>>, edgeOf: (from: string, to: string) => E): void {
  for (const [name, spec] of Object.entries(load)) {
    const edge = edgeOf(name, spec.target);
    for (const d of edge.policy.split ?? []) edgeOf(name, d.service);
  }
}
