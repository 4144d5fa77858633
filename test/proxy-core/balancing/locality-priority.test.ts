import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostSet } from '../../../proxy-core/balancing/host-set.js';
import {
  DEFAULT_OVERPROVISIONING_FACTOR,
  DEFAULT_PANIC_THRESHOLD_PERCENT,
  inPanic,
  PriorityLevels,
  priorityLoad,
  priorityState,
  resolveLocality,
} from '../../../proxy-core/balancing/locality-priority.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { scriptedInts } from '../scripted-rng.js';

/** P0 with `healthy` of 100 hosts healthy, P1 100 % healthy (priority.rst's first table). */
const withHealthyP1 = (healthy: number) => priorityLoad([healthy, 100], [100, 100]);

describe('priorityLoad (Envoy priority.rst, §1.9)', () => {
  it('shifts load to P1 as P0 loses health, P1 fully healthy', () => {
    expect(withHealthyP1(100)).toEqual([100, 0]);
    expect(withHealthyP1(72)).toEqual([100, 0]);
    expect(withHealthyP1(71)).toEqual([99, 1]);
    expect(withHealthyP1(50)).toEqual([70, 30]);
    expect(withHealthyP1(25)).toEqual([35, 65]);
    expect(withHealthyP1(0)).toEqual([0, 100]);
  });

  it('normalizes when the levels together are under 100 % available', () => {
    expect(priorityLoad([25, 25], [100, 100])).toEqual([50, 50]); // normalized total 70
    expect(priorityLoad([72, 72], [100, 100])).toEqual([100, 0]);
    expect(priorityLoad([71, 71], [100, 100])).toEqual([99, 1]);
  });

  it('computes three levels 25/25/20 in integers as Envoy does: 37/35/28 (the docs table rounds to 36/36/28)', () => {
    // health 35, 35, 28; normalized 98; ⌊3500/98⌋ = 35, 35, ⌊2800/98⌋ = 28; remainder 2 → P0.
    expect(priorityLoad([1, 1, 1], [4, 4, 5])).toEqual([37, 35, 28]);
  });

  it("matches Envoy's own unit tests (LoadBalancerBaseTest.GentleFailoverWithExtraLevels)", () => {
    expect(priorityLoad([1, 1, 1], [2, 2, 2])).toEqual([70, 30, 0]);
    expect(priorityLoad([1, 2, 1], [4, 2, 2])).toEqual([35, 65, 0]);
    expect(priorityLoad([1, 1, 1], [4, 4, 4])).toEqual([35, 35, 30]);
    expect(priorityLoad([1, 1, 1], [5, 5, 5])).toEqual([34, 33, 33]);
    expect(priorityLoad([0, 0, 5], [5, 5, 5])).toEqual([0, 0, 100]);
    expect(priorityLoad([0, 0, 4], [5, 5, 5])).toEqual([0, 0, 100]);
  });

  it('uses the overprovisioning factor (Envoy OverProvisioningFactor test)', () => {
    expect(priorityLoad([2, 2], [4, 4])).toEqual([70, 30]);
    expect(priorityLoad([2, 2], [4, 4], 1.0)).toEqual([50, 50]);
  });

  it('gives P0 all the load when nothing is available', () => {
    expect(priorityLoad([0, 0], [4, 4])).toEqual([100, 0]);
  });

  it('always sums to 100 with every level between 0 and 100', () => {
    const levels = fc.array(fc.tuple(fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(levels, fc.integer({ min: 100, max: 300 }), fc.nat(100), (pairs, factor, threshold) => {
        const total = pairs.map(([a, b]) => Math.max(a, b));
        const healthy = pairs.map(([a, b]) => Math.min(a, b));
        for (const load of [priorityLoad(healthy, total, factor / 100), priorityState(healthy, total, factor / 100, threshold).load]) {
          expect(load.reduce((s, x) => s + x, 0)).toBe(100);
          for (const x of load) expect(x >= 0 && x <= 100 && Number.isInteger(x)).toBe(true);
        }
      }),
    );
  });
});

describe('inPanic (Envoy isHostSetInPanic)', () => {
  it('is true when the healthy share is strictly below the threshold', () => {
    expect(inPanic(1, 2, 50)).toBe(false);
    expect(inPanic(1, 3, 50)).toBe(true);
    expect(inPanic(49, 100, 50)).toBe(true);
    expect(inPanic(0, 0, 50)).toBe(true); // an empty level counts as 0 % healthy
    expect(inPanic(0, 4, 0)).toBe(false); // threshold 0 disables panic
  });
});

describe('priorityState (Envoy recalculatePerPriorityPanic, panic_threshold.rst)', () => {
  it('ignores panic while the normalized total availability is 100 %', () => {
    expect(priorityState([1, 2], [4, 2])).toEqual({ load: [35, 65], panic: [false, false] });
    expect(priorityState([0, 100], [100, 100])).toEqual({ load: [0, 100], panic: [false, false] });
  });

  it('puts a level under the threshold in panic once total availability is below 100 %', () => {
    // panic_threshold.rst's 5 % / 65 % row: health 7 and 91, normalized 98 → 7, 92, remainder 1 to P0.
    expect(priorityState([1, 13], [20, 20])).toEqual({ load: [8, 92], panic: [true, false] });
  });

  it('distributes by host count in total panic (Envoy GentleFailover tests)', () => {
    expect(priorityState([1, 1], [4, 4])).toEqual({ load: [50, 50], panic: [true, true] });
    expect(priorityState([0, 0, 0], [5, 3, 2])).toEqual({ load: [50, 30, 20], panic: [true, true, true] });
    expect(priorityState([0, 2, 1], [5, 6, 3])).toEqual({ load: [37, 42, 21], panic: [true, true, true] });
    expect(priorityState([0, 0, 2], [5, 5, 5])).toEqual({ load: [34, 33, 33], panic: [true, true, true] });
  });

  it('sends everything to P0 without panic when the threshold is 0 and nothing is healthy', () => {
    expect(priorityState([0, 0], [4, 6], 1.4, 0)).toEqual({ load: [100, 0], panic: [false, false] });
  });
});

describe('resolveLocality', () => {
  it("fills Envoy's defaults and rejects bad values", () => {
    expect(resolveLocality()).toEqual({ enabled: false, overprovisioningFactor: 1.4, panicThresholdPercent: 50 });
    expect(DEFAULT_OVERPROVISIONING_FACTOR).toBe(1.4);
    expect(DEFAULT_PANIC_THRESHOLD_PERCENT).toBe(50);
    expect(() => resolveLocality({ enabled: true, overprovisioningFactor: 0 })).toThrow(RangeError);
    expect(() => resolveLocality({ enabled: true, panicThresholdPercent: 101 })).toThrow(RangeError);
    expect(() => resolveLocality({ enabled: true, panicThresholdPercent: -1 })).toThrow(RangeError);
  });
});


describe('PriorityLevels', () => {
  const zones = [0, 1, 0, 1, 1];
  const hostSet = () => new HostSet(zones.map((zone) => ({ zone })), new VirtualClock());

  it("puts the caller's zone in P0 and the rest in P1, in host order", () => {
    const levels = new PriorityLevels(hostSet(), resolveLocality({ enabled: true }), 0);
    expect(levels.count).toBe(2);
    expect([...levels.candidates]).toEqual([0, 2, 1, 3, 4]);
    expect([...levels.start]).toEqual([0, 2]);
    expect([...levels.load]).toEqual([100, 0]);
  });

  it("makes the other zones P0 when no host is in the caller's zone (Istio numbers priorities consecutively)", () => {
    const levels = new PriorityLevels(hostSet(), resolveLocality({ enabled: true }), 7);
    expect(levels.count).toBe(1);
    expect([...levels.candidates]).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps one level of all hosts when locality is disabled', () => {
    const levels = new PriorityLevels(hostSet(), resolveLocality({ enabled: false }), 0);
    expect(levels.count).toBe(1);
    expect(levels.total[0]).toBe(5);
  });

  it('recomputes loads and candidates only after a health change', () => {
    const hosts = hostSet();
    const levels = new PriorityLevels(hosts, resolveLocality({ enabled: true }), 0);
    expect(levels.refresh()).toBe(false);
    hosts.setHealthy(0, false); // P0: 1 of 2 healthy → health 70
    expect(levels.refresh()).toBe(true);
    expect(levels.refresh()).toBe(false);
    expect([...levels.load]).toEqual([70, 30]);
    expect(levels.candidateCount[0]).toBe(1);
    expect(levels.candidates[levels.start[0]]).toBe(2);
  });

  it('chooses a level with a draw r in 1…100 against the cumulative loads (Envoy choosePriority)', () => {
    const hosts = hostSet();
    hosts.setHealthy(0, false);
    const levels = new PriorityLevels(hosts, resolveLocality({ enabled: true }), 0); // loads 70/30
    const rng = scriptedInts([0, 69, 70, 99]);
    expect([0, 0, 0, 0].map(() => levels.pickLevel(rng))).toEqual([0, 0, 1, 1]);
  });
});
