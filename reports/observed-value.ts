/** The value a threshold's aggregation takes over a run's measurements. */
import type { FailureCause } from '../proxy-core/call/failure-cause.js';
import type { MetricSelector } from './metric-catalogue.js';
import type { LatencyView, MetricSource, StatsView, TrafficSelector } from './metric-source.js';
import type { Aggregation } from './threshold-expression.js';
import { ThresholdTargetError } from './threshold-target-error.js';

type TrendAggregation = 'avg' | 'min' | 'max' | 'med';

const TREND: Record<TrendAggregation, (latency: LatencyView) => number> = {
  avg: (latency) => latency.mean,
  min: (latency) => latency.min,
  max: (latency) => latency.max,
  med: (latency) => latency.percentile(50),
};

/**
 * The raw value of `aggregation` on the selected metric; `null` when the selected traffic saw
 * no requests (a Counter with no data is 0, as in k6). A Counter's `rate` is per second of
 * simulated run time.
 *
 * @param key - the threshold key as written, for error messages
 * @throws {@link ThresholdTargetError} when the run has no such service, edge or class
 */
export function observedValue(
  key: string,
  selector: MetricSelector,
  aggregation: Aggregation,
  source: MetricSource,
): number | null {
  switch (selector.metric) {
    case 'latency':
      return trend(statsOf(key, selector, source).latency, aggregation);
    case 'success':
      return fraction(statsOf(key, selector, source), (stats) => stats.ok);
    case 'errors':
      return fraction(statsOf(key, selector, source), (stats) => failed(stats, selector.tags.cause as FailureCause | undefined));
    case 'requests':
      return counter(statsOf(key, selector, source).requests, aggregation, source.durationMs());
    case 'dropped_iterations':
      return counter(source.dropped(), aggregation, source.durationMs());
    case 'utilization':
      return source.utilization(selector.tags.service) ?? unknownTarget(key, { service: selector.tags.service });
    case 'amplification': {
      const traffic = trafficOf(selector);
      const value = source.amplification(traffic);
      return value === undefined ? unknownTarget(key, traffic) : value;
    }
    case 'recovery_time':
      return source.recoveryTimeMs();
  }
}

function trafficOf({ tags }: MetricSelector): TrafficSelector {
  const traffic: TrafficSelector = {};
  if (tags.service !== undefined) traffic.service = tags.service;
  if (tags.edge !== undefined) traffic.edge = tags.edge;
  if (tags.class !== undefined) traffic.class = tags.class;
  return traffic;
}

function statsOf(key: string, selector: MetricSelector, source: MetricSource): StatsView {
  const traffic = trafficOf(selector);
  return source.stats(traffic) ?? unknownTarget(key, traffic);
}

function unknownTarget(key: string, traffic: TrafficSelector): never {
  const [tag, value] = Object.entries(traffic)[0];
  throw new ThresholdTargetError(key, tag, value);
}

function trend(latency: LatencyView, aggregation: Aggregation): number | null {
  if (latency.count === 0) return null;
  if (aggregation.aggregation === 'p') return latency.percentile(aggregation.percentile);
  return TREND[aggregation.aggregation as TrendAggregation](latency);
}

function fraction(stats: StatsView, part: (stats: StatsView) => number): number | null {
  return stats.requests === 0 ? null : part(stats) / stats.requests;
}

function failed(stats: StatsView, cause: FailureCause | undefined): number {
  if (cause !== undefined) return stats.errors[cause];
  return Object.values(stats.errors).reduce((sum, n) => sum + n, 0);
}

function counter(count: number, aggregation: Aggregation, durationMs: number): number | null {
  if (aggregation.aggregation === 'count' || count === 0) return count;
  return durationMs > 0 ? (count * 1000) / durationMs : null;
}
