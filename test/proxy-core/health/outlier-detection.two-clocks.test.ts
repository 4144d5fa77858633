// Outlier detection's timed behaviour at a scale of tens of ms, under the simulator's clock
// and live mode's alike (test/proxy-core/clock-harness.ts). Exact numbers: outlier-detection.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { OutlierDetector, type OutlierDetectionOptions } from '../../../proxy-core/health/outlier-detection.js';
import { CLOCK_KINDS, LATE_MS, type ClockHarness, clockHarness, eventLog, expectFiredInTime } from '../clock-harness.js';

const INTERVAL_MS = 20;
const BASE_MS = 40;
const HOSTS = 4;

/** No draws expected: enforcement at 100 % and no jitter draw nothing. */
const noDraws: Rng = {
  next: () => {
    throw new Error('unexpected draw');
  },
  int: () => {
    throw new Error('unexpected draw');
  },
  fork: () => noDraws,
};

describe.each(CLOCK_KINDS)('OutlierDetector under the %s clock', (kind) => {
  let h: ClockHarness;
  beforeEach(() => {
    h = clockHarness(kind);
  });
  afterEach(() => h.dispose());

  /** 4 hosts, up to half of them ejected, sweeps every INTERVAL_MS, ejections of BASE_MS × n. */
  function setup(options: OutlierDetectionOptions = {}) {
    const log = eventLog(h);
    const detector = new OutlierDetector(
      h.clock,
      noDraws,
      HOSTS,
      { intervalMs: INTERVAL_MS, baseEjectionTimeMs: BASE_MS, maxEjectionPercent: 50, ...options },
      log.sink,
    );
    const origin = h.lastNow; // the sweeps are counted from construction
    return { detector, log, origin };
  }

  const send = (detector: OutlierDetector, host: number, statuses: number[]): void => {
    for (const status of statuses) detector.onResult(host, status, status >= 500 ? '5xx' : 'ok');
  };
  const fiveErrors = [503, 500, 502, 500, 504];

  it('5 consecutive 5xx eject at once; the host returns at a sweep once the ejection time has passed; the next ejection lasts twice as long', async () => {
    const { detector, log, origin } = setup();
    send(detector, 0, [500, 500, 500, 500, 200, 500, 500, 500, 500]); // a success resets the count
    expect(detector.isEjected(0)).toBe(false);
    send(detector, 0, [500]);
    expect([detector.isEjected(0), detector.ejectedCount]).toEqual([true, 1]);
    expect(log.events[0]).toMatchObject({ kind: 'host-ejected', host: 0, byTimer: false });

    expect(await h.until(() => !detector.isEjected(0), BASE_MS + INTERVAL_MS + LATE_MS)).toBe(true);
    const [ejected, returned] = log.events;
    expect(returned).toMatchObject({ kind: 'host-returned', host: 0, byTimer: true });
    expect(returned.at - ejected.at).toBeGreaterThanOrEqual(BASE_MS);
    expect(returned.at - ejected.at).toBeLessThanOrEqual(BASE_MS + INTERVAL_MS + LATE_MS);

    send(detector, 0, fiveErrors);
    const again = log.events[2];
    expect(again).toMatchObject({ kind: 'host-ejected', host: 0, byTimer: false });
    // The multiplier decays at a sweep an interval after the return: if none ran in between, it is 2.
    const swept = h.requested.some((t) => t.firedAt !== undefined && t.firedAt > returned.at && t.firedAt <= again.at);
    expect(await h.until(() => !detector.isEjected(0), 2 * BASE_MS + INTERVAL_MS + LATE_MS)).toBe(true);
    expect(log.events[3]).toMatchObject({ kind: 'host-returned', host: 0, byTimer: true });
    expect(log.events[3].at - again.at).toBeGreaterThanOrEqual(swept ? BASE_MS : 2 * BASE_MS);
    expect(log.events[3].at - again.at).toBeLessThanOrEqual(2 * BASE_MS + INTERVAL_MS + LATE_MS);

    // Every sweep was armed for an interval boundary counted from construction, and none fired early.
    expect(h.requested.length).toBeGreaterThanOrEqual(2);
    for (const sweep of h.requested) {
      const boundaries = (sweep.seenAt + sweep.delayMs - origin) / INTERVAL_MS;
      expect(Math.abs(boundaries - Math.round(boundaries))).toBeLessThan(1e-6);
      expect(sweep.delayMs).toBeGreaterThan(0);
      expect(sweep.delayMs).toBeLessThanOrEqual(INTERVAL_MS);
      if (sweep.firedAt !== undefined) expect(sweep.firedAt).toBeGreaterThanOrEqual(sweep.at + sweep.delayMs);
    }
    expect(detector.ejectionsEnforced).toBe(2);
  });

  it('failure percentage ejects at the next sweep, not at once, and only the failing host', async () => {
    const { detector, log } = setup({
      consecutive5xx: 0,
      enforcingFailurePercentage: 100,
      failurePercentageMinimumHosts: HOSTS,
      failurePercentageRequestVolume: 10,
      failurePercentageThreshold: 50,
      successRateMinimumHosts: HOSTS + 1, // success-rate detection off
    });
    for (let host = 0; host < HOSTS; host++) {
      const statuses = Array.from({ length: 10 }, (_, i) => (host === 2 && i % 5 !== 4 ? 500 : 200)); // host 2: 80 % failures
      send(detector, host, statuses);
    }
    expect(detector.ejectedCount).toBe(0); // results alone eject nothing: the sweep decides
    const sweep = h.requested[0];
    expect(await h.until(() => detector.isEjected(2), INTERVAL_MS + LATE_MS)).toBe(true);
    expectFiredInTime(sweep);
    expect(log.events).toHaveLength(1);
    expect(log.events[0]).toMatchObject({ kind: 'host-ejected', host: 2, byTimer: true });
    expect(log.events[0].at).toBeGreaterThanOrEqual(sweep.at + sweep.delayMs);
    expect([0, 1, 3].map((host) => detector.isEjected(host))).toEqual([false, false, false]);
  });

  it('stop() cancels the sweep and arms no other: ejected hosts stay ejected', async () => {
    const { detector, log } = setup();
    send(detector, 1, fiveErrors);
    expect(h.pending()).toBe(1);
    detector.stop();
    expect(h.pending()).toBe(0);
    send(detector, 2, fiveErrors); // ejected, but no sweep is armed for it
    expect(h.pending()).toBe(0);
    await h.advance(BASE_MS + 2 * INTERVAL_MS);
    expect([detector.isEjected(1), detector.isEjected(2)]).toEqual([true, true]);
    expect(log.kinds()).toEqual(['host-ejected:1', 'host-ejected:2']);
    expect(h.requested).toHaveLength(1);
  });

  it('a quiet detector leaves nothing pending once its hosts are back and their multipliers have decayed', async () => {
    const { detector } = setup();
    send(detector, 3, fiveErrors);
    expect(await h.until(() => !detector.isEjected(3) && h.pending() === 0, BASE_MS + 3 * INTERVAL_MS + LATE_MS)).toBe(true);
    expect(detector.isEjected(3)).toBe(false);
    for (const sweep of h.requested) expectFiredInTime(sweep);
  });
});
