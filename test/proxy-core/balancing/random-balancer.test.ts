import { describe, expect, it } from 'vitest';
import { HostSet } from '../../../proxy-core/balancing/host-set.js';
import { createLoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { SeededRng } from '../../../sim/seeded-rng.js';

describe('random balancer (Envoy RandomLoadBalancer)', () => {
  it('picks uniformly among healthy hosts, ignoring weights (each count within 5σ of N/4)', () => {
    const hosts = new HostSet(
      [{ zone: 0, weight: 1 }, { zone: 0, weight: 9 }, { zone: 0 }, { zone: 0 }, { zone: 0 }],
      new VirtualClock(),
    );
    hosts.setHealthy(4, false);
    const lb = createLoadBalancer('random', hosts, new SeededRng(21));
    const N = 40_000;
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[lb.pick()]++;
    const bound = 5 * Math.sqrt(N * 0.25 * 0.75); // 433
    for (let h = 0; h < 4; h++) expect(Math.abs(counts[h] - N / 4)).toBeLessThanOrEqual(bound);
    expect(counts[4]).toBe(0);
  });

  it('draws one int(n) per pick over the candidates', () => {
    const hosts = new HostSet([{ zone: 0 }, { zone: 0 }, { zone: 0 }], new VirtualClock());
    hosts.setHealthy(0, false);
    const draws = [1, 0, 1];
    const lb = createLoadBalancer('random', hosts, {
      next: () => 0,
      int: (n) => {
        expect(n).toBe(2);
        return draws.shift()!;
      },
      fork() {
        return this;
      },
    });
    expect([lb.pick(), lb.pick(), lb.pick()]).toEqual([2, 1, 2]);
  });
});
