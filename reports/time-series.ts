import { LatencyHistogram } from './latency-histogram.js';
import type { TimeSeries } from './report.js';

/**
 * Counts and latency percentiles per fixed interval of time. Memory is a few numbers per
 * interval (the run's length over the resolution), never a list of requests.
 */
export class TimeSeriesRecorder {
  private readonly requests: number[] = [];
  private readonly ok: number[] = [];
  private readonly errors: number[] = [];
  private readonly p50: number[] = [];
  private readonly p99: number[] = [];
  private readonly attempts: number[] = [];
  private readonly interval = new LatencyHistogram(6);
  private current = 0;
  private currentRequests = 0;
  private currentOk = 0;
  private currentAttempts = 0;

  constructor(readonly resolutionMs: number) {}

  /** Records one finished request at time `nowMs` (times never go backwards). */
  record(nowMs: number, latencyMs: number, ok: boolean): void {
    const index = Math.floor(nowMs / this.resolutionMs);
    if (index !== this.current) this.advanceTo(index);
    this.currentRequests++;
    if (ok) this.currentOk++;
    this.interval.record(latencyMs);
  }

  /** Counts one attempt sent at time `nowMs`. */
  recordAttempt(nowMs: number): void {
    const index = Math.floor(nowMs / this.resolutionMs);
    if (index !== this.current) this.advanceTo(index);
    this.currentAttempts++;
  }

  /** The series up to `endMs`, closing the current interval. Hands over its arrays: call once, at the end. */
  finish(endMs: number): TimeSeries {
    const last = Math.max(this.current, Math.ceil(endMs / this.resolutionMs) - 1);
    this.advanceTo(last + 1);
    return {
      resolution_ms: this.resolutionMs,
      requests: this.requests,
      ok: this.ok,
      errors: this.errors,
      p50_ms: this.p50,
      p99_ms: this.p99,
      attempts: this.attempts,
    };
  }

  private advanceTo(index: number): void {
    while (this.current < index) {
      this.requests.push(this.currentRequests);
      this.ok.push(this.currentOk);
      this.errors.push(this.currentRequests - this.currentOk);
      this.p50.push(round3(this.interval.percentile(50)));
      this.p99.push(round3(this.interval.percentile(99)));
      this.attempts.push(this.currentAttempts);
      this.currentAttempts = 0;
      this.interval.reset();
      this.currentRequests = 0;
      this.currentOk = 0;
      this.current++;
    }
  }
}

/** Rounds to three decimals (microseconds, for values in ms) so reports stay readable. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
