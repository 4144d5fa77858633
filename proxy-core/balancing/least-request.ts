import type { HostSet } from './host-set.js';
import type { LevelBalancer, LoadBalancerConfig } from './load-balancer.js';
import type { PriorityLevels } from './locality-priority.js';
import type { Rng } from '../clock/rng.js';
import { EdfSchedule, type HostWeigher, weightsAreEqual } from './round-robin.js';

// Envoy: LeastRequestLoadBalancer (extensions/load_balancing_policies/least_request), N_CHOICES

/**
 * Envoy's least-request balancer (Istio's default, `loadBalancer.simple` unset).
 *
 * - Equal weights (`unweightedHostPickNChoices`): draw `choice_count` hosts uniformly *with
 *   replacement* from the level's candidates and keep the one with the fewest requests
 *   outstanding from this caller; the first drawn wins ties (strict `<`). So with two hosts
 *   the less loaded one is picked unless it is not drawn at all: probability 3/4.
 * - Unequal weights: the {@link EdfSchedule} with Envoy's dynamic weight
 *   `load_balancing_weight / (active_requests + 1)^active_request_bias` (bias 0: plain
 *   weighted RR). As in Envoy, the weight is read when a host is (re)inserted into the
 *   schedule — at its pick, before the new request counts as active.
 */
export class LeastRequestBalancer implements LevelBalancer, HostWeigher {
  private readonly hosts: HostSet;
  private readonly rng: Rng;
  private readonly choiceCount: number;
  private readonly bias: number;
  /** Envoy's `seed_` for the schedule's pre-picks; drawn when a schedule is first needed. */
  private seed = -1;
  private readonly schedules: EdfSchedule[];
  private readonly weighted: Uint8Array;

  /** Per-level state for `levels`, with `config`'s `choiceCount` and `activeRequestBias`. */
  constructor(hosts: HostSet, rng: Rng, levels: PriorityLevels, config: LoadBalancerConfig) {
    this.hosts = hosts;
    this.rng = rng;
    this.choiceCount = config.choiceCount;
    this.bias = config.activeRequestBias;
    this.weighted = new Uint8Array(levels.count);
    this.schedules = [];
    for (let level = 0; level < levels.count; level++) this.schedules.push(new EdfSchedule(levels.total[level]));
  }

  /** Envoy `LeastRequestLoadBalancer::hostWeight`: `weight / (active + 1)^bias`. */
  weightOf(h: number): number {
    const weight = this.hosts.weight(h);
    if (this.bias === 0) return weight;
    const active = this.hosts.active(h) + 1;
    return this.bias === 1 ? weight / active : weight / Math.pow(active, this.bias);
  }

  rebuild(levels: PriorityLevels): void {
    for (let level = 0; level < levels.count; level++) {
      const start = levels.start[level];
      const count = levels.candidateCount[level];
      const weighted = count > 1 && !weightsAreEqual(this.hosts, levels.candidates, start, count);
      this.weighted[level] = weighted ? 1 : 0;
      if (!weighted) continue;
      if (this.seed < 0) this.seed = this.rng.int(0x7fffffff);
      this.schedules[level].reset(levels.candidates, start, count, this, this.seed % count);
    }
  }

  pick(levels: PriorityLevels, level: number): number {
    if (this.weighted[level] === 1) return this.schedules[level].pickAndAdd(this);
    const start = levels.start[level];
    const count = levels.candidateCount[level];
    let candidate = levels.candidates[start + this.rng.int(count)];
    for (let choice = 1; choice < this.choiceCount; choice++) {
      const sampled = levels.candidates[start + this.rng.int(count)];
      if (this.hosts.active(sampled) < this.hosts.active(candidate)) candidate = sampled;
    }
    return candidate;
  }
}
