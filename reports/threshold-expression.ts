/**
 * Threshold expressions in k6's syntax, `<aggregation> <operator> <value>` (k6
 * `metrics/thresholds_parser.go`), e.g. `p(99)<500`, `rate>0.99`, `count >= 1000`.
 * Latency values may also carry a unit: `p(99)<500ms`, `avg<1.5s`.
 */
import { DURATION_PATTERN, parseDuration } from '../scenarios/units.js';
import { unknownName } from './did-you-mean.js';
import { METRICS } from './metric-catalogue.js';
import type { MetricName, MetricType } from './metric-catalogue.js';
import { ThresholdSyntaxError } from './threshold-syntax-error.js';

/** A comparison operator; `==` and `===` both mean numeric equality, as in k6. */
export type ComparisonOperator = '>' | '>=' | '<' | '<=' | '==' | '===' | '!=';

/** An aggregation other than a percentile. */
export type NamedAggregation = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med';

/** An aggregation: a named one, or `p` with its percentile (0 to 100). */
export type Aggregation = { aggregation: NamedAggregation } | { aggregation: 'p'; percentile: number };

/** A parsed expression. Values of Trend metrics are in milliseconds. */
export type ParsedThreshold = Aggregation & { operator: ComparisonOperator; value: number };

/** The aggregations each metric type allows, as in k6; `p(N)` is a percentile with N from 0 to 100. */
export const AGGREGATIONS: Readonly<Record<MetricType, readonly string[]>> = {
  Counter: ['count', 'rate'],
  Gauge: ['value'],
  Rate: ['rate'],
  Trend: ['avg', 'min', 'max', 'med', 'p(N)'],
};

const OPERATOR = /===|==|!=|<=|>=|<|>/;
const PERCENTILE = /^p\s*\(\s*(.*?)\s*\)$/;
const PERCENTILE_VALUE = /^\d+(?:\.\d+)?$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const ANY_AGGREGATION = new Set(Object.values(AGGREGATIONS).flat());

/**
 * Parses a threshold expression for `metric`, checking that its aggregation applies to the
 * metric's type. Whitespace is allowed around tokens.
 *
 * @throws {@link ThresholdSyntaxError} saying what was expected and what was found
 */
export function parseThresholdExpression(expr: string, metric: MetricName): ParsedThreshold {
  const op = OPERATOR.exec(expr);
  if (!op) {
    throw new ThresholdSyntaxError(expr, 'expected <aggregation> <operator> <value>, with an operator among > >= < <= == === !=');
  }
  const lhs = expr.slice(0, op.index).trim();
  const rhs = expr.slice(op.index + op[0].length).trim();
  return { ...parseAggregation(expr, metric, lhs), operator: op[0] as ComparisonOperator, value: parseValue(expr, metric, rhs) };
}

function parseAggregation(expr: string, metric: MetricName, text: string): Aggregation {
  const percentile = PERCENTILE.exec(text);
  const name = percentile ? 'p(N)' : text;
  const { type } = METRICS[metric];
  const allowed = AGGREGATIONS[type];
  if (!allowed.includes(name)) {
    const reason = ANY_AGGREGATION.has(name)
      ? `aggregation ${name} does not apply to ${metric}, a ${type}; expected one of ${allowed.join(', ')}`
      : `${unknownName('aggregation', text, allowed)} (${metric} is a ${type})`;
    throw new ThresholdSyntaxError(expr, reason);
  }
  if (percentile) return { aggregation: 'p', percentile: parsePercentile(expr, percentile[1]) };
  return { aggregation: name as NamedAggregation };
}

function parsePercentile(expr: string, text: string): number {
  const p = Number(text);
  if (!PERCENTILE_VALUE.test(text) || p > 100) {
    throw new ThresholdSyntaxError(expr, `expected a percentile from 0 to 100 in p(N), found ${JSON.stringify(text)}`);
  }
  return p;
}

function parseValue(expr: string, metric: MetricName, text: string): number {
  const trend = METRICS[metric].type === 'Trend';
  if (NUMBER.test(text) && Number.isFinite(Number(text))) return Number(text);
  if (trend && DURATION_PATTERN.test(text)) return parseDuration(text);
  const expected = trend ? 'a number of milliseconds or a duration like 500ms or 1.5s' : 'a number';
  throw new ThresholdSyntaxError(expr, `expected ${expected} after the operator, found ${JSON.stringify(text)}`);
}
