import type { HostSet } from './host-set.js';
import type { Rng } from '../clock/rng.js';

// Envoy: priority.rst, overprovisioning.rst, panic_threshold.rst; LoadBalancerBase::
// recalculatePerPriorityState / recalculatePerPriorityPanic / recalculateLoadInTotalPanic /
// choosePriority (source/common/upstream/load_balancer_impl.cc).
// Istio: DestinationRule trafficPolicy.loadBalancer.localityLbSetting (failover by zone).

/** Envoy `ClusterLoadAssignment.Policy.overprovisioning_factor` default: 140 %, i.e. 1.4. */
export const DEFAULT_OVERPROVISIONING_FACTOR = 1.4;
/** Envoy `CommonLbConfig.healthy_panic_threshold` default: 50 %. */
export const DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

/** Locality failover and panic, as Istio's `localityLbSetting` configures Envoy's priorities. */
export interface LocalityOptions {
  /**
   * `localityLbSetting.enabled`: hosts in the caller's zone form priority 0 and all others
   * priority 1 (Istio's failover, reduced to the one locality label the simulator models:
   * zone). Disabled: one priority level of all hosts.
   */
  readonly enabled: boolean;
  /** Envoy `overprovisioning_factor` as a ratio. Default {@link DEFAULT_OVERPROVISIONING_FACTOR}. */
  readonly overprovisioningFactor?: number;
  /**
   * Envoy `healthy_panic_threshold` in percent, 0 to 100; 0 disables panic. Default
   * {@link DEFAULT_PANIC_THRESHOLD_PERCENT}. (Istio maps `outlierDetection.minHealthPercent`,
   * whose own default is 0, onto it; the scenario layer passes that through.)
   */
  readonly panicThresholdPercent?: number;
}

/** {@link LocalityOptions} with the defaults filled in. */
export type LocalityConfig = Required<LocalityOptions>;

/**
 * Validates `options` and fills in Envoy's defaults; `undefined` means locality disabled.
 *
 * @throws RangeError if the overprovisioning factor is not positive, or the panic threshold
 * is outside 0–100.
 */
export function resolveLocality(options?: LocalityOptions): LocalityConfig {
  const enabled = options?.enabled ?? false;
  const overprovisioningFactor = options?.overprovisioningFactor ?? DEFAULT_OVERPROVISIONING_FACTOR;
  const panicThresholdPercent = options?.panicThresholdPercent ?? DEFAULT_PANIC_THRESHOLD_PERCENT;
  if (!(overprovisioningFactor > 0) || !Number.isFinite(overprovisioningFactor)) {
    throw new RangeError(`locality: overprovisioning factor must be a positive number, got ${overprovisioningFactor}`);
  }
  if (!(panicThresholdPercent >= 0 && panicThresholdPercent <= 100)) {
    throw new RangeError(`locality: panic threshold must be between 0 and 100 percent, got ${panicThresholdPercent}`);
  }
  return { enabled, overprovisioningFactor, panicThresholdPercent };
}

/** A writable array of numbers: a plain array or a typed array. */
type Numbers = { [index: number]: number; readonly length: number };

/**
 * Envoy's per-level health: `min(100, ⌊opf% · healthy / total⌋)` in integer percent, with the
 * factor held as an integer percent (140) as Envoy stores it. An empty level has health 0.
 */
function levelHealth(healthy: number, total: number, factorPercent: number): number {
  return total === 0 ? 0 : Math.min(100, Math.floor((factorPercent * healthy) / total));
}

/**
 * Fills `load` with Envoy's integer priority loads from per-level availability, and returns
 * the normalized total availability (`min(100, Σ health)`). Envoy's `distributeLoad`: each
 * level takes `min(remaining, ⌊health·100 / normalized⌋)`; the rounding remainder goes to
 * the first level with any health. With no availability at all, P0 gets 100.
 */
function fillLoad(healthy: ArrayLike<number>, total: ArrayLike<number>, levels: number, factor: number, load: Numbers): number {
  const factorPercent = Math.round(factor * 100);
  let sum = 0;
  for (let i = 0; i < levels; i++) sum += levelHealth(healthy[i], total[i], factorPercent);
  const normalized = Math.min(100, sum);
  for (let i = 0; i < levels; i++) load[i] = 0;
  if (normalized === 0) {
    load[0] = 100;
    return 0;
  }
  let remaining = 100;
  let first = -1;
  for (let i = 0; i < levels; i++) {
    const health = levelHealth(healthy[i], total[i], factorPercent);
    if (first < 0 && health > 0) first = i;
    load[i] = Math.min(remaining, Math.floor((health * 100) / normalized));
    remaining -= load[i];
  }
  load[first] += remaining;
  return normalized;
}

