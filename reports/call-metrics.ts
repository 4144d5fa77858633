import { FAILURE_CAUSES, type FailureCause, type Outcome } from '../proxy-core/call/failure-cause.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { CallStats } from './report.js';
import { TimeSeriesRecorder, round3 } from './time-series.js';

const CAUSE_INDEX: Record<string, number> = Object.fromEntries(FAILURE_CAUSES.map((c, i) => [c, i]));

/**
 * What one observer (an edge, a service, the entry) saw of its calls: counts by outcome,
 * a latency histogram and a time series. Streaming: memory does not grow with requests.
 */
export class CallMetrics {
  requests = 0;
  ok = 0;
  attempts = 0;
  private readonly errorCounts = new Float64Array(FAILURE_CAUSES.length);
  /** Failures by finer code (`FL_TLS_CERT_EXPIRED`…), created on the first one. */
  private details: Map<string, number> | null = null;
  readonly latency = new LatencyHistogram();
  private readonly series: TimeSeriesRecorder;

  constructor(resolutionMs: number) {
    this.series = new TimeSeriesRecorder(resolutionMs);
  }

  /** Records a finished call: its outcome and latency (ms) at time `nowMs`. */
  record(nowMs: number, latencyMs: number, outcome: Outcome): void {
    this.requests++;
    const ok = outcome === 'ok';
    if (ok) this.ok++;
    else this.errorCounts[CAUSE_INDEX[outcome]]++;
    this.latency.record(latencyMs);
    this.series.record(nowMs, latencyMs, ok);
  }

  /** Counts a failure's finer code (recorded with {@link CallMetrics.record} as its cause). */
  recordDetail(code: string): void {
    const details = (this.details ??= new Map());
    details.set(code, (details.get(code) ?? 0) + 1);
  }

  /** Counts one attempt sent at `nowMs` (retries and hedges included). */
  countAttempt(nowMs: number): void {
    this.attempts++;
    this.series.recordAttempt(nowMs);
  }

  /** Failures by cause, every cause present. */
  get errors(): Record<FailureCause, number> {
    const out = {} as Record<FailureCause, number>;
    FAILURE_CAUSES.forEach((cause, i) => (out[cause] = this.errorCounts[i]));
    return out;
  }

  /** The report's view, with the time series closed at `endMs`. */
  toStats(endMs: number): CallStats {
    const h = this.latency;
    return {
      requests: this.requests,
      ok: this.ok,
      errors: this.errors,
      error_details: this.details === null ? {} : Object.fromEntries([...this.details].sort(([a], [b]) => (a < b ? -1 : 1))),
      attempts: this.attempts,
      retries: Math.max(0, this.attempts - this.requests),
      amplification: this.requests > 0 ? round3(this.attempts / this.requests) : 0,
      latency_ms: {
        mean: round3(h.mean),
        p50: round3(h.percentile(50)),
        p90: round3(h.percentile(90)),
        p99: round3(h.percentile(99)),
        p999: round3(h.percentile(99.9)),
        max: round3(h.max),
      },
      timeseries: this.series.finish(endMs),
    };
  }
}
