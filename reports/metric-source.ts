/**
 * What threshold evaluation reads from a finished run. The simulator and the live runtime
 * each provide one over their own recorders.
 */
import type { FailureCause } from '../proxy-core/call/failure-cause.js';

/** A latency distribution, in milliseconds. */
export interface LatencyView {
  count: number;
  mean: number;
  min: number;
  max: number;
  /** The latency at percentile `p`, 0 to 100. */
  percentile(p: number): number;
}

/** Requests of one selection of traffic and how they ended. */
export interface StatsView {
  requests: number;
  ok: number;
  errors: Record<FailureCause, number>;
  latency: LatencyView;
}

/** Whose traffic to read: at most one field set; none means the traffic entering the mesh from the load. */
export interface TrafficSelector {
  service?: string;
  /** `caller->callee`. */
  edge?: string;
  /** A request class of the load. */
  class?: string;
}

/** The measurements of a run, as thresholds read them. */
export interface MetricSource {
  /** The stats of a selection of traffic; `undefined` when the run has no such service, edge or class. */
  stats(selector: TrafficSelector): StatsView | undefined;
  /** Mean fraction of the service's workers busy over its active interval; `undefined` when the run has no such service. */
  utilization(service: string): number | undefined;
  /** Attempts ÷ requests on an edge, at a service, or (no selector) over every edge; `undefined` when there is no such edge or service, null without requests. */
  amplification(selector: TrafficSelector): number | null | undefined;
  /** The longest recovery after a fault (ms; Infinity: never recovered); null without faults whose recovery could be measured. */
  recoveryTimeMs(): number | null;
  /** Arrivals dropped by arrival-rate executors (k6 `dropped_iterations`). */
  dropped(): number;
  /** Simulated run time, in milliseconds, for Counter rates. */
  durationMs(): number;
}
