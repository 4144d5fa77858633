/**
 * The run report, `faultline.report/v1`: one JSON document per run, from which every other
 * output (terminal summary, files) is rendered. Keys are snake_case and stable.
 */
import type { FailureCause } from '../proxy-core/failure-cause.js';

/** Schema identifier written in every report. */
export const REPORT_SCHEMA = 'faultline.report/v1';

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Values per fixed interval of simulated time; index i covers [i·resolution, (i+1)·resolution). */
export interface TimeSeries {
  resolution_ms: number;
  requests: number[];
  ok: number[];
  errors: number[];
  /** Median latency of the requests finished in the interval (0 when none). */
  p50_ms: number[];
  /** 99th percentile latency of the requests finished in the interval (0 when none). */
  p99_ms: number[];
}

/** Counts and latency of the calls to a service or on an edge. */
export interface CallStats {
  requests: number;
  ok: number;
  /** Failures by cause; every cause is present, zero or not. */
  errors: Record<FailureCause, number>;
  attempts: number;
  latency_ms: LatencySummary;
  timeseries: TimeSeries;
}

/** A service: its calls as its instances saw them (queueing included), plus load on its workers. */
export interface ServiceStats extends CallStats {
  instances: number;
  /** Mean fraction of workers busy over the run. */
  utilization: number;
  /** Mean number of requests at the service's instances (queued or in service): L in Little's law. */
  mean_in_system: number;
  /** Mean time a request spent at an instance, queueing included: W in Little's law (ms). */
  mean_sojourn_ms: number;
  /** Requests answered by the instances per second: λ in Little's law. */
  throughput_per_s: number;
}

/** One evaluated threshold. */
export interface ThresholdResult {
  metric: string;
  expression: string;
  /** The observed value of the expression's aggregation; null when the metric saw no data. */
  observed: number | null;
  ok: boolean;
}

/** One load scenario's count of requests sent, arrivals dropped (k6 dropped_iterations) and requests still in flight when the run stopped. */
export interface LoadStats {
  executor: string;
  target: string;
  requests: number;
  dropped: number;
  interrupted: number;
}

/** The whole report. */
export interface RunReport {
  schema: typeof REPORT_SCHEMA;
  scenario: { name: string; description: string; file: string; sha256: string };
  mode: 'sim' | 'live';
  seed: number;
  engine: { events: number; simulated_ms: number; wall_ms: number };
  /** All traffic entering the mesh from the load (what k6 calls http_req_*). */
  entry: CallStats;
  load: Record<string, LoadStats>;
  services: Record<string, ServiceStats>;
  edges: Record<string, CallStats>;
  thresholds: ThresholdResult[];
  /** True when every threshold held (exit code 0). */
  ok: boolean;
}
