import { FAILURE_CAUSES, type FailureCause, type Outcome } from '../../../proxy-core/call/failure-cause.js';
import { LatencyHistogram } from '../../../reports/latency-histogram.js';
import type { EventLoopDelayStats } from './event-loop-delay.js';

const CAUSE_INDEX: Record<string, number> = Object.fromEntries(FAILURE_CAUSES.map((c, i) => [c, i]));

/** The generator's own verdict on whether a run's load can be trusted. */
export interface BehindPolicy {
  /** Send lag p99 (ms) above which the generator fell behind. */
  maxLagP99Ms: number;
  /** Fraction of the planned rate below which the generator fell behind (open loop). */
  minRateRatio: number;
}

/** Falls behind beyond a 5 ms send-lag p99, or below 99% of the planned rate. */
export const DEFAULT_BEHIND_POLICY: BehindPolicy = Object.freeze({ maxLagP99Ms: 5, minRateRatio: 0.99 });

/** What a live load did and how far to trust it: the figures a report needs. */
export interface LiveLoadReport {
  /** The k6 executor. */
  executor: string;
  /**
   * Open loop: arrivals the schedule placed in the window up to its end (or up to `stop()`).
   * Closed loop: iterations the VUs began (= `sent`).
   */
  planned: number;
  /** Requests handed to the target. */
  sent: number;
  /** Arrivals that found `maxVUs` requests in flight and were not sent (k6's `dropped_iterations`). */
  dropped: number;
  /** Requests still in flight when `gracefulStop` (or `stop()`'s grace) ran out: cancelled. */
  interrupted: number;
  /** Requests that ended with an outcome (ok or a failure cause). */
  answered: number;
  ok: number;
  /** Failures by cause, causes seen only. */
  errors: Partial<Record<FailureCause, number>>;
  /** The window's length (ms): from `startTime` to the end of the duration or stages, or to `stop()`. */
  windowMs: number;
  /** Planned arrivals per second over the window; null for a closed loop. */
  plannedPerS: number | null;
  /** Sends per second: `sent` over the window, or up to the last send if that came after it. */
  achievedPerS: number;
  /** Actual minus intended send time (ms): how late the generator sent. */
  sendLagMs: { p50: number; p99: number; max: number };
  /** From the intended send time to the outcome (ms): no coordinated omission in an open loop. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** How late the event loop ran over the load, net of the monitor's resolution. */
  eventLoopDelayMs: EventLoopDelayStats;
  /** The generator could not keep its schedule: the figures measure the generator too. */
  fellBehind: boolean;
  /** Why `fellBehind`, in words; empty when it kept up. */
  behind: string[];
  /** Ended early by `stop()`. */
  stopped: boolean;
}

/**
 * A load's counters and histograms, streaming: memory does not grow with requests (the
 * project's HDR-layout {@link LatencyHistogram} holds send lags and latencies).
 */
export class LoadStats {
  planned = 0;
  sent = 0;
  dropped = 0;
  interrupted = 0;
  answered = 0;
  ok = 0;
  private readonly errorCounts = new Float64Array(FAILURE_CAUSES.length);
  readonly sendLag = new LatencyHistogram();
  readonly latency = new LatencyHistogram();
  private windowStart = 0;
  private windowEnd = 0;
  private lastSendAt = -Infinity;
  stopped = false;

  /** Sets the load's window (clock ms). */
  window(startAt: number, endAt: number): void {
    this.windowStart = startAt;
    this.windowEnd = endAt;
  }

  /** Ends the window at `at` if sooner (a `stop()`). */
  stopAt(at: number): void {
    this.stopped = true;
    if (at < this.windowEnd) this.windowEnd = Math.max(this.windowStart, at);
  }

  /** Counts a send at `sentAt` of a request intended at `intendedAt`. */
  recordSend(intendedAt: number, sentAt: number): void {
    this.sent++;
    this.sendLag.record(sentAt - intendedAt);
    if (sentAt > this.lastSendAt) this.lastSendAt = sentAt;
  }

  /** Counts an outcome after `latencyMs`. */
  recordAnswer(outcome: Outcome, latencyMs: number): void {
    this.answered++;
    if (outcome === 'ok') this.ok++;
    else this.errorCounts[CAUSE_INDEX[outcome]]++;
    this.latency.record(latencyMs);
  }

  /** The report so far: `openLoop` says whether there is a planned rate to keep. */
  report(executor: string, openLoop: boolean, eventLoop: EventLoopDelayStats, policy: BehindPolicy): LiveLoadReport {
    // Rounded to the microsecond: the ends are clock readings (origin + offsets), whose difference carries float noise (1000.0000000000001).
    const windowMs = roundToMicros(this.windowEnd - this.windowStart);
    // Likewise: a span of 999.9999999999999 ms made 200 sends read as 200.00000000000003/s.
    const spanMs = roundToMicros(Math.max(this.windowEnd, this.lastSendAt) - this.windowStart);
    const perS = (n: number, ms: number): number => (ms > 0 ? (n * 1000) / ms : 0);
    const plannedPerS = openLoop ? perS(this.planned, windowMs) : null;
    const lag = this.sendLag;
    const sendLagMs = { p50: lag.percentile(50), p99: lag.percentile(99), max: lag.max };
    const behind = behindReasons(sendLagMs.p99, plannedPerS, perS(this.sent + this.dropped, spanMs), policy);
    const l = this.latency;
    return {
      executor,
      planned: openLoop ? this.planned : this.sent,
      sent: this.sent,
      dropped: this.dropped,
      interrupted: this.interrupted,
      answered: this.answered,
      ok: this.ok,
      errors: this.errors(),
      windowMs,
      plannedPerS,
      achievedPerS: perS(this.sent, spanMs),
      sendLagMs,
      latencyMs: { p50: l.percentile(50), p90: l.percentile(90), p99: l.percentile(99), max: l.max, mean: l.mean },
      eventLoopDelayMs: eventLoop,
      fellBehind: behind.length > 0,
      behind,
      stopped: this.stopped,
    };
  }

  private errors(): Partial<Record<FailureCause, number>> {
    const out: Partial<Record<FailureCause, number>> = {};
    FAILURE_CAUSES.forEach((cause, i) => {
      if (this.errorCounts[i] > 0) out[cause] = this.errorCounts[i];
    });
    return out;
  }
}

/**
 * Why the generator fell behind: its send lag p99 above the policy's bound, or (open loop)
 * arrivals taken (sent or dropped) at under `minRateRatio` of the planned rate.
 */
function behindReasons(lagP99: number, plannedPerS: number | null, takenPerS: number, policy: BehindPolicy): string[] {
  const reasons: string[] = [];
  if (lagP99 > policy.maxLagP99Ms) reasons.push(`send lag p99 ${lagP99.toFixed(2)} ms > ${policy.maxLagP99Ms} ms`);
  if (plannedPerS !== null && plannedPerS > 0 && takenPerS < policy.minRateRatio * plannedPerS) {
    reasons.push(`took ${takenPerS.toFixed(1)}/s of ${plannedPerS.toFixed(1)}/s planned (< ${(policy.minRateRatio * 100).toFixed(0)}%)`);
  }
  return reasons;
}

/** `ms` rounded to the microsecond. */
function roundToMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
