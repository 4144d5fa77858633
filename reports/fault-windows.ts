/**
 * Success and p99 before, during and after a fault, at the entry and at the services it
 * affects, from the time series in the report (so `--json` consumers can recompute them).
 * Windows are whole intervals of the series: during, every interval the fault overlaps;
 * before and after, the intervals in the {@link SIDE_WINDOW_MS} (at least one interval)
 * before and after those, within the run.
 */
import type { CallStats, FaultWindows, TimeSeries, TimeSpan, WindowFigures, WindowStats } from './report.js';

/** How far before and after the fault the side windows reach (at least one interval). */
export const SIDE_WINDOW_MS = 60_000;

/** A window as interval indexes of a time series, [from, to). */
interface IntervalRange {
  from: number;
  to: number;
}

/**
 * The windows of a fault from `startMs` to `endMs`, for every traffic in `entry` and `services`
 * (all with one resolution and length).
 */
export function faultWindows(startMs: number, endMs: number, entry: CallStats, services: Record<string, CallStats>): FaultWindows {
  const ranges = windowRanges(entry.timeseries.resolution_ms, entry.timeseries.requests.length, startMs, endMs);
  const figures = (stats: CallStats): WindowFigures => ({
    before: windowStats(stats.timeseries, ranges.before),
    during: windowStats(stats.timeseries, ranges.during),
    after: windowStats(stats.timeseries, ranges.after),
  });
  const span = (range: IntervalRange): TimeSpan => ({ from_ms: range.from * entry.timeseries.resolution_ms, to_ms: range.to * entry.timeseries.resolution_ms });
  return {
    spans: { before: span(ranges.before), during: span(ranges.during), after: span(ranges.after) },
    entry: figures(entry),
    services: Object.fromEntries(Object.entries(services).map(([name, stats]) => [name, figures(stats)])),
  };
}

/** The before, during and after windows of a fault over a series of `length` intervals of `resolutionMs`. */
export function windowRanges(resolutionMs: number, length: number, startMs: number, endMs: number): Record<keyof WindowFigures, IntervalRange> {
  const side = Math.max(1, Math.floor(SIDE_WINDOW_MS / resolutionMs));
  const from = Math.min(length, Math.floor(startMs / resolutionMs));
  const to = Math.min(length, Math.max(from + 1, Math.ceil(endMs / resolutionMs)));
  return {
    before: { from: Math.max(0, from - side), to: from },
    during: { from, to },
    after: { from: to, to: Math.min(length, to + side) },
  };
}

/** Requests, success rate and median per-interval p99 (the upper middle one of an even count) over intervals [range.from, range.to). */
export function windowStats(series: TimeSeries, range: IntervalRange): WindowStats {
  let requests = 0;
  let ok = 0;
  const p99s: number[] = [];
  for (let i = range.from; i < range.to; i++) {
    if (series.requests[i] === 0) continue;
    requests += series.requests[i];
    ok += series.ok[i];
    p99s.push(series.p99_ms[i]);
  }
  if (requests === 0) return { requests, ok, success: null, p99_ms: null };
  p99s.sort((a, b) => a - b);
  return { requests, ok, success: round6(ok / requests), p99_ms: p99s[p99s.length >> 1] };
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}
