/**
 * Threshold keys in k6's sub-metric syntax: `latency`, `latency{service:checkout}`,
 * `errors{cause:timeout,service:payments}`.
 */
import { FAILURE_CAUSES } from '../proxy-core/call/failure-cause.js';
import { unknownName } from './did-you-mean.js';
import { METRIC_ALIASES, METRICS, SCOPE_TAGS } from './metric-catalogue.js';
import type { MetricName, MetricSelector, MetricSpec } from './metric-catalogue.js';
import { ThresholdSyntaxError } from './threshold-syntax-error.js';

const KEY = /^\s*([^\s{}]+)\s*(?:\{([^{}]*)\}\s*)?$/;
const EDGE = /^[^\s>]+->[^\s>]+$/;

/**
 * Parses a threshold key into its metric (aliases such as `http_req_duration` resolved) and
 * tags. Whitespace is allowed around names, braces, colons and commas.
 *
 * @throws {@link ThresholdSyntaxError} for a malformed key, an unknown metric or tag (with
 * the nearest known name), a tag the metric does not take, or a bad tag value
 */
export function parseMetricSelector(key: string): MetricSelector {
  const match = KEY.exec(key);
  if (!match) {
    throw new ThresholdSyntaxError(key, 'expected a metric name, then optionally tags in braces, like latency{service:checkout}');
  }
  const metric = resolveMetric(key, match[1]);
  const tags = match[2] === undefined ? {} : parseTags(key, METRICS[metric], match[2]);
  checkScope(key, metric, tags);
  return { metric, tags };
}

function resolveMetric(key: string, name: string): MetricName {
  if (Object.hasOwn(METRICS, name)) return name as MetricName;
  if (Object.hasOwn(METRIC_ALIASES, name)) return METRIC_ALIASES[name];
  throw new ThresholdSyntaxError(key, unknownName('metric', name, [...Object.keys(METRICS), ...Object.keys(METRIC_ALIASES)]));
}

function parseTags(key: string, spec: MetricSpec, text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [name, value] = splitTag(key, pair);
    if (!(spec.tags as readonly string[]).includes(name)) throw new ThresholdSyntaxError(key, unknownTag(spec, name));
    if (Object.hasOwn(tags, name)) throw new ThresholdSyntaxError(key, `tag ${JSON.stringify(name)} is given twice`);
    checkTagValue(key, name, value);
    tags[name] = value;
  }
  return tags;
}

function splitTag(key: string, pair: string): [string, string] {
  const colon = pair.indexOf(':');
  const name = pair.slice(0, colon).trim();
  const value = pair.slice(colon + 1).trim();
  if (colon < 0 || name === '' || value === '') {
    throw new ThresholdSyntaxError(key, `expected tag:value inside the braces, found ${JSON.stringify(pair.trim())}`);
  }
  return [name, value];
}

function unknownTag(spec: MetricSpec, name: string): string {
  if (spec.tags.length === 0) return `this metric takes no tags, found ${JSON.stringify(name)}`;
  return unknownName('tag', name, spec.tags);
}

function checkTagValue(key: string, name: string, value: string): void {
  if (name === 'cause' && !(FAILURE_CAUSES as readonly string[]).includes(value)) {
    throw new ThresholdSyntaxError(key, unknownName('cause', value, FAILURE_CAUSES));
  }
  if (name === 'edge' && !EDGE.test(value)) {
    throw new ThresholdSyntaxError(key, `expected an edge like checkout->payments, found ${JSON.stringify(value)}`);
  }
}

function checkScope(key: string, metric: MetricName, tags: Record<string, string>): void {
  const scopes = SCOPE_TAGS.filter((tag) => Object.hasOwn(tags, tag));
  if (scopes.length > 1) {
    throw new ThresholdSyntaxError(key, `expected at most one of ${SCOPE_TAGS.join(', ')}, found ${scopes.join(' and ')}`);
  }
  const required = METRICS[metric].requiredTag;
  if (required !== undefined && !Object.hasOwn(tags, required)) {
    throw new ThresholdSyntaxError(key, `${metric} needs a ${required} tag, like ${metric}{${required}:checkout}`);
  }
}
