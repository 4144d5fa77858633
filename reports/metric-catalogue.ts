/**
 * The metrics a threshold can name, in k6's vocabulary: each has a k6 metric type, which
 * decides the aggregations a threshold may use on it, and the tags it can be selected by.
 */
/** A k6 metric type (`k6/metrics`): Counter, Gauge, Rate or Trend. */
export type MetricType = 'Counter' | 'Gauge' | 'Rate' | 'Trend';

/** A metric of the catalogue, by its own name (aliases resolve to these). */
export type MetricName = 'latency' | 'success' | 'errors' | 'requests' | 'dropped_iterations' | 'utilization' | 'amplification' | 'recovery_time';

/** A tag a threshold key can select on, as in k6's sub-metric syntax `metric{tag:value}`. */
export type TagName = 'service' | 'edge' | 'class' | 'cause';

/** What a metric measures and how it can be selected. */
export interface MetricSpec {
  /** Decides the aggregations a threshold may use (see `AGGREGATIONS`). */
  readonly type: MetricType;
  /** Tags allowed in the key; at most one of `service`, `edge`, `class` (see {@link SCOPE_TAGS}). */
  readonly tags: readonly TagName[];
  /** A tag the key must carry. */
  readonly requiredTag?: TagName;
  /** What the metric measures, for help texts. */
  readonly description: string;
}

/** Tags that pick whose traffic is measured; without one, the traffic entering the mesh from the load. */
export const SCOPE_TAGS = ['service', 'edge', 'class'] as const satisfies readonly TagName[];

/** The catalogue of metrics thresholds can use. */
export const METRICS: Readonly<Record<MetricName, MetricSpec>> = {
  latency: { type: 'Trend', tags: SCOPE_TAGS, description: 'client-observed latency of requests, in milliseconds' },
  success: { type: 'Rate', tags: SCOPE_TAGS, description: 'fraction of requests that succeeded' },
  errors: {
    type: 'Rate',
    tags: [...SCOPE_TAGS, 'cause'],
    description: 'fraction of requests that failed; with `cause`, that failed with that cause',
  },
  requests: {
    type: 'Counter',
    tags: SCOPE_TAGS,
    description: 'requests: `count`, and `rate` in requests per second of simulated run time',
  },
  dropped_iterations: { type: 'Counter', tags: [], description: "arrivals dropped by an arrival-rate executor's maxVUs" },
  utilization: {
    type: 'Gauge',
    tags: ['service'],
    requiredTag: 'service',
    description: "mean fraction of a service's workers busy over its active interval (first arrival to last departure)",
  },
  amplification: {
    type: 'Gauge',
    tags: ['service', 'edge'],
    description: 'retry amplification, attempts ÷ requests, on an edge, at a service, or over every edge of the mesh',
  },
  recovery_time: {
    type: 'Gauge',
    tags: [],
    description:
      "longest time, in milliseconds, from a fault's end until 10 s of the entry's traffic were back within 10% of its success rate and p99 in the minute before the fault (not recovered by the end of the run: infinite; faults whose recovery was not measured are left out)",
  },
};

/** k6's built-in metric names accepted for ours. */
export const METRIC_ALIASES: Readonly<Record<string, MetricName>> = {
  http_req_duration: 'latency',
  http_req_failed: 'errors',
  http_reqs: 'requests',
};

/** A parsed threshold key: the metric and the tags it is selected by. */
export interface MetricSelector {
  metric: MetricName;
  /** Tag name to value; `cause`, when present, is one of `FAILURE_CAUSES`. */
  tags: Record<string, string>;
}
