/** Cell formats of the terminal summary. */
import { FAILURE_CAUSES } from '../proxy-core/call/failure-cause.js';
import type { FailureCause } from '../proxy-core/call/failure-cause.js';
import { formatDuration } from '../scenarios/units.js';
import type { CallStats } from './report.js';

/** Shown where a value does not exist (no requests, no elapsed time). */
export const NONE = '-';

/** An integer with thousands separators: `1,234,567`. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Requests per second of `ms`: `40.0/s`. */
function formatRate(count: number, ms: number): string {
  return ms > 0 ? `${((count * 1000) / ms).toFixed(1)}/s` : NONE;
}

/** The share of `part` in `whole`, rounded down so that `100.00%` means all: `97.45%`; {@link NONE} when `whole` is 0. */
export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${(Math.floor((part * 10_000) / whole) / 100).toFixed(2)}%` : NONE;
}

/** The traffic columns of one row: requests, rate, success, p50, p99, max, top error causes. */
export function trafficCells(stats: CallStats, simulatedMs: number): string[] {
  const latency = (ms: number) => (stats.requests > 0 ? formatDuration(ms) : NONE);
  return [
    formatCount(stats.requests),
    formatRate(stats.requests, simulatedMs),
    formatPercent(stats.ok, stats.requests),
    latency(stats.latency_ms.p50),
    latency(stats.latency_ms.p99),
    latency(stats.latency_ms.max),
    topCauses(stats.errors),
  ];
}

/** The most frequent failure causes, most first (ties in {@link FAILURE_CAUSES} order): `timeout 312, overflow 40`. */
function topCauses(errors: Record<FailureCause, number>, limit = 3): string {
  return FAILURE_CAUSES.filter((cause) => errors[cause] > 0)
    .sort((a, b) => errors[b] - errors[a])
    .slice(0, limit)
    .map((cause) => `${cause} ${formatCount(errors[cause])}`)
    .join(', ');
}
