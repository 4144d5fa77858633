import { describe, expect, it } from 'vitest';
import { HostSet } from '../../../proxy-core/balancing/host-set.js';
import {
  createLoadBalancer,
  DEFAULT_ACTIVE_REQUEST_BIAS,
  DEFAULT_CHOICE_COUNT,
  type LoadBalancer,
  type LoadBalancerKind,
  resolveLoadBalancer,
} from '../../../proxy-core/balancing/load-balancer.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { SeededRng } from '../../../sim/seeded-rng.js';

const KINDS: LoadBalancerKind[] = ['round-robin', 'random', 'least-request', 'peak-ewma'];

/** `local` hosts in zone 0 (the caller's) followed by `remote` hosts in zone 1. */
function zonedHosts(local: number, remote: number): HostSet {
  const specs = [...Array(local).fill({ zone: 0 }), ...Array(remote).fill({ zone: 1 })];
  return new HostSet(specs, new VirtualClock());
}

/** Counts of picks per host over `n` picks. */
function countPicks(lb: LoadBalancer, hosts: number, n: number): number[] {
  const counts = new Array<number>(hosts + 1).fill(0); // last slot counts -1
  for (let i = 0; i < n; i++) {
    const h = lb.pick();
    counts[h < 0 ? hosts : h]++;
  }
  return counts;
}

/** Five binomial standard deviations for `n` trials of probability `p` (two-sided, ≈ 6e-7 by chance). */
const fiveSigma = (n: number, p: number) => 5 * Math.sqrt(n * p * (1 - p));

describe('createLoadBalancer: locality failover (Envoy priority table through the balancer)', () => {
  // 100 hosts in the caller's zone (P0), 100 elsewhere (P1, all healthy); N picks per row.
  const N = 20_000;
  const rows: [healthyLocal: number, expectedLocalPercent: number][] = [
    [100, 100],
    [72, 100],
    [71, 99],
    [50, 70],
    [25, 35],
    [0, 0],
  ];
  for (const kind of KINDS) {
    it(`${kind}: sends each row's share of picks to the local zone, only to healthy hosts`, () => {
      for (const [healthyLocal, percent] of rows) {
        const hosts = zonedHosts(100, 100);
        for (let h = healthyLocal; h < 100; h++) hosts.setHealthy(h, false);
        const lb = createLoadBalancer(kind, hosts, new SeededRng(7, `failover-${kind}-${healthyLocal}`), {}, { enabled: true, callerZone: 0 });
        const counts = countPicks(lb, 200, N);
        const local = counts.slice(0, 100).reduce((s, x) => s + x, 0);
        const p = percent / 100;
        expect(Math.abs(local - N * p)).toBeLessThanOrEqual(fiveSigma(N, p));
        for (let h = healthyLocal; h < 100; h++) expect(counts[h]).toBe(0);
        expect(counts[200]).toBe(0);
      }
    });
  }

  it('fails over as hosts become unhealthy and back as they recover, without rebuilding the balancer', () => {
    const hosts = zonedHosts(4, 4);
    const lb = createLoadBalancer('round-robin', hosts, new SeededRng(3), {}, { enabled: true, callerZone: 0 });
    expect(countPicks(lb, 8, 100).slice(4, 8)).toEqual([0, 0, 0, 0]);
    for (let h = 0; h < 4; h++) hosts.setHealthy(h, false); // local zone down, P1 healthy: 0/100
    expect(countPicks(lb, 8, 100).slice(0, 4)).toEqual([0, 0, 0, 0]);
    for (let h = 0; h < 4; h++) hosts.setHealthy(h, true);
    expect(countPicks(lb, 8, 100).slice(4, 8)).toEqual([0, 0, 0, 0]);
  });
});

