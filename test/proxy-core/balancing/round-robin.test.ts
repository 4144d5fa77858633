import { describe, expect, it } from 'vitest';
import { HostSet, type HostSpec } from '../../../proxy-core/balancing/host-set.js';
import { createLoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { EdfSchedule } from '../../../proxy-core/balancing/round-robin.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { SeededRng } from '../../../sim/seeded-rng.js';

/** An Rng whose int() returns `seed` once (the balancer's seed), then fails. */
function seedOnly(seed: number): Rng {
  let used = false;
  return {
    next: () => {
      throw new Error('unexpected next()');
    },
    int: () => {
      if (used) throw new Error('round robin drew more than its seed');
      used = true;
      return seed;
    },
    fork() {
      return this;
    },
  };
}

const hostSet = (specs: HostSpec[]) => new HostSet(specs, new VirtualClock());

describe('round robin, equal weights (Envoy rr_index++ % n)', () => {
  it('rotates strictly from the seeded start, drawing nothing per pick', () => {
    const lb = createLoadBalancer('round-robin', hostSet([{ zone: 0 }, { zone: 0 }, { zone: 0 }]), seedOnly(4));
    expect(Array.from({ length: 7 }, () => lb.pick())).toEqual([1, 2, 0, 1, 2, 0, 1]);
  });

  it('skips unhealthy hosts and takes them back when they recover', () => {
    const hosts = hostSet([{ zone: 0 }, { zone: 0 }, { zone: 0 }, { zone: 0 }]);
    const lb = createLoadBalancer('round-robin', hosts, seedOnly(0));
    hosts.setHealthy(1, false);
    expect(Array.from({ length: 6 }, () => lb.pick())).toEqual([0, 2, 3, 0, 2, 3]);
    hosts.setHealthy(1, true);
    expect(Array.from({ length: 4 }, () => lb.pick()).sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('round robin, unequal weights (Envoy EdfScheduler)', () => {
  it('picks in proportion to weight, exactly over whole cycles', () => {
    const hosts = hostSet([{ zone: 0, weight: 1 }, { zone: 0, weight: 2 }, { zone: 0, weight: 3 }]);
    const lb = createLoadBalancer('round-robin', hosts, new SeededRng(11));
    const counts = [0, 0, 0];
    for (let i = 0; i < 600; i++) counts[lb.pick()]++;
    expect(counts).toEqual([100, 200, 300]);
  });

  it('orders picks by deadline 1/w, ties by insertion (weights 2 and 1: a, b, a, a, b, a …)', () => {
    const edf = new EdfSchedule(2);
    const weights = { weightOf: (h: number) => (h === 0 ? 2 : 1) };
    edf.reset(Int32Array.of(0, 1), 0, 2, weights, 0);
    // deadlines: a 0.5, b 1 → a (a→1.0, inserted after b) → b (b→2) → a (a→1.5) → a (a→2.0, after b) → b → a
    expect(Array.from({ length: 6 }, () => edf.pickAndAdd(weights))).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('starts at a seeded phase: pre-picks shift the sequence', () => {
    const weights = { weightOf: (h: number) => (h === 0 ? 2 : 1) };
    const edf = new EdfSchedule(2);
    edf.reset(Int32Array.of(0, 1), 0, 2, weights, 1);
    expect(Array.from({ length: 5 }, () => edf.pickAndAdd(weights))).toEqual([1, 0, 0, 1, 0]);
  });

  it('drops an unhealthy host from the schedule', () => {
    const hosts = hostSet([{ zone: 0, weight: 1 }, { zone: 0, weight: 2 }, { zone: 0, weight: 3 }]);
    const lb = createLoadBalancer('round-robin', hosts, new SeededRng(12));
    hosts.setHealthy(2, false);
    const counts = [0, 0, 0];
    for (let i = 0; i < 300; i++) counts[lb.pick()]++;
    expect(counts).toEqual([100, 200, 0]);
  });
});
