import { describe, expect, it } from 'vitest';
import { HostSet, type HostSpec } from '../../../proxy-core/balancing/host-set.js';
import { LeastRequestBalancer } from '../../../proxy-core/balancing/least-request.js';
import { createLoadBalancer, resolveLoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { PriorityLevels, resolveLocality } from '../../../proxy-core/balancing/locality-priority.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { scriptedInts } from '../scripted-rng.js';

const hostSet = (specs: HostSpec[]) => new HostSet(specs, new VirtualClock());
const equalHosts = (n: number) => hostSet(Array.from({ length: n }, () => ({ zone: 0 })));


/** Makes `count` attempts outstanding on host `h`. */
function load(hosts: HostSet, h: number, count: number): void {
  for (let i = 0; i < count; i++) hosts.attemptStarted(h);
}

describe('least request, equal weights (Envoy N_CHOICES P2C, with replacement)', () => {
  it('keeps the less loaded of the two drawn hosts; a double draw of the busy host picks it', () => {
    const hosts = equalHosts(2);
    load(hosts, 0, 3);
    const lb = createLoadBalancer('least-request', hosts, scriptedInts([0, 1, 1, 0, 1, 1, 0, 0]));
    expect([lb.pick(), lb.pick(), lb.pick(), lb.pick()]).toEqual([1, 1, 1, 0]);
  });

  it('keeps the first drawn host on a tie (strict <)', () => {
    const hosts = equalHosts(3);
    load(hosts, 0, 1);
    load(hosts, 2, 1);
    const lb = createLoadBalancer('least-request', hosts, scriptedInts([2, 0, 0, 2]));
    expect([lb.pick(), lb.pick()]).toEqual([2, 0]);
  });

  it('picks the less loaded of two hosts with probability 3/4 (within 5σ over 20 000 picks)', () => {
    const hosts = equalHosts(2);
    load(hosts, 0, 5);
    const lb = createLoadBalancer('least-request', hosts, new SeededRng(31));
    const N = 20_000;
    let idle = 0;
    for (let i = 0; i < N; i++) if (lb.pick() === 1) idle++;
    expect(Math.abs(idle - 0.75 * N)).toBeLessThanOrEqual(5 * Math.sqrt(N * 0.75 * 0.25));
  });

  it('with choice_count 3 over 4 hosts, finds the single idle host with probability 1 − (3/4)³', () => {
    const hosts = equalHosts(4);
    for (let h = 1; h < 4; h++) load(hosts, h, 2);
    const lb = createLoadBalancer('least-request', hosts, new SeededRng(32), { choiceCount: 3 });
    const N = 20_000;
    const p = 1 - 0.75 ** 3;
    let idle = 0;
    for (let i = 0; i < N; i++) if (lb.pick() === 0) idle++;
    expect(Math.abs(idle - p * N)).toBeLessThanOrEqual(5 * Math.sqrt(N * p * (1 - p)));
  });

  it('never picks an unhealthy host, however idle', () => {
    const hosts = equalHosts(3);
    load(hosts, 1, 4);
    load(hosts, 2, 4);
    hosts.setHealthy(0, false);
    const lb = createLoadBalancer('least-request', hosts, new SeededRng(33));
    for (let i = 0; i < 1000; i++) expect(lb.pick()).not.toBe(0);
  });
});

describe('least request, unequal weights (Envoy EDF with weight / (active + 1)^bias)', () => {
  const levelsOf = (hosts: HostSet) => new PriorityLevels(hosts, resolveLocality(), 0);

  it("computes Envoy's documented dynamic weight: w = 2 with 4 active ⇒ 0.4", () => {
    const hosts = hostSet([{ zone: 0, weight: 2 }, { zone: 0, weight: 1 }]);
    load(hosts, 0, 4);
    const lr = (bias: number) => new LeastRequestBalancer(hosts, new SeededRng(1), levelsOf(hosts), resolveLoadBalancer({ activeRequestBias: bias }));
    expect(lr(1).weightOf(0)).toBe(0.4);
    expect(lr(0).weightOf(0)).toBe(2);
    expect(lr(2).weightOf(0)).toBeCloseTo(2 / 25, 15);
    expect(lr(1).weightOf(1)).toBe(1);
  });

  it('follows the weights when idle (2 : 1)', () => {
    const hosts = hostSet([{ zone: 0, weight: 2 }, { zone: 0, weight: 1 }]);
    const lb = createLoadBalancer('least-request', hosts, new SeededRng(34));
    const counts = [0, 0];
    for (let i = 0; i < 300; i++) counts[lb.pick()]++;
    expect(counts).toEqual([200, 100]);
  });

  it('shifts picks away from the busy heavier host (2/(3+1) = 0.5 vs 1: 1 : 2)', () => {
    const hosts = hostSet([{ zone: 0, weight: 2 }, { zone: 0, weight: 1 }]);
    load(hosts, 0, 3);
    const lb = createLoadBalancer('least-request', hosts, new SeededRng(35));
    const counts = [0, 0];
    for (let i = 0; i < 300; i++) counts[lb.pick()]++;
    // The schedule was built with host 0 at weight 0.5 and re-adds it at 0.5: exactly 1 : 2 per cycle.
    expect(counts).toEqual([100, 200]);
  });

  it('with active_request_bias 0 behaves as weighted round robin', () => {
    const hosts = hostSet([{ zone: 0, weight: 2 }, { zone: 0, weight: 1 }]);
    load(hosts, 0, 3);
    const lb = createLoadBalancer('least-request', hosts, new SeededRng(36), { activeRequestBias: 0 });
    const counts = [0, 0];
    for (let i = 0; i < 300; i++) counts[lb.pick()]++;
    expect(counts).toEqual([200, 100]);
  });
});
