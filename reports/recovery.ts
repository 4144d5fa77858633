/**
 * What "recovered" means. After a fault ends, the entry has recovered at the first moment,
 * on a grid of {@link RECOVERY_STEP_MS} from the fault's end, from which the next
 * {@link RECOVERY_WINDOW_MS} of entry traffic is back within {@link RECOVERY_TOLERANCE} of
 * the baseline: the requests that finished in those 10 s succeeded at least 90% as often as
 * in the baseline, and their p99 is at most 110% of the baseline's (up to sampling noise, see
 * {@link backWithinTolerance}). The baseline is the entry traffic that finished in the
 * {@link BASELINE_MS} before the fault started.
 *
 * Both are measured on every finished request (see `RecoveryRecorder`), not on the report's
 * time series, so the figure does not depend on `report.resolution`.
 */
import type { FaultRecovery } from './report.js';

/** Tolerance around the baseline: success at least 90% of it, p99 at most 110% of it. */
export const RECOVERY_TOLERANCE = 0.1;
/** How much traffic before a fault makes its baseline (less when the fault starts earlier in the run). */
export const BASELINE_MS = 60_000;
/** The sliding window that must be back within tolerance. */
export const RECOVERY_WINDOW_MS = 10_000;
/** The window slides by this much: recovery times are multiples of it. */
export const RECOVERY_STEP_MS = 100;

/** The entry before a fault: requests finished in the baseline window, their success rate and p99. */
export interface Baseline {
  requests: number;
  success: number;
  p99_ms: number;
}

/** Requests finished in one sliding window after a fault, and how many of them were slower than {@link slowerThanMs}. */
export interface WindowCounts {
  requests: number;
  ok: number;
  slow: number;
}

/** The latency above which a request counts as slow against `baseline`: 110% of its p99. */
export function slowerThanMs(baseline: Baseline): number {
  return baseline.p99_ms * (1 + RECOVERY_TOLERANCE);
}

/**
 * Sampling noise allowed in a window's p99, in standard deviations: a p99 of 10 s of traffic
 * wanders by several percent from window to window, enough to cross a 10% tolerance now and
 * then on a mesh that is fine. 3 keeps such false alarms to about one window in a thousand.
 */
export const P99_NOISE_SD = 3;

/**
 * Whether a window is back within tolerance of `baseline`: it has traffic, its success rate
 * is at least 90% of the baseline's, and its p99 is at most 110% of the baseline's up to
 * sampling noise — at most 1% of its requests, plus {@link P99_NOISE_SD} standard deviations
 * of that count (√(0.0099·requests)), were slower than 110% of the baseline's p99.
 */
export function backWithinTolerance(window: WindowCounts, baseline: Baseline): boolean {
  const { requests, ok, slow } = window;
  if (requests === 0) return false;
  return ok / requests >= baseline.success * (1 - RECOVERY_TOLERANCE) && slow <= allowedSlow(requests);
}

/** How many of `requests` may be slower than 110% of the baseline's p99: the 1% a p99 allows, plus the sampling noise. */
export function allowedSlow(requests: number): number {
  return requests / 100 + P99_NOISE_SD * Math.sqrt(0.0099 * requests);
}

/**
 * The longest recovery over the faults whose recovery was measured (ms): Infinity when one
 * did not recover before the run ended; null when none was measured (no baseline, skipped,
 * or the run ended during the fault). The `recovery_time` metric of thresholds.
 */
export function longestRecoveryMs(recovery: readonly Pick<FaultRecovery, 'status' | 'recovery_ms'>[]): number | null {
  const measured = recovery.filter((r) => r.status === 'no-impact-after' || r.status === 'recovered' || r.status === 'not-recovered');
  return measured.length === 0 ? null : Math.max(...measured.map((r) => r.recovery_ms ?? Infinity));
}
