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
export interface TimeSpan {
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
  active: TimeSpan | null;
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
  /** A policy's state change, a certificate's, or a Toxiproxy toxic added or removed (live and staging runs). */
  kind: PolicyEventKind | ToxicEventKind;
  /** The edge whose policy changed state (or whose proxy got a toxic); null for a certificate event. */
  edge: string | null;
  /** The service whose workload certificate was rotated or found expired; null for an edge's event. */
  service: string | null;
  /** The calling instance whose sidecar holds the policy (0 for load from outside the mesh); -1 for a certificate event. */
  caller_instance: number;
  /** The callee instance ejected or returned; -1 for an edge-wide breaker or a certificate event. */
  instance: number;
  /** For a toxic event: the proxy and the toxic's name (as Toxiproxy's API lists them). */
  proxy?: string;
  toxic?: string;
}

/** A Toxiproxy toxic put on a proxy, or taken off, by the run. */
export type ToxicEventKind = 'toxic-added' | 'toxic-removed';

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
 * What the recovery figure of a fault says:
 * - `no-impact-after`: the entry was within tolerance from the fault's end on (`recovery_ms` 0);
 * - `recovered`: it was back within tolerance `recovery_ms` after the fault's end;
 * - `not-recovered`: it was not back before the run ended (the signature of a metastable failure);
 * - `no-baseline`: no entry request finished in the minute before the fault: nothing to recover to;
 * - `run-ended-during-fault`: the run ended before the fault did;
 * - `skipped`: the run ended before the fault's start: it never happened.
 */
export type RecoveryStatus = 'no-impact-after' | 'recovered' | 'not-recovered' | 'no-baseline' | 'run-ended-during-fault' | 'skipped';

/** Requests finished in one window of the report's time series, their success rate and p99. */
export interface WindowStats {
  requests: number;
  ok: number;
  /** ok ÷ requests over the window; null without requests. */
  success: number | null;
  /** The median of the p99s of the window's intervals that have requests (failures count: a fast 503 is fast); null without requests. */
  p99_ms: number | null;
}

/** One traffic's figures before, during and after a fault. */
export interface WindowFigures {
  before: WindowStats;
  during: WindowStats;
  after: WindowStats;
}

/**
 * The entry and the affected services before, during and after a fault, from the time
 * series in this report: `--json` consumers can recompute every figure from `spans`.
 */
export interface FaultWindows {
  /**
   * Each window as whole intervals of the time series, [from_ms, to_ms): during, every
   * interval the fault overlaps; before and after, the intervals in the minute (at least one
   * interval) before and after those, within the run.
   */
  spans: { before: TimeSpan; during: TimeSpan; after: TimeSpan };
  entry: WindowFigures;
  /** The fault's targets and every service that calls one of them, directly or through other services, in `services` order. */
  services: Record<string, WindowFigures>;
}

/**
 * A fault, what it did and how the entry traffic recovered from it. Recovery is measured
 * on every finished entry request, independently of the report's resolution: the first
 * time after the fault's end from which a 10 s window of entry traffic is back within 10%
 * of the baseline (success rate and p99 of the minute before the fault).
 */
export interface FaultRecovery {
  /** Index of the fault in the scenario. */
  fault: number;
  kind: string;
  target: string;
  start_ms: number;
  end_ms: number;
  status: RecoveryStatus;
  /** The entry's requests, success rate and p99 in the minute before the fault (null: none, or skipped). */
  baseline: { requests: number; success: number; p99_ms: number } | null;
  /** Milliseconds from the fault's end to recovery, a multiple of 100; 0: no impact after the fault ended; null unless `recovered`. */
  recovery_ms: number | null;
  /** True for `no-impact-after` and `recovered`. */
  recovered: boolean;
  /** Success and p99 before, during and after the fault; null when it was skipped. */
  windows: FaultWindows | null;
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

/** How a live load kept its schedule. */
export interface LiveLoadStats {
  /** Arrivals the schedule planned in the window (closed loop: iterations begun). */
  planned: number;
  /** Requests sent. */
  sent: number;
  /** Planned arrivals per second; null for a closed loop. */
  planned_per_s: number | null;
  achieved_per_s: number;
  /** Actual minus intended send time (ms). */
  send_lag_ms: { p50: number; p99: number; max: number };
  /** The generator could not keep its schedule. */
  fell_behind: boolean;
}

/** Live mode's account of how far its figures measure the system rather than the machine. */
export interface LiveRunStats {
  loads: Record<string, LiveLoadStats>;
  /** How late the run's event loop ran (ms), net of the monitor's resolution. */
  event_loop_delay_ms: { p50: number; p99: number; max: number };
  /** CPU the process used over the run, and as a share of the machine's cores. */
  cpu: { user_ms: number; system_ms: number; cores: number; utilization: number };
  /** When the machine was the bottleneck, what that means for the figures, in words (as k6 warns); empty otherwise. */
  warnings: string[];
}

/** The whole report. */
export interface RunReport {
  schema: typeof REPORT_SCHEMA;
  scenario: { name: string; description: string; file: string; sha256: string };
  mode: 'sim' | 'live' | 'staging';
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
  /** Every fault, in scenario order: its windows and the entry's recovery after it. */
  recovery: FaultRecovery[];
  thresholds: ThresholdResult[];
  /** True when every threshold held (exit code 0). */
  ok: boolean;
  /** Live mode only: how far to trust the figures. */
  live?: LiveRunStats;
  /** Staging runs only: what the run did to the staging mesh. */
  staging?: StagingRunStats;
}

/** A toxic a staging run put on a Toxiproxy proxy, and when it was there (ms from the load's start; null: never). */
export interface StagingToxic {
  fault: number;
  api: string;
  proxy: string;
  toxic: string;
  type: string;
  stream: 'upstream' | 'downstream';
  added_ms: number | null;
  removed_ms: number | null;
}

/** What ended a staging run early. */
export interface StagingStop {
  reason: 'stop-condition' | 'max-duration' | 'signal' | 'fault-injection-failed';
  at_ms: number;
  /** The stop condition that failed (reason `stop-condition`). */
  metric?: string;
  expression?: string;
  observed?: number | null;
  /** What went wrong (reason `fault-injection-failed`). */
  detail?: string;
}

/** The staging section of a report. */
export interface StagingRunStats {
  target: string;
  run_id: string;
  toxics: StagingToxic[];
  /** Thresholds on a service's or edge's traffic: not observable from outside the mesh, not judged. */
  unobservable_thresholds: string[];
  /** Toxics of earlier runs (killed, or dead) that this run removed before it started. */
  orphans_removed: number;
  stopped: StagingStop | null;
}
