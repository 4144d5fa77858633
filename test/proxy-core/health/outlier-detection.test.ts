import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import {
  DEFAULT_OUTLIER_DETECTION,
  ISTIO_OUTLIER_DETECTION_DEFAULTS,
  OutlierDetector,
  type OutlierDetectionOptions,
  resolveOutlierDetection,
} from '../../../proxy-core/health/outlier-detection.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

/** An Rng whose int() returns the scripted values in turn. */
function scriptedRng(ints: number[]): Rng {
  let i = 0;
  const rng: Rng = { next: () => 0, int: () => ints[i++], fork: () => rng };
  return rng;
}

function setup(hosts: number, options: OutlierDetectionOptions = {}, rng: Rng = scriptedRng([])) {
  const clock = new VirtualClock();
  const events: string[] = [];
  const detector = new OutlierDetector(clock, rng, hosts, options, (kind, host, at) => events.push(`${kind}:${host}@${at}`));
  return { clock, detector, events };
}

/** Sends `n` results with `status` (and outcome, for status 0) to `host`. */
function send(detector: OutlierDetector, host: number, n: number, status: number, outcome: Outcome = status >= 500 ? '5xx' : 'ok') {
  for (let i = 0; i < n; i++) detector.onResult(host, status, outcome);
}

/** 100 results to `host`, `failures` of them 500s spread out (never 5 in a row for ≤ 50). */
function interval(detector: OutlierDetector, host: number, failures: number) {
  for (let i = 0; i < 100; i++) {
    const fail = Math.floor(((i + 1) * failures) / 100) > Math.floor((i * failures) / 100);
    detector.onResult(host, fail ? 500 : 200, fail ? '5xx' : 'ok');
  }
}

