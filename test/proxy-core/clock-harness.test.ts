import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOCK_KINDS, type ClockHarness, clockHarness, expectFiredInTime } from './clock-harness.js';

describe.each(CLOCK_KINDS)('the clock harness, %s clock', (kind) => {
  let h: ClockHarness;
  beforeEach(() => {
    h = clockHarness(kind);
  });
  afterEach(() => h.dispose());

  it('advance(ms) lets at least ms pass; until() waits for a background timer and records it', async () => {
    const from = h.clock.now();
    await h.advance(15);
    expect(h.clock.now() - from).toBeGreaterThanOrEqual(15);
    let fired = false;
    const seen = h.clock.now();
    h.clock.scheduleBackground(10, () => (fired = h.inTimer), null);
    expect(h.pending()).toBe(1);
    expect(await h.until(() => fired, 1000)).toBe(true);
    expect(h.inTimer).toBe(false);
    expect(h.requested).toEqual([expect.objectContaining({ seenAt: seen, delayMs: 10, background: true })]);
    expectFiredInTime(h.requested[0]);
    expect(h.pending()).toBe(0);
  });

  it('until() gives up, false, once its limit has passed; a cancelled timer never fires', async () => {
    const handle = h.clock.schedule(5, () => expect.unreachable('cancelled'), null);
    h.clock.cancel(handle);
    const from = h.clock.now();
    expect(await h.until(() => false, 20)).toBe(false);
    expect(h.clock.now() - from).toBeGreaterThanOrEqual(20);
    expect([h.requested[0].firedAt, h.pending()]).toEqual([undefined, 0]);
  });
});
