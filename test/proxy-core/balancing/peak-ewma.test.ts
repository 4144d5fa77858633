import { describe, expect, it } from 'vitest';
import { HostSet } from '../../../proxy-core/balancing/host-set.js';
import { createLoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { scriptedInts } from '../scripted-rng.js';


/** Advances the virtual clock to `t` ms. */
function advanceTo(clock: VirtualClock, t: number): void {
  clock.schedule(t - clock.now(), () => {}, null);
  clock.run();
}

/** One attempt on `h` that took `rttMs`, ending now. */
function sample(hosts: HostSet, h: number, rttMs: number): void {
  hosts.attemptStarted(h);
  hosts.attemptEnded(h, rttMs);
}

describe('peak-EWMA P2C (Linkerd: tower p2c over PeakEwma)', () => {
  it('draws two distinct candidates (sample_floyd2) and keeps the cheaper, the first on a tie', () => {
    const clock = new VirtualClock();
    const hosts = new HostSet([{ zone: 0 }, { zone: 0 }, { zone: 0 }], clock);
    hosts.attemptStarted(1); // cost 60 vs 30
    // (a, b) = (1, 2) → 2; (0, 0) collides → a = 2, b = 0: tie → a = 2; (1, 0) → 0
    const lb = createLoadBalancer('peak-ewma', hosts, scriptedInts([1, 2, 0, 0, 1, 0]));
    expect([lb.pick(), lb.pick(), lb.pick()]).toEqual([2, 2, 0]);
  });

  it('picks a lone candidate without drawing', () => {
    const hosts = new HostSet([{ zone: 0 }, { zone: 0 }], new VirtualClock());
    hosts.setHealthy(1, false); // 50 % healthy: not in panic, one candidate
    const lb = createLoadBalancer('peak-ewma', hosts, scriptedInts([]));
    expect([lb.pick(), lb.pick()]).toEqual([0, 0]);
  });

  it('prefers the fast host after a slow sample, then returns to the slow one as its estimate decays back', () => {
    const clock = new VirtualClock();
    const hosts = new HostSet([{ zone: 0 }, { zone: 0 }], clock);
    const lb = createLoadBalancer('peak-ewma', hosts, new SeededRng(41));
    advanceTo(clock, 1000);
    sample(hosts, 0, 300); // above 30: the peak replaces the estimate
    sample(hosts, 1, 20); // below: 30·e^(−0.1) + 20·(1 − e^(−0.1))
    expect(hosts.rttEstimateMs(0)).toBe(300);
    expect(hosts.rttEstimateMs(1)).toBeCloseTo(20 + 10 * Math.exp(-0.1), 12);
    for (let i = 0; i < 100; i++) expect(lb.pick()).toBe(1);

    // Host 1 holds one request open (cost ×2); both answer 20 ms every second. Host 0's
    // estimate is 20 + 280·e^(−0.1k) after k seconds, host 1's 20 + 10·e^(−0.1(k+1)); host 0
    // wins again once 20 + 280·e^(−0.1k) ≤ 2·(20 + 10·e^(−0.1(k+1))): first at k = 26.
    hosts.attemptStarted(1);
    let firstBack = -1;
    for (let k = 1; k <= 40 && firstBack < 0; k++) {
      advanceTo(clock, 1000 + 1000 * k);
      sample(hosts, 0, 20);
      sample(hosts, 1, 20);
      expect(hosts.rttEstimateMs(0)).toBeCloseTo(20 + 280 * Math.exp(-0.1 * k), 9);
      if (lb.pick() === 0) firstBack = k;
    }
    expect(firstBack).toBe(26);
  });
});
