import { describe, expect, it } from 'vitest';
import { DEFAULT_PEAK_EWMA_DECAY_MS, DEFAULT_PEAK_EWMA_RTT_MS, HostSet, resolvePeakEwma } from '../../../proxy-core/balancing/host-set.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

/** Advances the virtual clock to `t` ms. */
function advanceTo(clock: VirtualClock, t: number): void {
  clock.schedule(t - clock.now(), () => {}, null);
  clock.run();
}

describe('HostSet', () => {
  it('holds zones and weights (default 1) and knows whether the weights are equal', () => {
    const hosts = new HostSet([{ zone: 2 }, { zone: 0, weight: 3 }], new VirtualClock());
    expect(hosts.size).toBe(2);
    expect([hosts.zone(0), hosts.zone(1)]).toEqual([2, 0]);
    expect([hosts.weight(0), hosts.weight(1)]).toEqual([1, 3]);
    expect(hosts.equalWeights).toBe(false);
    expect(new HostSet([{ zone: 0, weight: 5 }, { zone: 1, weight: 5 }], new VirtualClock()).equalWeights).toBe(true);
  });

  it('bumps the health version only when a host changes health', () => {
    const hosts = new HostSet([{ zone: 0 }, { zone: 0 }], new VirtualClock());
    expect(hosts.healthyCount).toBe(2);
    hosts.setHealthy(0, true);
    expect(hosts.healthVersion).toBe(0);
    hosts.setHealthy(0, false);
    hosts.setHealthy(0, false);
    expect([hosts.healthVersion, hosts.healthyCount, hosts.isHealthy(0)]).toEqual([1, 1, false]);
    hosts.setHealthy(0, true);
    expect([hosts.healthVersion, hosts.healthyCount, hosts.isHealthy(0)]).toEqual([2, 2, true]);
  });

  it('counts outstanding attempts', () => {
    const hosts = new HostSet([{ zone: 0 }], new VirtualClock());
    hosts.attemptStarted(0);
    hosts.attemptStarted(0);
    expect(hosts.active(0)).toBe(2);
    hosts.attemptEnded(0, 10);
    expect(hosts.active(0)).toBe(1);
  });

  it("starts every estimate at Linkerd's default_rtt 30 ms and costs rtt × (pending + 1)", () => {
    expect(resolvePeakEwma()).toEqual({ defaultRttMs: DEFAULT_PEAK_EWMA_RTT_MS, decayMs: DEFAULT_PEAK_EWMA_DECAY_MS });
    expect([DEFAULT_PEAK_EWMA_RTT_MS, DEFAULT_PEAK_EWMA_DECAY_MS]).toEqual([30, 10_000]);
    const hosts = new HostSet([{ zone: 0 }], new VirtualClock());
    expect(hosts.peakEwmaCost(0)).toBe(30);
    hosts.attemptStarted(0);
    hosts.attemptStarted(0);
    expect(hosts.peakEwmaCost(0)).toBe(90);
  });

  it('takes a peak at once, blends a lower sample by e^(−Δt/decay), and projects the decay on read', () => {
    const clock = new VirtualClock();
    const hosts = new HostSet([{ zone: 0 }], clock, { defaultRttMs: 40, decayMs: 5000 });
    advanceTo(clock, 500);
    hosts.attemptStarted(0);
    hosts.attemptEnded(0, 250); // peak
    expect(hosts.rttEstimateMs(0)).toBe(250);
    advanceTo(clock, 5500); // one decay period later
    expect(hosts.peakEwmaCost(0)).toBeCloseTo(250 * Math.exp(-1), 12);
    expect(hosts.peakEwmaCost(0)).toBeCloseTo(250 * Math.exp(-1), 12); // reading changed nothing
    hosts.attemptStarted(0);
    hosts.attemptEnded(0, 50); // below 250: 250·e^(−1) + 50·(1 − e^(−1))
    expect(hosts.rttEstimateMs(0)).toBeCloseTo(250 * Math.exp(-1) + 50 * (1 - Math.exp(-1)), 12);
  });

  it('rejects invalid hosts and EWMA parameters', () => {
    const clock = new VirtualClock();
    expect(() => new HostSet([{ zone: -1 }], clock)).toThrow(RangeError);
    expect(() => new HostSet([{ zone: 0.5 }], clock)).toThrow(RangeError);
    expect(() => new HostSet([{ zone: 0, weight: 0 }], clock)).toThrow(RangeError);
    expect(() => new HostSet([{ zone: 0 }], clock, { defaultRttMs: 0 })).toThrow(RangeError);
    expect(() => new HostSet([{ zone: 0 }], clock, { decayMs: Infinity })).toThrow(RangeError);
  });
});