/**
 * Envoy's panic per level and total panic (`recalculatePerPriorityPanic`): with normalized
 * total availability 100 no level panics; below it a level panics when its healthy share is
 * under the threshold. Threshold 0 with nothing available: no panic, P0 gets 100 (and there is
 * no healthy host to pick). Every level in panic ("total panic"): the load follows the host
 * counts, `⌊100·total_P / Σ total⌋`, remainder to the first non-empty level.
 */
function fillPanic(
  healthy: ArrayLike<number>,
  total: ArrayLike<number>,
  levels: number,
  normalized: number,
  thresholdPercent: number,
  load: Numbers,
  panic: Numbers,
): void {
  let totalPanic = true;
  for (let i = 0; i < levels; i++) {
    const p = normalized < 100 && thresholdPercent > 0 && inPanic(healthy[i], total[i], thresholdPercent);
    panic[i] = p ? 1 : 0;
    totalPanic &&= p;
  }
  if (!totalPanic) return;
  let hosts = 0;
  for (let i = 0; i < levels; i++) hosts += total[i];
  if (hosts === 0) return; // load stays 100 on P0
  let remaining = 100;
  let firstNonEmpty = -1;
  for (let i = 0; i < levels; i++) {
    if (firstNonEmpty < 0 && total[i] > 0) firstNonEmpty = i;
    load[i] = Math.floor((100 * total[i]) / hosts);
    remaining -= load[i];
  }
  load[firstNonEmpty] += remaining;
}

/**
 * Envoy's priority load in integer percents (`recalculatePerPriorityState`, healthy hosts
 * only): `health(P) = min(100, ⌊140·healthy_P/total_P⌋)`, scaled by the normalized total
 * `min(100, Σ health)`, remainder to the first available level. Panic is not applied here;
 * see {@link priorityState}.
 *
 * @example priorityLoad([50, 100], [100, 100]) // [70, 30]
 */
export function priorityLoad(
  healthyPerLevel: readonly number[],
  totalPerLevel: readonly number[],
  overprovisioningFactor = DEFAULT_OVERPROVISIONING_FACTOR,
): number[] {
  const load = new Array<number>(healthyPerLevel.length).fill(0);
  fillLoad(healthyPerLevel, totalPerLevel, healthyPerLevel.length, overprovisioningFactor, load);
  return load;
}

/**
 * Envoy's `isHostSetInPanic`: the level's healthy share (0 for an empty level) is below the
 * threshold. (Envoy also ignores panic while the normalized total availability is 100;
 * {@link priorityState} applies that.)
 */
export function inPanic(healthy: number, total: number, thresholdPercent: number): boolean {
  const healthyPercent = total === 0 ? 0 : (100 * healthy) / total;
  return healthyPercent < thresholdPercent;
}

/** Priority loads and panic flags after Envoy's panic rules. */
export interface PriorityState {
  /** Integer percent of requests sent to each level; sums to 100. */
  readonly load: number[];
  /** Whether each level balances over all its hosts regardless of health. */
  readonly panic: boolean[];
}

/**
 * The priority loads and per-level panic that Envoy computes from per-level host counts:
 * {@link priorityLoad}, then panic and total panic (see `recalculatePerPriorityPanic`).
 */
export function priorityState(
  healthyPerLevel: readonly number[],
  totalPerLevel: readonly number[],
  overprovisioningFactor = DEFAULT_OVERPROVISIONING_FACTOR,
  panicThresholdPercent = DEFAULT_PANIC_THRESHOLD_PERCENT,
): PriorityState {
  const levels = healthyPerLevel.length;
  const load = new Array<number>(levels).fill(0);
  const panic = new Array<number>(levels).fill(0);
  const normalized = fillLoad(healthyPerLevel, totalPerLevel, levels, overprovisioningFactor, load);
  fillPanic(healthyPerLevel, totalPerLevel, levels, normalized, panicThresholdPercent, load, panic);
  return { load, panic: panic.map((p) => p === 1) };
}

