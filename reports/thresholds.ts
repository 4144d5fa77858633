/**
 * Thresholds in k6's syntax, on the metrics of {@link METRICS}: parsing, and evaluation over
 * a finished run. This module is the public face of the threshold files.
 */
import type { MetricSelector } from './metric-catalogue.js';
import { parseMetricSelector } from './metric-selector.js';
import type { MetricSource } from './metric-source.js';
import { observedValue } from './observed-value.js';
import type { ThresholdResult } from './report.js';
import { parseThresholdExpression } from './threshold-expression.js';
import type { ComparisonOperator } from './threshold-expression.js';

export * from './metric-catalogue.js';
export * from './metric-selector.js';
export * from './metric-source.js';
export * from './threshold-expression.js';
export * from './threshold-syntax-error.js';
export * from './threshold-target-error.js';

const COMPARE: Record<ComparisonOperator, (observed: number, value: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * Evaluates every expression of every key, in the order written. A threshold compares the
 * raw observed value; the result reports it rounded to 6 significant digits. With no data
 * (no requests in the selected traffic) `observed` is null and the threshold fails.
 *
 * @param thresholds - the scenario's `thresholds`: key (`metric{tag:value}`) to expressions
 * @throws {@link ThresholdSyntaxError} for a key or expression that does not parse
 * @throws {@link ThresholdTargetError} for a service, edge or class the run does not have
 */
export function evaluateThresholds(thresholds: Record<string, string[]>, source: MetricSource): ThresholdResult[] {
  return Object.entries(thresholds).flatMap(([key, expressions]) => {
    const selector = parseMetricSelector(key);
    return expressions.map((expression) => evaluate(key, selector, expression, source));
  });
}

function evaluate(key: string, selector: MetricSelector, expression: string, source: MetricSource): ThresholdResult {
  const threshold = parseThresholdExpression(expression, selector.metric);
  const observed = observedValue(key, selector, threshold, source);
  return {
    metric: key,
    expression,
    observed: observed === null ? null : Number(observed.toPrecision(6)),
    ok: observed !== null && COMPARE[threshold.operator](observed, threshold.value),
  };
}
