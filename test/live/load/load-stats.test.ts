/** A load's report reads as the rates it had, not float noise from the clock readings it was computed from. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BEHIND_POLICY, LoadStats } from '../../../sim/live/load/load-stats.js';

describe('LoadStats.report', () => {
  it('gives 200 sends over a 1 s window read at offsets whose difference is not exactly 1000 ms as 200/s', () => {
    const start = 998.7094614454451; // a clock reading
    const end = start + 1000; // end − start is 999.9999999999999 in doubles
    expect(end - start).not.toBe(1000);
    const stats = new LoadStats();
    stats.window(start, end);
    for (let i = 0; i < 200; i++) {
      stats.planned++;
      stats.recordSend(start + i * 5, start + i * 5);
    }
    const report = stats.report('constant-arrival-rate', true, { p50: 0, p99: 0, max: 0 }, DEFAULT_BEHIND_POLICY);
    expect(report.windowMs).toBe(1000);
    expect(report.plannedPerS).toBe(200);
    expect(report.achievedPerS).toBe(200);
  });
});
