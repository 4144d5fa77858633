// Failure accrual's timed behaviour at a scale of tens of ms, under the simulator's clock and
// live mode's alike (test/proxy-core/clock-harness.ts). Exact numbers: failure-accrual.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { FailureAccrual, type FailureAccrualOptions } from '../../../proxy-core/health/failure-accrual.js';
import { CLOCK_KINDS, LATE_MS, type ClockHarness, clockHarness, eventLog, expectFiredInTime } from '../clock-harness.js';

const MIN_PENALTY_MS = 30;

/** An Rng that always draws `r`. */
const constantRng = (r: number): Rng => ({ next: () => r, int: (n) => Math.floor(r * n), fork: () => constantRng(r) });

describe.each(CLOCK_KINDS)('FailureAccrual under the %s clock', (kind) => {
  let h: ClockHarness;
  beforeEach(() => {
    h = clockHarness(kind);
  });
  afterEach(() => h.dispose());

  /** 3 consecutive failures shut a host for 30 ms, doubling up to 120 ms; no jitter unless asked. */
  function setup(options: FailureAccrualOptions = {}, r = 0, hosts = 1) {
    const log = eventLog(h);
    const accrual = new FailureAccrual(
      h.clock,
      constantRng(r),
      hosts,
      { maxFailures: 3, minPenaltyMs: MIN_PENALTY_MS, maxPenaltyMs: 4 * MIN_PENALTY_MS, jitterRatio: 0, ...options },
      log.sink,
    );
    return { accrual, log };
  }

  const results = (accrual: FailureAccrual, host: number, oks: boolean[]): void => {
    for (const ok of oks) accrual.onResult(host, ok);
  };

  /** Waits for `host`'s probation, checks the penalty timer that led to it, sends the one probe. */
  async function probe(accrual: FailureAccrual, host: number, ok: boolean): Promise<void> {
    const penalty = h.requested.at(-1);
    expect(await h.until(() => accrual.stateOf(host) === 'probation', penalty!.delayMs + LATE_MS)).toBe(true);
    expectFiredInTime(penalty);
    expect(accrual.isAvailable(host)).toBe(true);
    accrual.onDispatch(host);
    expect(accrual.isAvailable(host)).toBe(false); // one probe only
    expect(accrual.stateOf(host)).toBe('probation');
    accrual.onResult(host, ok);
  }

  it('shuts a host after consecutive failures; after the penalty one probe; a failed probe doubles it; a good one reopens, and the next episode starts again at the minimum', async () => {
    const { accrual, log } = setup();
    results(accrual, 0, [false, false, true, false, false]); // a success resets the count
    expect(accrual.stateOf(0)).toBe('available');
    results(accrual, 0, [false]);
    expect(accrual.stateOf(0)).toBe('unavailable');

    accrual.onResult(0, true); // a straggler while shut: ignored
    expect(accrual.stateOf(0)).toBe('unavailable');
    await probe(accrual, 0, false);
    expect(accrual.stateOf(0)).toBe('unavailable');
    await probe(accrual, 0, true);
    expect(accrual.stateOf(0)).toBe('available');

    results(accrual, 0, [false, false, false]);
    expect(accrual.stateOf(0)).toBe('unavailable');
    await probe(accrual, 0, true);

    expect(h.requested.map((t) => [t.delayMs, t.background])).toEqual([
      [MIN_PENALTY_MS, true],
      [2 * MIN_PENALTY_MS, true],
      [MIN_PENALTY_MS, true],
    ]);
    expect(log.kinds()).toEqual([
      'host-unavailable:0',
      'host-probation:0',
      'host-unavailable:0',
      'host-probation:0',
      'host-available:0',
      'host-unavailable:0',
      'host-probation:0',
      'host-available:0',
    ]);
    expect(log.events.filter((e) => e.kind === 'host-probation').every((e) => e.byTimer)).toBe(true);
    expect(log.events.filter((e) => e.kind !== 'host-probation').some((e) => e.byTimer)).toBe(false);
    expect(h.pending()).toBe(0);
  });

  it('the penalty doubles up to max penalty, and jitter adds r × ratio × base', async () => {
    const { accrual } = setup({ jitterRatio: 0.5 }, 0.5); // + 25 %
    results(accrual, 0, [false, false, false]);
    for (let i = 0; i < 3; i++) await probe(accrual, 0, false);
    await probe(accrual, 0, true);
    // Bases 30, 60, 120, 120 (capped), each + 25 % jitter, but never beyond max penalty: min(30, 120 − 120) = 0.
    expect(h.requested.map((t) => t.delayMs)).toEqual([37.5, 75, 120, 120]);
  });

  it('hosts are independent; stop() cancels every penalty and hosts keep their state', async () => {
    const { accrual, log } = setup({}, 0, 3);
    results(accrual, 1, [false, false, false]);
    results(accrual, 2, [false, false, false]);
    expect([0, 1, 2].map((host) => accrual.stateOf(host))).toEqual(['available', 'unavailable', 'unavailable']);
    expect(h.pending()).toBe(2);
    accrual.stop();
    expect(h.pending()).toBe(0);
    await h.advance(MIN_PENALTY_MS + 30);
    expect([0, 1, 2].map((host) => accrual.stateOf(host))).toEqual(['available', 'unavailable', 'unavailable']);
    expect(log.kinds()).toEqual(['host-unavailable:1', 'host-unavailable:2']);
  });
});
