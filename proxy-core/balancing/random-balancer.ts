import type { LevelBalancer } from './load-balancer.js';
import type { PriorityLevels } from './locality-priority.js';
import type { Rng } from '../clock/rng.js';

// Envoy: RandomLoadBalancer — hosts_to_use[random() % n]; weights are not used

/**
 * Envoy's random balancer: a uniform draw among the level's candidates. Like Envoy's, it
 * ignores host weights (load_balancers.rst: "better than round robin if no health checking
 * policy is configured").
 */
export class RandomBalancer implements LevelBalancer {
  private readonly rng: Rng;

  /** Draws from `rng`. */
  constructor(rng: Rng) {
    this.rng = rng;
  }

  rebuild(): void {}

  pick(levels: PriorityLevels, level: number): number {
    return levels.candidates[levels.start[level] + this.rng.int(levels.candidateCount[level])];
  }
}