/**
 * The priority levels of one caller's view of a host set, and each level's candidate hosts:
 * its healthy hosts, or all its hosts while it is in panic.
 *
 * Levels: with locality enabled, hosts in the caller's zone are P0 and all others P1, an
 * empty level dropped (Istio numbers the priorities it emits consecutively, so with no host
 * in the caller's zone the others are P0); disabled, all hosts are P0. Members of a level keep
 * host order. Loads and candidates are recomputed only when the host set's health version
 * changes ({@link PriorityLevels.refresh}); nothing here allocates after construction.
 */
export class PriorityLevels {
  /** Number of levels (1 or 2). */
  readonly count: number;
  /** Level `L`'s candidates are `candidates[start[L] … start[L] + candidateCount[L] - 1]`. */
  readonly candidates: Int32Array;
  /** First slot of each level in {@link PriorityLevels.candidates}. */
  readonly start: Int32Array;
  /** Hosts in each level, healthy or not. */
  readonly total: Int32Array;
  /** Healthy hosts in each level. */
  readonly healthy: Int32Array;
  /** Candidates of each level: its healthy hosts, or all of them in panic. */
  readonly candidateCount: Int32Array;
  /** Integer percent of requests sent to each level. */
  readonly load: Int32Array;
  /** 1 while a level is in panic. */
  readonly panic: Uint8Array;
  private readonly hosts: HostSet;
  private readonly config: LocalityConfig;
  /** All hosts, grouped by level, in host order within a level. */
  private readonly members: Int32Array;
  private seenVersion = -1;

  /** Assigns hosts to levels and computes the loads for the current health. */
  constructor(hosts: HostSet, config: LocalityConfig, callerZone: number) {
    this.hosts = hosts;
    this.config = config;
    const n = hosts.size;
    let local = 0;
    for (let h = 0; h < n; h++) if (hosts.zone(h) === callerZone) local++;
    const split = config.enabled && local > 0 && local < n;
    this.count = split ? 2 : 1;
    this.members = new Int32Array(n);
    this.candidates = new Int32Array(n);
    this.start = new Int32Array(this.count);
    this.total = new Int32Array(this.count);
    this.healthy = new Int32Array(this.count);
    this.candidateCount = new Int32Array(this.count);
    this.load = new Int32Array(this.count);
    this.panic = new Uint8Array(this.count);
    let next = 0;
    for (let level = 0; level < this.count; level++) {
      this.start[level] = next;
      for (let h = 0; h < n; h++) {
        if (split && (hosts.zone(h) === callerZone) !== (level === 0)) continue;
        this.members[next++] = h;
      }
      this.total[level] = next - this.start[level];
    }
    this.refresh();
  }

  /**
   * Recomputes health, loads, panic and candidates if the host set's health changed since
   * the last call. Returns whether it did.
   */
  refresh(): boolean {
    if (this.seenVersion === this.hosts.healthVersion) return false;
    this.seenVersion = this.hosts.healthVersion;
    for (let level = 0; level < this.count; level++) {
      let healthy = 0;
      const end = this.start[level] + this.total[level];
      for (let i = this.start[level]; i < end; i++) if (this.hosts.isHealthy(this.members[i])) healthy++;
      this.healthy[level] = healthy;
    }
    const normalized = fillLoad(this.healthy, this.total, this.count, this.config.overprovisioningFactor, this.load);
    fillPanic(this.healthy, this.total, this.count, normalized, this.config.panicThresholdPercent, this.load, this.panic);
    for (let level = 0; level < this.count; level++) this.fillCandidates(level);
    return true;
  }

  /**
   * Envoy's `choosePriority`: a draw `r` uniform in 1…100 selects the first level whose
   * cumulative load reaches `r`. No draw is made while P0 takes all the load.
   */
  pickLevel(rng: Rng): number {
    if (this.load[0] >= 100) return 0;
    const r = rng.int(100) + 1;
    let cumulative = 0;
    for (let level = 0; level < this.count; level++) {
      cumulative += this.load[level];
      if (r <= cumulative) return level;
    }
    return this.count - 1;
  }

  /** Lays out level `level`'s candidates: all members in panic, else the healthy ones. */
  private fillCandidates(level: number): void {
    const begin = this.start[level];
    const end = begin + this.total[level];
    const all = this.panic[level] === 1;
    let next = begin;
    for (let i = begin; i < end; i++) {
      const h = this.members[i];
      if (all || this.hosts.isHealthy(h)) this.candidates[next++] = h;
    }
    this.candidateCount[level] = next - begin;
  }
}