describe('createLoadBalancer: panic (Envoy healthy_panic_threshold, §1.9)', () => {
  it('balances over all hosts of a level below 50 % healthy, over the healthy ones at 50 %', () => {
    const hosts = new HostSet(Array.from({ length: 10 }, () => ({ zone: 0 })), new VirtualClock());
    for (let h = 0; h < 5; h++) hosts.setHealthy(h, false); // 50 %: not in panic
    const lb = createLoadBalancer('round-robin', hosts, new SeededRng(1));
    expect(countPicks(lb, 10, 100)).toEqual([0, 0, 0, 0, 0, 20, 20, 20, 20, 20, 0]);
    hosts.setHealthy(5, false); // 40 %: panic, strict rotation over all ten
    expect(countPicks(lb, 10, 100)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0]);
  });

  it('panics over all hosts when none is healthy and the threshold is above 0', () => {
    const hosts = new HostSet([{ zone: 0 }, { zone: 0 }], new VirtualClock());
    hosts.setHealthy(0, false);
    hosts.setHealthy(1, false);
    for (const kind of KINDS) {
      const counts = countPicks(createLoadBalancer(kind, hosts, new SeededRng(2, kind)), 2, 1000);
      expect(counts[2]).toBe(0);
      expect(counts[0]).toBeGreaterThan(400);
      expect(counts[1]).toBeGreaterThan(400);
    }
  });

  it('returns -1 ("no healthy upstream") when the threshold is 0 and no host is healthy', () => {
    const hosts = zonedHosts(2, 2);
    for (let h = 0; h < 4; h++) hosts.setHealthy(h, false);
    for (const kind of KINDS) {
      const lb = createLoadBalancer(kind, hosts, new SeededRng(4, kind), {}, { enabled: true, callerZone: 0, panicThresholdPercent: 0 });
      expect(countPicks(lb, 4, 50)).toEqual([0, 0, 0, 0, 50]);
    }
  });

  it('with locality, splits by host count in total panic (Envoy recalculateLoadInTotalPanic)', () => {
    const hosts = zonedHosts(2, 6);
    for (let h = 0; h < 8; h++) hosts.setHealthy(h, false);
    const N = 20_000;
    const counts = countPicks(createLoadBalancer('random', hosts, new SeededRng(5), {}, { enabled: true, callerZone: 0 }), 8, N);
    const local = counts[0] + counts[1];
    expect(Math.abs(local - N * 0.25)).toBeLessThanOrEqual(fiveSigma(N, 0.25));
  });

  it("with locality, keeps the local zone's unhealthy hosts in play when P0 panics and P1 does not", () => {
    // 20 local hosts with 1 healthy (5 %), 20 remote with 13 healthy (65 %): loads 8/92, P0 in panic.
    const hosts = zonedHosts(20, 20);
    for (let h = 1; h < 20; h++) hosts.setHealthy(h, false);
    for (let h = 33; h < 40; h++) hosts.setHealthy(h, false);
    const N = 20_000;
    const counts = countPicks(createLoadBalancer('random', hosts, new SeededRng(6), {}, { enabled: true, callerZone: 0 }), 40, N);
    const local = counts.slice(0, 20).reduce((s, x) => s + x, 0);
    expect(Math.abs(local - N * 0.08)).toBeLessThanOrEqual(fiveSigma(N, 0.08));
    expect(counts[5]).toBeGreaterThan(0); // an unhealthy local host, picked in panic
    expect(counts.slice(33, 40)).toEqual([0, 0, 0, 0, 0, 0, 0]); // P1 is not in panic
  });
});

describe('resolveLoadBalancer', () => {
  it("fills Envoy's defaults and rejects bad values", () => {
    expect(resolveLoadBalancer()).toEqual({ choiceCount: 2, activeRequestBias: 1 });
    expect(DEFAULT_CHOICE_COUNT).toBe(2);
    expect(DEFAULT_ACTIVE_REQUEST_BIAS).toBe(1);
    expect(() => resolveLoadBalancer({ choiceCount: 1 })).toThrow(RangeError);
    expect(() => resolveLoadBalancer({ choiceCount: 2.5 })).toThrow(RangeError);
    expect(() => resolveLoadBalancer({ activeRequestBias: -0.1 })).toThrow(RangeError);
    const hosts = zonedHosts(1, 0);
    expect(() => createLoadBalancer('nope' as LoadBalancerKind, hosts, new SeededRng(1))).toThrow(RangeError);
  });
});
