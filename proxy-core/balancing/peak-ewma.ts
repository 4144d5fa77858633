import type { HostSet } from './host-set.js';
import type { LevelBalancer } from './load-balancer.js';
import type { PriorityLevels } from './locality-priority.js';
import type { Rng } from '../clock/rng.js';

// Linkerd: tower p2c::Balance over PeakEwma (default_rtt 30 ms, decay 10 s; see HostSet)

/**
 * Linkerd's balancer: power of two choices over peak-EWMA cost. Two *distinct* candidates
 * are drawn (tower `sample_floyd2`: `a ∈ [0, n−1)`, `b ∈ [0, n)`, `a = n−1` if they collide)
 * and the one with the lower {@link HostSet.peakEwmaCost} — `rtt_estimate × (pending + 1)` —
 * wins, `a` on a tie. A single candidate is picked without a draw. Host weights are not used
 * (Linkerd's endpoint balancer has none).
 */
export class PeakEwmaBalancer implements LevelBalancer {
  private readonly hosts: HostSet;
  private readonly rng: Rng;

  /** Reads costs from `hosts`, draws from `rng`. */
  constructor(hosts: HostSet, rng: Rng) {
    this.hosts = hosts;
    this.rng = rng;
  }

  rebuild(): void {}

  pick(levels: PriorityLevels, level: number): number {
    const start = levels.start[level];
    const count = levels.candidateCount[level];
    if (count === 1) return levels.candidates[start];
    let a = this.rng.int(count - 1);
    const b = this.rng.int(count);
    if (a === b) a = count - 1;
    const hostA = levels.candidates[start + a];
    const hostB = levels.candidates[start + b];
    return this.hosts.peakEwmaCost(hostA) <= this.hosts.peakEwmaCost(hostB) ? hostA : hostB;
  }
}
