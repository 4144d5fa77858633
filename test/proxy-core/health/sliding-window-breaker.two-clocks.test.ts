// The breaker's timed behaviour at a scale of tens of ms, under the simulator's clock and
// live mode's alike (test/proxy-core/clock-harness.ts). Exact numbers: sliding-window-breaker.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlidingWindowBreaker, type SlidingWindowOptions } from '../../../proxy-core/health/sliding-window-breaker.js';
import { CLOCK_KINDS, LATE_MS, type ClockHarness, clockHarness, eventLog, expectFiredInTime } from '../clock-harness.js';

const WAIT_MS = 40;

describe.each(CLOCK_KINDS)('SlidingWindowBreaker under the %s clock', (kind) => {
  let h: ClockHarness;
  beforeEach(() => {
    h = clockHarness(kind);
  });
  afterEach(() => h.dispose());

  /** A breaker over the last 4 calls (all 4 needed), open for WAIT_MS, 2 trial calls. */
  function setup(options: SlidingWindowOptions = {}) {
    const log = eventLog(h);
    const breaker = new SlidingWindowBreaker(
      h.clock,
      { slidingWindowSize: 4, minimumNumberOfCalls: 4, permittedNumberOfCallsInHalfOpenState: 2, waitDurationInOpenStateMs: WAIT_MS, ...options },
      log.sink,
    );
    return { breaker, log };
  }

  /** Admits and reports one call; returns whether it was admitted. */
  function call(breaker: SlidingWindowBreaker, ok: boolean): boolean {
    if (!breaker.tryAcquire()) return false;
    breaker.onResult(ok, 1);
    return true;
  }

  it('opens at the failure threshold, rejects until strictly after the wait, then the first call half-opens it; permitted successes close it', async () => {
    const { breaker, log } = setup();
    for (const ok of [false, true, false]) call(breaker, ok);
    expect(breaker.state).toBe('closed'); // 3 calls < minimumNumberOfCalls
    call(breaker, false); // 2 of 4 failed: 50 %
    expect(log.kinds()).toEqual(['breaker-open']);
    const openUntil = log.events[0].at + WAIT_MS;

    // Ask every few ms: each answer must follow the rule at the time the breaker read.
    const rejectedAt: number[] = [];
    for (;;) {
      const admitted = breaker.tryAcquire();
      if (admitted) break;
      rejectedAt.push(h.lastNow);
      expect(rejectedAt.length, 'still rejecting long after the wait').toBeLessThan(1000);
      await h.advance(4);
    }
    expect(rejectedAt.every((t) => t <= openUntil)).toBe(true);
    expect(breaker.rejected).toBe(rejectedAt.length);
    const halfOpen = log.events[1];
    expect([halfOpen.kind, halfOpen.byTimer]).toEqual(['breaker-half-open', false]);
    expect(halfOpen.at).toBeGreaterThan(openUntil); // strictly after (resilience4j isAfter)
    expect(halfOpen.at).toBeLessThanOrEqual(openUntil + LATE_MS);

    expect(breaker.tryAcquire()).toBe(true); // the second permit
    expect(breaker.tryAcquire()).toBe(false); // no third
    breaker.onResult(true, 1);
    expect(breaker.state).toBe('half-open'); // 1 of 2 results
    breaker.onResult(true, 1);
    expect(log.kinds()).toEqual(['breaker-open', 'breaker-half-open', 'breaker-closed']);
    expect(breaker.failureRate).toBe(-1); // a fresh window
    expect(h.requested).toEqual([]); // the lazy transition needs no timer
  });

  it('automatic transition: a timer half-opens it at the end of the wait, again after a failed trial; then it closes', async () => {
    const { breaker, log } = setup({ automaticTransitionFromOpenToHalfOpenEnabled: true });
    for (let i = 0; i < 4; i++) call(breaker, false);
    expect(h.requested.map((t) => [t.delayMs, t.background])).toEqual([[WAIT_MS, true]]);

    expect(await h.until(() => breaker.state === 'half-open', WAIT_MS + LATE_MS)).toBe(true);
    expectFiredInTime(h.requested[0]);
    expect(log.events[1]).toMatchObject({ kind: 'breaker-half-open', byTimer: true });
    expect(log.events[1].at).toBeGreaterThanOrEqual(log.events[0].at + WAIT_MS);

    call(breaker, true);
    call(breaker, false); // 1 of 2 trials failed: 50 %, open again
    expect(breaker.state).toBe('open');
    expect(h.requested.map((t) => t.delayMs)).toEqual([WAIT_MS, WAIT_MS]);
    expect(await h.until(() => breaker.state === 'half-open', WAIT_MS + LATE_MS)).toBe(true);
    expectFiredInTime(h.requested[1]);

    call(breaker, true);
    call(breaker, true);
    expect(log.kinds()).toEqual(['breaker-open', 'breaker-half-open', 'breaker-open', 'breaker-half-open', 'breaker-closed']);
    expect(log.events.filter((e) => e.kind === 'breaker-half-open').every((e) => e.byTimer)).toBe(true);
    expect(h.pending()).toBe(0);
  });

  it('stop() cancels the automatic transition: nothing pending, and it stays open past the wait', async () => {
    const { breaker, log } = setup({ automaticTransitionFromOpenToHalfOpenEnabled: true });
    for (let i = 0; i < 4; i++) call(breaker, false);
    expect(h.pending()).toBe(1);
    breaker.stop();
    expect(h.pending()).toBe(0);
    await h.advance(WAIT_MS + 20);
    expect(breaker.state).toBe('open');
    expect(log.kinds()).toEqual(['breaker-open']);
    expect(h.requested[0].firedAt).toBeUndefined();
  });

  it('TIME_BASED: failures count in the clock second they were recorded in, and leave with it', async () => {
    // A window of one clock second, all 3 calls failing: it opens iff 3 failures share a second.
    const { breaker, log } = setup({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 1, minimumNumberOfCalls: 3 });
    const seconds: number[] = [];
    const fail = (): void => {
      const mark = h.reads.length;
      expect(breaker.tryAcquire()).toBe(true);
      breaker.onResult(false, 1);
      seconds.push(Math.floor(h.reads[mark] / 1000)); // the time the window recorded it at
    };
    const inLastSecond = (): number => seconds.filter((s) => s === seconds.at(-1)).length;
    fail();
    fail();
    expect(await h.until(() => Math.floor(h.clock.now() / 1000) > seconds[1], 1000 + LATE_MS)).toBe(true);
    fail();
    expect(inLastSecond()).toBe(1);
    expect([breaker.state, breaker.failureRate]).toEqual(['closed', -1]); // 1 call in the window, below the minimum
    fail();
    fail();
    expect(breaker.state).toBe(inLastSecond() >= 3 ? 'open' : 'closed');
    expect(log.kinds()).toEqual(breaker.state === 'open' ? ['breaker-open'] : []);
  });
});
