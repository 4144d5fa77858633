import { describe, expect, it } from 'vitest';
import { affectedServices } from '../../reports/affected-services.js';
import { faultWindows, windowRanges, windowStats } from '../../reports/fault-windows.js';
import type { TimeSeries } from '../../reports/report.js';
import { callStats } from './report-fixture.js';

/** A series at `resolution_ms` from per-interval [requests, ok, p99]. */
function series(resolution_ms: number, intervals: [number, number, number][]): TimeSeries {
  return {
    resolution_ms,
    requests: intervals.map(([n]) => n),
    ok: intervals.map(([, ok]) => ok),
    errors: intervals.map(([n, ok]) => n - ok),
    p50_ms: intervals.map(([, , p99]) => p99 / 2),
    p99_ms: intervals.map(([, , p99]) => p99),
    attempts: intervals.map(([n]) => n),
  };
}

describe('fault windows', () => {
  it('are whole intervals: during, every interval the fault overlaps; before and after, the minute on either side', () => {
    expect(windowRanges(1000, 300, 120_000, 180_000)).toEqual({ before: { from: 60, to: 120 }, during: { from: 120, to: 180 }, after: { from: 180, to: 240 } });
    // A fault from 125.5 s to 130.2 s at 10 s: it overlaps [120 s, 140 s).
    expect(windowRanges(10_000, 30, 125_500, 130_200)).toEqual({ before: { from: 6, to: 12 }, during: { from: 12, to: 14 }, after: { from: 14, to: 20 } });
  });

  it('keep at least one interval on either side, and stay within the run', () => {
    expect(windowRanges(120_000, 3, 120_000, 180_000)).toEqual({ before: { from: 0, to: 1 }, during: { from: 1, to: 2 }, after: { from: 2, to: 3 } });
    expect(windowRanges(1000, 100, 30_000, 95_000)).toEqual({ before: { from: 0, to: 30 }, during: { from: 30, to: 95 }, after: { from: 95, to: 100 } });
    // A fault of no length still has the interval it happened in; one that outlasts the run has no after.
    expect(windowRanges(1000, 100, 50_000, 50_000).during).toEqual({ from: 50, to: 51 });
    expect(windowRanges(1000, 100, 90_000, 200_000).after).toEqual({ from: 100, to: 100 });
  });

  it('sum requests and successes, and take the median of the p99s of the intervals with traffic', () => {
    const s = series(1000, [
      [100, 100, 20],
      [0, 0, 0],
      [100, 50, 900],
      [100, 90, 30],
      [50, 50, 25],
    ]);
    // Of an even count the upper middle one: of 20, 25, 30 and 900, 30; of 20 and 900, 900.
    expect(windowStats(s, { from: 0, to: 5 })).toEqual({ requests: 350, ok: 290, success: 0.828571, p99_ms: 30 });
    expect(windowStats(s, { from: 0, to: 3 })).toEqual({ requests: 200, ok: 150, success: 0.75, p99_ms: 900 });
    expect(windowStats(s, { from: 1, to: 2 })).toEqual({ requests: 0, ok: 0, success: null, p99_ms: null });
  });

  it('give the spans in ms, and the figures of the entry and of each service asked for', () => {
    const entry = { ...callStats(0, 0), timeseries: series(1000, Array.from({ length: 6 }, (_, i): [number, number, number] => (i === 2 ? [10, 1, 500] : [10, 10, 20]))) };
    const windows = faultWindows(2000, 3000, entry, { api: entry });
    expect(windows.spans).toEqual({ before: { from_ms: 0, to_ms: 2000 }, during: { from_ms: 2000, to_ms: 3000 }, after: { from_ms: 3000, to_ms: 6000 } });
    expect(windows.entry.during).toEqual({ requests: 10, ok: 1, success: 0.1, p99_ms: 500 });
    expect(windows.entry.after).toEqual({ requests: 30, ok: 30, success: 1, p99_ms: 20 });
    expect(Object.keys(windows.services)).toEqual(['api']);
  });
});

describe('the services a fault affects', () => {
  // shop -> web -> api -> db, web -> search, admin -> db; load edges start from a load.
  const edges = ['shop->web', 'web->api', 'api->db', 'web->search', 'admin->db', 'backoffice->admin'];
  const services = ['web', 'api', 'db', 'search', 'admin'];

  it('are its targets and every service that calls one of them, directly or through others, in report order', () => {
    expect(affectedServices({ hits: ['db'], feltFrom: ['db'] }, edges, services)).toEqual(['web', 'api', 'db', 'admin']);
    expect(affectedServices({ hits: ['search'], feltFrom: ['search'] }, edges, services)).toEqual(['web', 'search']);
  });

  it("of an edge fault: its callee, its caller and the caller's callers, not the callee's other callers", () => {
    expect(affectedServices({ hits: ['db'], feltFrom: ['api'] }, edges, services)).toEqual(['web', 'api', 'db']);
  });

  it('leave out the loads, which are no services', () => {
    expect(affectedServices({ hits: ['web'], feltFrom: ['web'] }, edges, services)).toEqual(['web']);
  });

  it('terminate on a cycle of calls', () => {
    expect(affectedServices({ hits: ['a'], feltFrom: ['a'] }, ['a->b', 'b->a'], ['a', 'b'])).toEqual(['a', 'b']);
  });
});
