import type { HostSet } from './host-set.js';
import type { LevelBalancer } from './load-balancer.js';
import type { PriorityLevels } from './locality-priority.js';
import type { Rng } from '../clock/rng.js';

// Envoy: RoundRobinLoadBalancer (unweighted pick rr_index++ % n) and EdfScheduler (weighted)

/** Gives the EDF schedule a host's current weight. */
export interface HostWeigher {
  /** A positive weight for host `h`. */
  weightOf(h: number): number;
}

/**
 * Envoy's earliest-deadline-first schedule (`EdfScheduler`), as weighted round robin: each
 * host has a deadline `current_time + 1/weight`; a pick takes the earliest deadline (ties
 * by insertion order), moves `current_time` to it, and re-adds the host with its weight at
 * that moment — so a dynamic weight (least request) is stale until the host is picked again,
 * as in Envoy. A binary min-heap over typed arrays; no allocation after construction.
 */
export class EdfSchedule {
  private readonly hosts: Int32Array;
  private readonly deadlines: Float64Array;
  private readonly orders: Float64Array;
  private size = 0;
  private currentTime = 0;
  private nextOrder = 0;

  /** A schedule for up to `capacity` hosts. */
  constructor(capacity: number) {
    this.hosts = new Int32Array(capacity);
    this.deadlines = new Float64Array(capacity);
    this.orders = new Float64Array(capacity);
  }

  /**
   * Starts a new schedule over `list[start … start+count-1]`, then makes `prePicks` picks, so
   * that callers do not all start in step (Envoy `createWithPicks` with its random seed).
   */
  reset(list: Int32Array, start: number, count: number, weigher: HostWeigher, prePicks: number): void {
    this.size = count;
    this.currentTime = 0;
    this.nextOrder = 0;
    for (let i = 0; i < count; i++) {
      const h = list[start + i];
      this.hosts[i] = h;
      this.deadlines[i] = 1 / weigher.weightOf(h);
      this.orders[i] = this.nextOrder++;
    }
    for (let i = (count >> 1) - 1; i >= 0; i--) this.siftDown(i);
    for (let i = 0; i < prePicks; i++) this.pickAndAdd(weigher);
  }

  /** The host with the earliest deadline, re-added with deadline `now + 1/weight`. */
  pickAndAdd(weigher: HostWeigher): number {
    const h = this.hosts[0];
    this.currentTime = this.deadlines[0];
    this.deadlines[0] = this.currentTime + 1 / weigher.weightOf(h);
    this.orders[0] = this.nextOrder++;
    this.siftDown(0);
    return h;
  }

  private before(a: number, b: number): boolean {
    const da = this.deadlines[a];
    const db = this.deadlines[b];
    return da === db ? this.orders[a] < this.orders[b] : da < db;
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) return;
      const right = left + 1;
      const child = right < this.size && this.before(right, left) ? right : left;
      if (!this.before(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.hosts[a];
    this.hosts[a] = this.hosts[b];
    this.hosts[b] = h;
    const d = this.deadlines[a];
    this.deadlines[a] = this.deadlines[b];
    this.deadlines[b] = d;
    const o = this.orders[a];
    this.orders[a] = this.orders[b];
    this.orders[b] = o;
  }
}

/** Whether every host in `list[start … start+count-1]` has the same weight (Envoy `hostWeightsAreEqual`). */
export function weightsAreEqual(hosts: HostSet, list: Int32Array, start: number, count: number): boolean {
  for (let i = 1; i < count; i++) if (hosts.weight(list[start + i]) !== hosts.weight(list[start])) return false;
  return true;
}

/**
 * Envoy's default balancer. Equal weights: strict rotation, `candidates[rr_index++ % n]`, the
 * index starting at a random seed (Envoy's `seed_`) and kept across health changes. Unequal
 * weights: weighted round robin by the {@link EdfSchedule}, rebuilt on health changes with a
 * seeded number of pre-picks (`seed % n`; Envoy pre-picks `seed` times, computed in closed
 * form — the point, a per-proxy phase, is the same).
 */
export class RoundRobinBalancer implements LevelBalancer, HostWeigher {
  private readonly hosts: HostSet;
  private readonly seed: number;
  private readonly rrIndex: Float64Array;
  private readonly schedules: EdfSchedule[];
  private readonly weighted: Uint8Array;

  /** Per-level state for `levels`; draws the seed from `rng`. */
  constructor(hosts: HostSet, rng: Rng, levels: PriorityLevels) {
    this.hosts = hosts;
    this.seed = rng.int(0x7fffffff);
    this.rrIndex = new Float64Array(levels.count).fill(this.seed);
    this.weighted = new Uint8Array(levels.count);
    this.schedules = [];
    for (let level = 0; level < levels.count; level++) this.schedules.push(new EdfSchedule(levels.total[level]));
  }

  /** Static weight: Envoy's `load_balancing_weight`. */
  weightOf(h: number): number {
    return this.hosts.weight(h);
  }

  rebuild(levels: PriorityLevels): void {
    for (let level = 0; level < levels.count; level++) {
      const start = levels.start[level];
      const count = levels.candidateCount[level];
      const weighted = count > 1 && !weightsAreEqual(this.hosts, levels.candidates, start, count);
      this.weighted[level] = weighted ? 1 : 0;
      if (weighted) this.schedules[level].reset(levels.candidates, start, count, this, this.seed % count);
    }
  }

  pick(levels: PriorityLevels, level: number): number {
    if (this.weighted[level] === 1) return this.schedules[level].pickAndAdd(this);
    const index = this.rrIndex[level]++ % levels.candidateCount[level];
    return levels.candidates[levels.start[level] + index];
  }
}