describe('OutlierDetector (Envoy outlier detection)', () => {
  it("has Envoy's defaults; max_ejection_time defaults to max(300 s, base)", () => {
    expect(DEFAULT_OUTLIER_DETECTION).toMatchObject({
      consecutive5xx: 5,
      enforcingConsecutive5xx: 100,
      consecutiveGatewayFailure: 5,
      enforcingConsecutiveGatewayFailure: 0,
      intervalMs: 10_000,
      baseEjectionTimeMs: 30_000,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 10,
      alwaysEjectOneHost: false,
      successRateMinimumHosts: 5,
      successRateRequestVolume: 100,
      successRateStdevFactor: 1900,
      enforcingSuccessRate: 100,
      failurePercentageThreshold: 85,
      failurePercentageMinimumHosts: 5,
      failurePercentageRequestVolume: 50,
      enforcingFailurePercentage: 0,
    });
    expect(resolveOutlierDetection({ baseEjectionTimeMs: 400_000 }).maxEjectionTimeMs).toBe(400_000);
    expect(resolveOutlierDetection({ maxEjectionTimeMs: undefined }).maxEjectionTimeMs).toBe(300_000);
    expect(ISTIO_OUTLIER_DETECTION_DEFAULTS.enforcingSuccessRate).toBe(0);
  });

  it('§9.4: 5 consecutive 5xx eject (10 hosts); it returns at the first sweep after 30 s', () => {
    const { clock, detector, events } = setup(10);
    clock.runUntil(3000);
    send(detector, 0, 4, 503);
    expect(detector.isEjected(0)).toBe(false);
    send(detector, 0, 1, 503);
    expect([detector.isEjected(0), detector.ejectedCount, detector.ejectionsEnforced]).toEqual([true, 1, 1]);
    clock.runUntil(39_999);
    expect(detector.isEjected(0)).toBe(true); // due at 33 s, but sweeps are at 10, 20, 30, 40 s
    clock.runUntil(40_000);
    expect(detector.isEjected(0)).toBe(false);
    expect(events).toEqual(['host-ejected:0@3000', 'host-returned:0@40000']);
  });

  it('§9.4: the n-th ejection in a row lasts min(30 s · n, 300 s)', () => {
    const { clock, detector, events } = setup(10, { intervalMs: 1000 });
    for (let n = 0; n < 12; n++) {
      const halfway = Math.floor(clock.now() / 1000) * 1000 + 500; // half-way between two sweeps
      clock.runUntil(halfway >= clock.now() ? halfway : halfway + 1000);
      send(detector, 0, 5, 500);
      while (detector.isEjected(0)) clock.runUntil(clock.now() + 1000);
    }
    const times = events.map((e) => Number(e.split('@')[1]));
    const durations = times.filter((_, i) => i % 2 === 1).map((returned, i) => returned - times[2 * i] - 500); // minus the wait for the sweep
    expect(durations).toEqual([30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300].map((s) => s * 1000));
    expect(events.length).toBe(24);
  });

  it('the multiplier decays by one per interval while the host stays in, then the sweep timer stops', () => {
    const { clock, detector } = setup(10);
    send(detector, 0, 5, 500); // ejected at 0, multiplier 1
    clock.runUntil(30_000); // returns at 30 s
    send(detector, 0, 5, 500); // multiplier 2: 60 s
    clock.runUntil(90_000);
    expect(detector.isEjected(0)).toBe(false);
    clock.runUntil(100_000); // 10 s in: 2 → 1
    clock.runUntil(110_000); // 1 → 0
    clock.runUntil(115_000);
    send(detector, 0, 5, 500); // multiplier 1 again: 30 s, back at the 150 s sweep
    clock.runUntil(149_999);
    expect(detector.isEjected(0)).toBe(true);
    clock.runUntil(150_000);
    expect(detector.isEjected(0)).toBe(false);
    clock.runUntil(1_000_000);
    expect(clock.queue.size).toBe(0); // nothing left to sweep
  });

  it('max_ejection_percent: ejects iff 100·(ejected+1)/hosts ≤ max%, so fewer than 10 hosts eject nothing by default', () => {
    const ten = setup(10);
    send(ten.detector, 0, 5, 500);
    send(ten.detector, 1, 5, 500);
    expect([ten.detector.ejectedCount, ten.detector.ejectionsOverflow]).toEqual([1, 1]);

    const five = setup(5);
    send(five.detector, 0, 5, 500);
    expect(five.detector.ejectedCount).toBe(0);

    const always = setup(5, { alwaysEjectOneHost: true });
    send(always.detector, 0, 5, 500);
    send(always.detector, 1, 5, 500);
    expect([always.detector.isEjected(0), always.detector.isEjected(1)]).toEqual([true, false]);

    const twenty = setup(20);
    for (let h = 0; h < 4; h++) send(twenty.detector, h, 5, 500);
    expect(twenty.detector.ejectedCount).toBe(2);
  });

  it('no response counts as a gateway 5xx; local rejections are ignored; other statuses reset', () => {
    const { detector } = setup(10, { consecutiveGatewayFailure: 3, enforcingConsecutiveGatewayFailure: 100 });
    send(detector, 0, 2, 0, 'timeout');
    send(detector, 0, 3, 0, 'overflow'); // never reached the host
    send(detector, 0, 1, 0, 'connect-failure');
    expect(detector.isEjected(0)).toBe(true); // third gateway failure in a row

    const reset = setup(10);
    send(reset.detector, 1, 4, 0, 'reset');
    send(reset.detector, 1, 1, 429, 'rate-limited');
    send(reset.detector, 1, 4, 500);
    expect(reset.detector.isEjected(1)).toBe(false);
  });

  it('a 5xx other than 502–504 resets the gateway count but not the 5xx count', () => {
    const { detector } = setup(10, { consecutiveGatewayFailure: 3, enforcingConsecutiveGatewayFailure: 100 });
    send(detector, 0, 2, 502);
    send(detector, 0, 1, 500);
    send(detector, 0, 1, 502);
    expect(detector.isEjected(0)).toBe(false); // gateway count 1, 5xx count 4
    send(detector, 0, 1, 504);
    expect(detector.isEjected(0)).toBe(true); // 5xx count 5
  });

  it('gateway failures alone do not eject by default (enforcing 0) but 5 of them are 5 consecutive 5xx', () => {
    const { detector } = setup(10, { consecutive5xx: 6 });
    send(detector, 0, 5, 503);
    expect(detector.isEjected(0)).toBe(false);
    send(detector, 0, 1, 503);
    expect(detector.isEjected(0)).toBe(true);
  });

  it('enforcing below 100 % draws rng.int(100) < percent; a detection that is not enforced still resets the count', () => {
    const { detector } = setup(10, { enforcingConsecutive5xx: 50 }, scriptedRng([50, 49]));
    send(detector, 0, 5, 500);
    expect(detector.isEjected(0)).toBe(false); // 50 is not < 50
    send(detector, 0, 4, 500);
    expect(detector.isEjected(0)).toBe(false);
    send(detector, 0, 1, 500);
    expect(detector.isEjected(0)).toBe(true); // 49 < 50
  });

  it('max_ejection_time_jitter adds rng.int(jitter + 1) ms', () => {
    const { clock, detector, events } = setup(10, { intervalMs: 1000, maxEjectionTimeJitterMs: 5000 }, scriptedRng([2500]));
    clock.runUntil(500);
    send(detector, 0, 5, 500);
    clock.runUntil(100_000);
    expect(events).toEqual(['host-ejected:0@500', 'host-returned:0@33000']); // 500 + 30 000 + 2 500, a sweep instant
  });

  it("success rate: Envoy's example {50, 100, 100, 100, 100} ⇒ threshold 52, the 50 % host is ejected at the sweep", () => {
    const { clock, detector, events } = setup(5, { maxEjectionPercent: 20 });
    interval(detector, 0, 50);
    for (let h = 1; h < 5; h++) interval(detector, h, 0);
    clock.runUntil(10_000);
    expect(events).toEqual(['host-ejected:0@10000']);
  });

  it('success rate: {60, 100, 100, 100, 90} ⇒ threshold 60.57 ejects 60; {70, …} ⇒ 69.84 does not eject 70', () => {
    for (const [rate, ejected] of [
      [60, true],
      [70, false],
    ] as const) {
      const { clock, detector } = setup(5, { maxEjectionPercent: 20 });
      interval(detector, 0, 100 - rate);
      interval(detector, 1, 0);
      interval(detector, 2, 0);
      interval(detector, 3, 0);
      interval(detector, 4, 10);
      clock.runUntil(10_000);
      expect(detector.isEjected(0)).toBe(ejected);
      expect(detector.ejectedCount).toBe(ejected ? 1 : 0);
    }
  });

  it('success rate needs minimum hosts with request volume, and counts one interval only; Istio turns it off', () => {
    const few = setup(5, { maxEjectionPercent: 20 });
    interval(few.detector, 0, 50);
    for (let h = 1; h < 4; h++) interval(few.detector, h, 0);
    send(few.detector, 4, 99, 200); // below the volume of 100
    few.clock.runUntil(10_000);
    expect(few.detector.ejectedCount).toBe(0);
    for (let h = 0; h < 5; h++) send(few.detector, h, 60, 200); // a new interval: 60 < 100 requests each
    few.clock.runUntil(20_000);
    expect(few.detector.ejectedCount).toBe(0);

    const istio = setup(5, { ...ISTIO_OUTLIER_DETECTION_DEFAULTS, maxEjectionPercent: 20 });
    interval(istio.detector, 0, 50);
    for (let h = 1; h < 5; h++) interval(istio.detector, h, 0);
    istio.clock.runUntil(10_000);
    expect(istio.detector.ejectedCount).toBe(0);
  });

  it('failure percentage (when enforced): ejects a host failing ≥ 85 % of ≥ 50 requests', () => {
    const options = {
      consecutive5xx: 0,
      consecutiveGatewayFailure: 0,
      enforcingSuccessRate: 0,
      enforcingFailurePercentage: 100,
      maxEjectionPercent: 100,
    };
    for (const [failures, ejected] of [
      [85, true],
      [84, false],
    ] as const) {
      const { clock, detector } = setup(5, options);
      interval(detector, 0, failures);
      for (let h = 1; h < 5; h++) send(detector, h, 50, 200);
      clock.runUntil(10_000);
      expect(detector.isEjected(0)).toBe(ejected);
    }
  });

  it('stop() cancels the sweep: an ejected host stays ejected', () => {
    const { clock, detector } = setup(10);
    send(detector, 0, 5, 500);
    detector.stop();
    send(detector, 1, 1, 200);
    clock.run();
    expect([clock.now(), detector.isEjected(0)]).toEqual([0, true]);
  });

  it('rejects bad configs', () => {
    expect(() => resolveOutlierDetection({ maxEjectionPercent: 101 })).toThrow(/maxEjectionPercent/);
    expect(() => resolveOutlierDetection({ intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => resolveOutlierDetection({ baseEjectionTimeMs: 30_000, maxEjectionTimeMs: 10_000 })).toThrow(/cannot be smaller/);
    expect(() => resolveOutlierDetection({ consecutive5xx: -1 })).toThrow(RangeError);
    expect(() => new OutlierDetector(new VirtualClock(), scriptedRng([]), 1.5)).toThrow(RangeError);
  });

  it('property: ejected hosts never exceed floor(max% · hosts / 100), or 1 with alwaysEjectOneHost (DetectorImpl::ejectHost)', () => {
    const statuses: [number, Outcome][] = [
      [200, 'ok'],
      [500, '5xx'],
      [503, '5xx'],
      [0, 'timeout'],
      [0, 'overflow'],
    ];
    const op = fc.oneof(
      fc.record({ host: fc.nat(30), result: fc.constantFrom(...statuses), times: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ wait: fc.integer({ min: 1, max: 40_000 }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(op, { minLength: 50, maxLength: 200 }),
        (hosts, maxEjectionPercent, alwaysEjectOneHost, seed, script) => {
          const clock = new VirtualClock();
          const detector = new OutlierDetector(clock, new SeededRng(seed), hosts, {
            maxEjectionPercent,
            alwaysEjectOneHost,
            consecutive5xx: 3,
            enforcingConsecutiveGatewayFailure: 50,
            successRateMinimumHosts: 1,
            successRateRequestVolume: 5,
            failurePercentageMinimumHosts: 1,
            failurePercentageRequestVolume: 5,
            enforcingFailurePercentage: 100,
            intervalMs: 5000,
          });
          const floor = Math.floor((maxEjectionPercent * hosts) / 100);
          const bound = alwaysEjectOneHost ? Math.max(1, floor) : floor;
          for (const step of script) {
            if ('wait' in step) clock.runUntil(clock.now() + step.wait);
            else for (let i = 0; i < step.times; i++) detector.onResult(step.host % hosts, step.result[0], step.result[1]);
            let ejected = 0;
            for (let h = 0; h < hosts; h++) if (detector.isEjected(h)) ejected++;
            if (ejected !== detector.ejectedCount || ejected > bound) return false;
          }
          return true;
        },
      ),
    );
  });
});

describe('OutlierDetector sweep timing', () => {
  it('arms the next sweep after a sweep whose time rounds onto an interval boundary (no endless zero-delay sweeps)', () => {
    for (const start of [81.3063799016033, 0.1 + 0.2, 1e6 / 3, 7.7]) {
      const clock = new VirtualClock();
      clock.schedule(start, () => {}, null);
      clock.run();
      const sweeps: number[] = [];
      const detector = new OutlierDetector(clock, new SeededRng(1), 4, { consecutive5xx: 1, maxEjectionPercent: 100, intervalMs: 1000, baseEjectionTimeMs: 3000 }, (kind, _h, at) => {
        if (kind === 'host-returned') sweeps.push(at);
      });
      detector.onResult(0, 503, '5xx');
      let fired = 0;
      const queue = clock.queue;
      while (queue.size > 0 && fired++ < 1000) queue.fireNext();
      expect(fired).toBeLessThan(1000);
      expect(sweeps).toHaveLength(1);
      expect(sweeps[0] - start).toBeCloseTo(3000, 6);
    }
  });
});
