import type { Rng } from '../proxy-core/clock/rng.js';
import type { Network } from '../scenarios/schema.js';
import { makeSampler } from './distributions.js';

/**
 * One-way network latency between zones: `sameZone` within a zone, `crossZone` between
 * two, `between` for particular pairs. Traffic from the load (zone −1) enters without delay.
 */
export class NetworkModel {
  private readonly samplers: (() => number)[][];

  constructor(spec: Network, zones: readonly string[], rng: Rng) {
    const sameZone = makeSampler(spec.sameZone, rng.fork('same-zone'));
    const crossZone = makeSampler(spec.crossZone, rng.fork('cross-zone'));
    const zero = spec.sameZone.type === 'constant' && spec.sameZone.value === 0;
    this.samplers = zones.map((_, i) => zones.map((__, j) => (i === j ? sameZone : crossZone)));
    for (const link of spec.between) {
      const [a, b] = link.zones.map((z) => zones.indexOf(z));
      const sampler = makeSampler(link.latency, rng.fork(`between/${link.zones[0]}<->${link.zones[1]}`));
      this.samplers[a][b] = this.samplers[b][a] = sampler;
    }
    this.allZero = zero && isZero(spec.crossZone) && spec.between.every((l) => isZero(l.latency));
  }

  /** True when every latency is a constant 0, so callers can skip scheduling a hop. */
  readonly allZero: boolean;

  /** A one-way delay in ms from zone `from` to zone `to` (−1: outside the mesh). */
  delay(from: number, to: number): number {
    if (this.allZero || from < 0 || to < 0) return 0;
    return this.samplers[from][to]();
  }
}

function isZero(d: Network['sameZone']): boolean {
  return d.type === 'constant' && d.value === 0;
}
