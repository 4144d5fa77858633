import type { HostSet } from './host-set.js';
import { LeastRequestBalancer } from './least-request.js';
import { PriorityLevels, resolveLocality, type LocalityOptions } from './locality-priority.js';
import { PeakEwmaBalancer } from './peak-ewma.js';
import { RandomBalancer } from './random-balancer.js';
import type { Rng } from '../clock/rng.js';
import { RoundRobinBalancer } from './round-robin.js';

// Envoy: load_balancers.rst (ROUND_ROBIN, LEAST_REQUEST, RANDOM); Linkerd: P2C + peak-EWMA;
// Istio: DestinationRule trafficPolicy.loadBalancer.simple

/** The algorithms: Envoy's round robin, random and least request, Linkerd's peak-EWMA P2C. */
export type LoadBalancerKind = 'round-robin' | 'random' | 'least-request' | 'peak-ewma';

/** Envoy `LeastRequest.choice_count` default. */
export const DEFAULT_CHOICE_COUNT = 2;
/** Envoy `LeastRequest.active_request_bias` default. */
export const DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;

/** Parameters of the least-request balancer, with Envoy's names. */
export interface LoadBalancerOptions {
  /** Envoy `choice_count`: hosts sampled per pick (equal weights); at least 2. Default {@link DEFAULT_CHOICE_COUNT}. */
  readonly choiceCount?: number;
  /** Envoy `active_request_bias` (unequal weights); ≥ 0, 0 is plain weighted RR. Default {@link DEFAULT_ACTIVE_REQUEST_BIAS}. */
  readonly activeRequestBias?: number;
}

/** {@link LoadBalancerOptions} with the defaults filled in. */
export type LoadBalancerConfig = Required<LoadBalancerOptions>;

/**
 * Validates `options` and fills in Envoy's defaults.
 *
 * @throws RangeError if `choiceCount` is not an integer ≥ 2 (Envoy's proto validation), or
 * `activeRequestBias` is negative or not finite.
 */
export function resolveLoadBalancer(options: LoadBalancerOptions = {}): LoadBalancerConfig {
  const choiceCount = options.choiceCount ?? DEFAULT_CHOICE_COUNT;
  const activeRequestBias = options.activeRequestBias ?? DEFAULT_ACTIVE_REQUEST_BIAS;
  if (!Number.isSafeInteger(choiceCount) || choiceCount < 2) {
    throw new RangeError(`least request: choice_count must be an integer of at least 2, got ${choiceCount}`);
  }
  if (!(activeRequestBias >= 0) || !Number.isFinite(activeRequestBias)) {
    throw new RangeError(`least request: active_request_bias must be a non-negative number, got ${activeRequestBias}`);
  }
  return { choiceCount, activeRequestBias };
}

/** Picks the host for each attempt. */
export interface LoadBalancer {
  /** A host index among the healthy hosts of the chosen priority (or all hosts of it in panic), or -1 if none. */
  pick(): number;
}

/**
 * One algorithm's choice within a priority level: what each algorithm file implements.
 * The balancer calls {@link LevelBalancer.rebuild} whenever the levels' candidates changed,
 * and {@link LevelBalancer.pick} only for a level with at least one candidate.
 */
export interface LevelBalancer {
  /** The candidate lists changed (health changed): rebuild any per-level schedule. */
  rebuild(levels: PriorityLevels): void;
  /** A host among level `level`'s candidates. */
  pick(levels: PriorityLevels, level: number): number;
}

/**
 * Creates a balancer over `hosts` for one caller: it picks a priority level by Envoy's
 * priority loads (§1.9; one level of all hosts when locality is disabled), then a host
 * within the level with `kind`. Per pick it allocates nothing; level loads and candidate
 * lists are rebuilt only when the host set's health changes.
 *
 * @throws RangeError for invalid options (see {@link resolveLoadBalancer}, `resolveLocality`).
 */
export function createLoadBalancer(
  kind: LoadBalancerKind,
  hosts: HostSet,
  rng: Rng,
  options?: LoadBalancerOptions,
  locality?: LocalityOptions & { callerZone: number },
): LoadBalancer {
  const config = resolveLoadBalancer(options);
  const levels = new PriorityLevels(hosts, resolveLocality(locality), locality?.callerZone ?? 0);
  return new PriorityBalancer(levels, algorithm(kind, hosts, rng, config, levels), rng);
}

/** The within-level algorithm for `kind`. */
function algorithm(kind: LoadBalancerKind, hosts: HostSet, rng: Rng, config: LoadBalancerConfig, levels: PriorityLevels): LevelBalancer {
  switch (kind) {
    case 'round-robin':
      return new RoundRobinBalancer(hosts, rng, levels);
    case 'random':
      return new RandomBalancer(rng);
    case 'least-request':
      return new LeastRequestBalancer(hosts, rng, levels, config);
    case 'peak-ewma':
      return new PeakEwmaBalancer(hosts, rng);
    default:
      throw new RangeError(`unknown load balancer ${String(kind)}`);
  }
}

/** Level first, then host: Envoy's `chooseHostSet` followed by the cluster's LB. */
class PriorityBalancer implements LoadBalancer {
  constructor(
    private readonly levels: PriorityLevels,
    private readonly within: LevelBalancer,
    private readonly rng: Rng,
  ) {
    within.rebuild(levels);
  }

  pick(): number {
    if (this.levels.refresh()) this.within.rebuild(this.levels);
    const level = this.levels.pickLevel(this.rng);
    if (this.levels.candidateCount[level] === 0) return -1; // Envoy: 503 "no healthy upstream"
    return this.within.pick(this.levels, level);
  }
}
