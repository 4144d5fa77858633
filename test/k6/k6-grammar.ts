/**
 * What k6 accepts, written down from @types/k6 2.3.0 (`k6/options`) and k6's documentation
 * (thresholds, metrics), for the tests to hold generated options against.
 */

/** Keys of k6's `Options` (`k6/options`, interface Options). */
export const K6_OPTION_KEYS = [
  'batch', 'batchPerHost', 'blacklistIPs', 'blockHostnames', 'discardResponseBodies', 'dns', 'duration', 'executionSegment',
  'executionSegmentSequence', 'ext', 'cloud', 'handleSummaryTimeout', 'hosts', 'httpDebug', 'insecureSkipTLSVerify', 'iterations',
  'linger', 'maxRedirects', 'minIterationDuration', 'noConnectionReuse', 'noCookiesReset', 'noUsageReport', 'noVUConnectionReuse',
  'paused', 'rps', 'scenarios', 'setupTimeout', 'stages', 'summaryTrendStats', 'systemTags', 'tags', 'teardownTimeout', 'thresholds',
  'throw', 'tlsAIAFetch', 'tlsAuth', 'tlsCipherSuites', 'tlsVersion', 'userAgent', 'vus', 'vusMax',
] as const;

/** Keys every k6 scenario takes (`BaseScenario`). */
const BASE_SCENARIO_KEYS = ['executor', 'startTime', 'gracefulStop', 'exec', 'env', 'tags', 'options'];

/** Keys of each executor's scenario (`ConstantArrivalRateScenario`, …), the base keys included. */
export const K6_EXECUTOR_KEYS: Readonly<Record<string, readonly string[]>> = {
  'shared-iterations': [...BASE_SCENARIO_KEYS, 'vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': [...BASE_SCENARIO_KEYS, 'vus', 'iterations', 'maxDuration'],
  'constant-vus': [...BASE_SCENARIO_KEYS, 'vus', 'duration'],
  'ramping-vus': [...BASE_SCENARIO_KEYS, 'stages', 'startVUs', 'gracefulRampDown'],
  'constant-arrival-rate': [...BASE_SCENARIO_KEYS, 'duration', 'rate', 'timeUnit', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': [...BASE_SCENARIO_KEYS, 'maxVUs', 'stages', 'startRate', 'timeUnit', 'preAllocatedVUs'],
};

/** The interface of `k6/options` that declares each executor's keys. */
export const K6_EXECUTOR_INTERFACES: Readonly<Record<string, string>> = {
  'shared-iterations': 'SharedIterationsScenario',
  'per-vu-iterations': 'PerVUIterationsScenario',
  'constant-vus': 'ConstantVUsScenario',
  'ramping-vus': 'RampingVUsScenario',
  'constant-arrival-rate': 'ConstantArrivalRateScenario',
  'ramping-arrival-rate': 'RampingArrivalRateScenario',
};

/** k6's built-in metrics a generated threshold may name, with their types (k6 docs, "Built-in metrics"). */
export const K6_METRICS: Readonly<Record<string, 'Counter' | 'Rate' | 'Trend'>> = {
  http_req_duration: 'Trend',
  grpc_req_duration: 'Trend',
  http_req_failed: 'Rate',
  checks: 'Rate',
  http_reqs: 'Counter',
  dropped_iterations: 'Counter',
};

/** The aggregations each metric type allows in a threshold (k6 `metrics/thresholds_parser.go`). */
const AGGREGATION: Record<'Counter' | 'Rate' | 'Trend', string> = {
  Counter: '(?:count|rate)',
  Rate: 'rate',
  Trend: '(?:avg|min|max|med|p\\((?:100|[0-9]{1,2}(?:\\.[0-9]+)?)\\))',
};

/** A k6 threshold expression for a metric type: `<aggregation><operator><number>`, no blanks. */
export function thresholdExpression(type: 'Counter' | 'Rate' | 'Trend'): RegExp {
  return new RegExp(`^${AGGREGATION[type]}(?:<=|>=|===|==|!=|<|>)-?[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?$`);
}

/** A k6 threshold key: a metric, then optionally `{tag:value,…}` (k6's sub-metric syntax). */
export const THRESHOLD_KEY = /^([a-z_]+)(?:\{([A-Za-z_]+:[^{},:]+(?:,[A-Za-z_]+:[^{},:]+)*)\})?$/;

/** Go's `time.ParseDuration` units, as k6 reads durations. */
const GO_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * Milliseconds of a duration in Go's syntax (`1h2m3.5s`, `250ms`, `0s`); throws on anything
 * Go would refuse, so a test catches a form k6 cannot read.
 */
export function goDurationMs(text: string): number {
  if (!/^(?:[0-9]+(?:\.[0-9]+)?(?:h|m|s|ms|us|µs|ns))+$/.test(text)) throw new Error(`not a Go duration: ${JSON.stringify(text)}`);
  let ms = 0;
  for (const [, value, unit] of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs|ns)/g)) ms += Number(value) * GO_UNITS[unit];
  return ms;
}
