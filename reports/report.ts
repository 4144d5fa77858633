/**
 * The run report, `faultline.report/v1`: one JSON document per run, from which every other
 * output (terminal summary, files) is rendered. Keys are snake_case and stable.
 */
import type { FailureCause } from '../proxy-core/call/failure-cause.js';
import type { PolicyEventKind } from '../proxy-core/health/policy-event.js';

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
  /** Attempts sent in the interval (retries and hedges included); attempts ÷ requests is the amplification over time. */
  attempts: number[];
}

/** Counts and latency of the calls to a service or on an edge. */
export interface CallStats {
  requests: number;
  ok: number;
  /** Failures by cause; every cause is present, zero or not. */
  errors: Record<FailureCause, number>;
  /** Failures by a finer stable code where their cause has one (`FL_TLS_CERT_EXPIRED`, `FL_JWT_EXPIRED`…); only codes seen. */
  error_details: Record<string, number>;
  attempts: number;
  /** Attempts beyond one per request: retries and hedges. */
  retries: number;
  /** Retry amplification: attempts ÷ requests (0 without requests). */
  amplification: number;
  latency_ms: LatencySummary;
  timeseries: TimeSeries;
}

/** A span of simulated time, [from_ms, to_ms]. */
export interface ActiveInterval {
  from_ms: number;
  to_ms: number;
}

/**
 * A service: its calls as its instances saw them (queueing included), plus load on its
 * workers. Utilization, mean in system and throughput are averaged over `active`, the time
 * the service had work, so a service whose load ran for part of the run is not diluted.
 */
export interface ServiceStats extends CallStats {
  instances: number;
  /** From the first request's arrival at an instance to the last one's departure (the run's end if some were still there); null: none arrived. */
  active: ActiveInterval | null;
  /** Mean fraction of workers busy over `active`. */
  utilization: number;
  /** Mean number of requests at the service's instances (queued or in service) over `active`: L in Little's law. */
  mean_in_system: number;
  /** Mean time a request spent at an instance, queueing included: W in Little's law (ms). */
  mean_sojourn_ms: number;
  /** Requests answered by the instances per second of `active`: λ in Little's law. */
  throughput_per_s: number;
}

/** A policy's state change on the run's timeline. */
export interface TimelineEvent {
  at_ms: number;
  kind: PolicyEventKind;
  /** The edge whose policy changed state; null for a certificate event. */
  edge: string | null;
  /** The service whose workload certificate was rotated or found expired; null for an edge's event. */
  service: string | null;
  /** The calling instance whose sidecar holds the policy (0 for load from outside the mesh); -1 for a certificate event. */
  caller_instance: number;
  /** The callee instance ejected or returned; -1 for an edge-wide breaker or a certificate event. */
  instance: number;
}

/** What an edge's policies did, summed over its calling instances. */
export interface EdgePolicyStats {
  /** Retries refused by the retry budget. */
  retries_denied: number;
  /** Retries refused by Envoy's thresholds: max_retries, or max_requests for the retry's own request. */
  retry_overflow: number;
  /** Retries not made because the request body exceeded the retry buffer (Envoy `retry_or_shadow_abandoned`). */
  retry_buffer_overflow: number;
  /** Retries sent on a per-try timeout without abandoning the slow attempt. */
  hedges: number;
  /** Calls rejected before any attempt: breaker open, bulkhead or connection pool full, throttled. */
  rejected: number;
  /** Attempts that found no healthy instance. */
  no_healthy_host: number;
  /** Calls cancelled by their caller before they ended (cancellation propagation). */
  cancelled: number;
  /** Hosts ejected by outlier detection or shut by failure accrual. */
  ejections: number;
  /** Times the edge's circuit breaker opened. */
  breaker_opened: number;
}

/** An edge: its calls, and what its policies did. */
export interface EdgeStats extends CallStats {
  policy: EdgePolicyStats;
}

/**
 * How long the entry traffic took to recover after a fault ended: until success rate and p99
 * were back within 10% of their values before the fault, and stayed there.
 */
export interface FaultRecovery {
  /** Index of the fault in the scenario. */
  fault: number;
  kind: string;
  target: string;
  start_ms: number;
  end_ms: number;
  /** Success rate and p99 of the entry before the fault (null without traffic). */
  baseline: { success: number; p99_ms: number } | null;
  /** Milliseconds from the fault's end to recovery; null: never recovered (the signature of a metastable failure) or not measurable. */
  recovery_ms: number | null;
  recovered: boolean;
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
  /** Present and true when the run was stopped before its end (SIGINT, SIGTERM): the figures cover what ran. */
  interrupted?: true;
  engine: { events: number; simulated_ms: number; wall_ms: number };
  /**
   * All traffic entering the mesh from the load (what k6 calls http_req_*). Its attempts,
   * retries and amplification are those of the loads' edges into the mesh (`<load>-><target>`).
   */
  entry: CallStats;
  load: Record<string, LoadStats>;
  services: Record<string, ServiceStats>;
  edges: Record<string, EdgeStats>;
  /** Policy state changes in time order (at most 10,000; `events_dropped` counts the rest). */
  events: TimelineEvent[];
  events_dropped: number;
  /** Recovery after each fault, in scenario order. */
  recovery: FaultRecovery[];
  thresholds: ThresholdResult[];
  /** True when every threshold held (exit code 0). */
  ok: boolean;
}
