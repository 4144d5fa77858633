/**
 * Recovery time after a fault: from the fault's end until the entry's success rate and p99
 * are back within 10% of their values before the fault. Computed from the entry's time
 * series, so it costs nothing during the run.
 */
import type { FaultRecovery, TimeSeries } from './report.js';

/** Tolerance around the pre-fault values (the "within 10%"). */
export const RECOVERY_TOLERANCE = 0.1;
/** Intervals looked at together, so that one noisy interval's p99 neither makes nor breaks recovery. */
export const RECOVERY_WINDOW_INTERVALS = 10;
/** Intervals before a fault that make its baseline (60 at the default 1-s resolution). */
export const BASELINE_INTERVALS = 60;

/** A fault's span, as the recovery computation needs it. */
export interface FaultSpan {
  fault: number;
  kind: string;
  target: string;
  startMs: number;
  endMs: number;
}

/** Success rate and p99 over a run of intervals, or null when they saw no request. */
interface WindowStats {
  success: number;
  p99: number;
}

/**
 * Recovery after each fault. The baseline is the success rate and the median of the
 * per-interval p99 over up to {@link BASELINE_INTERVALS} intervals before the fault; the
 * entry has recovered at the start of the first window of {@link RECOVERY_WINDOW_INTERVALS}
 * intervals, at or after the fault's end, with traffic in every interval, whose success rate
 * is at least 90% of the baseline's and whose median p99 is at most 110% of it. No such
 * window before the traffic ends: never (null).
 */
export function faultRecoveries(series: TimeSeries, faults: readonly FaultSpan[]): FaultRecovery[] {
  return faults.map((f) => recoveryOf(series, f));
}

function recoveryOf(series: TimeSeries, f: FaultSpan): FaultRecovery {
  const res = series.resolution_ms;
  const startIndex = Math.floor(f.startMs / res);
  const baseline = windowStats(series, Math.max(0, startIndex - BASELINE_INTERVALS), startIndex);
  const out: FaultRecovery = {
    fault: f.fault,
    kind: f.kind,
    target: f.target,
    start_ms: f.startMs,
    end_ms: f.endMs,
    baseline: baseline && { success: round6(baseline.success), p99_ms: baseline.p99 },
    recovery_ms: null,
    recovered: false,
  };
  if (!baseline) return out;
  const last = lastIndexWithTraffic(series);
  for (let i = Math.ceil(f.endMs / res); i + RECOVERY_WINDOW_INTERVALS - 1 <= last; i++) {
    const window = windowStats(series, i, i + RECOVERY_WINDOW_INTERVALS);
    if (window && hasTrafficThroughout(series, i, i + RECOVERY_WINDOW_INTERVALS) && withinTolerance(window, baseline)) {
      out.recovery_ms = Math.max(0, i * res - f.endMs);
      out.recovered = true;
      break;
    }
  }
  return out;
}

function withinTolerance(window: WindowStats, baseline: WindowStats): boolean {
  return window.success >= baseline.success * (1 - RECOVERY_TOLERANCE) && window.p99 <= baseline.p99 * (1 + RECOVERY_TOLERANCE);
}

/** Success and median p99 over intervals [from, to). */
function windowStats(series: TimeSeries, from: number, to: number): WindowStats | null {
  let requests = 0;
  let ok = 0;
  const p99s: number[] = [];
  for (let i = from; i < to && i < series.requests.length; i++) {
    if (series.requests[i] === 0) continue;
    requests += series.requests[i];
    ok += series.ok[i];
    p99s.push(series.p99_ms[i]);
  }
  if (requests === 0) return null;
  p99s.sort((a, b) => a - b);
  return { success: ok / requests, p99: p99s[(p99s.length - 1) >> 1] };
}

function hasTrafficThroughout(series: TimeSeries, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!(series.requests[i] > 0)) return false;
  return true;
}

function lastIndexWithTraffic(series: TimeSeries): number {
  for (let i = series.requests.length - 1; i >= 0; i--) if (series.requests[i] > 0) return i;
  return -1;
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}
