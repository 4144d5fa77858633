import { describe, expect, it } from 'vitest';
import { parseThresholdExpression, ThresholdSyntaxError } from '../../reports/thresholds.js';
import type { MetricName } from '../../reports/thresholds.js';

function syntaxError(expr: string, metric: MetricName): ThresholdSyntaxError {
  try {
    parseThresholdExpression(expr, metric);
  } catch (e) {
    expect(e).toBeInstanceOf(ThresholdSyntaxError);
    return e as ThresholdSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(expr)} to be rejected for ${metric}`);
}

describe('parseThresholdExpression', () => {
  it.each([
    ['avg<200', 'latency', { aggregation: 'avg' }],
    ['min<200', 'latency', { aggregation: 'min' }],
    ['max<200', 'latency', { aggregation: 'max' }],
    ['med<200', 'latency', { aggregation: 'med' }],
    ['p(95)<200', 'latency', { aggregation: 'p', percentile: 95 }],
    ['rate<200', 'success', { aggregation: 'rate' }],
    ['rate<200', 'errors', { aggregation: 'rate' }],
    ['count<200', 'requests', { aggregation: 'count' }],
    ['rate<200', 'requests', { aggregation: 'rate' }],
    ['count<200', 'dropped_iterations', { aggregation: 'count' }],
    ['value<200', 'utilization', { aggregation: 'value' }],
  ] as const)('parses %s on %s', (expr, metric, aggregation) => {
    expect(parseThresholdExpression(expr, metric)).toEqual({ ...aggregation, operator: '<', value: 200 });
  });

  it.each(['>', '>=', '<', '<=', '==', '===', '!='] as const)('parses the operator %s', (operator) => {
    expect(parseThresholdExpression(`p(99)${operator}500`, 'latency')).toEqual({ aggregation: 'p', percentile: 99, operator, value: 500 });
  });

  it('allows whitespace around tokens', () => {
    expect(parseThresholdExpression('  p( 99.9 )  <=\t1.5  ', 'latency')).toEqual({ aggregation: 'p', percentile: 99.9, operator: '<=', value: 1.5 });
    expect(parseThresholdExpression('rate >= 0.99', 'success')).toEqual({ aggregation: 'rate', operator: '>=', value: 0.99 });
  });

  it('accepts percentiles from 0 to 100 with decimals', () => {
    expect(parseThresholdExpression('p(0)<1', 'latency')).toMatchObject({ percentile: 0 });
    expect(parseThresholdExpression('p(100)<1', 'latency')).toMatchObject({ percentile: 100 });
    expect(parseThresholdExpression('p(99.99)<1', 'latency')).toMatchObject({ percentile: 99.99 });
  });

  it.each(['p(100.1)<1', 'p(101)<1', 'p(-1)<1', 'p(NaN)<1', 'p()<1', 'p(abc)<1', 'p(1e2)<1', 'p(.5)<1'])('rejects the percentile in %s', (expr) => {
    expect(syntaxError(expr, 'latency').message).toContain('expected a percentile from 0 to 100 in p(N)');
  });

  it('reads units on latency values as milliseconds', () => {
    expect(parseThresholdExpression('p(99)<500ms', 'latency').value).toBe(500);
    expect(parseThresholdExpression('avg<1.5s', 'latency').value).toBe(1500);
    expect(parseThresholdExpression('max<2m', 'latency').value).toBe(120_000);
    expect(parseThresholdExpression('min>250us', 'latency').value).toBe(0.25);
  });

  it('rejects units on values of metrics other than latency', () => {
    expect(syntaxError('rate<500ms', 'success').message).toContain('expected a number after the operator, found "500ms"');
    expect(syntaxError('count<1s', 'requests').message).toContain('expected a number after the operator');
  });

  it('parses signed, fractional and exponent numbers', () => {
    expect(parseThresholdExpression('avg>-5', 'latency').value).toBe(-5);
    expect(parseThresholdExpression('rate<.5', 'success').value).toBe(0.5);
    expect(parseThresholdExpression('count<1e3', 'requests').value).toBe(1000);
  });

  it.each(['avg<', 'avg<abc', 'avg<NaN', 'avg<Infinity', 'avg<1e999', 'avg<500<600', 'avg<5 00', 'avg<500 ms'])('rejects the value in %j', (expr) => {
    expect(syntaxError(expr, 'latency').message).toContain('expected a number of milliseconds or a duration like 500ms or 1.5s');
  });

  it('rejects an expression without an operator', () => {
    expect(syntaxError('p(99) 500', 'latency').message).toContain('operator among > >= < <= == === !=');
    expect(syntaxError('p(99)=500', 'latency').message).toContain('operator among');
  });

  it('checks that the aggregation applies to the metric type', () => {
    expect(syntaxError('avg<1', 'requests').message).toContain('aggregation avg does not apply to requests, a Counter; expected one of count, rate');
    expect(syntaxError('p(99)<1', 'success').message).toContain('aggregation p(N) does not apply to success, a Rate; expected one of rate');
    expect(syntaxError('count<1', 'errors').message).toContain('a Rate');
    expect(syntaxError('rate<1', 'latency').message).toContain('expected one of avg, min, max, med, p(N)');
    expect(syntaxError('value<1', 'latency').message).toContain('does not apply to latency, a Trend');
    expect(syntaxError('rate<1', 'utilization').message).toContain('a Gauge; expected one of value');
  });

  it('suggests the nearest aggregation for an unknown one', () => {
    const e = syntaxError('avgg<1', 'latency');
    expect(e.message).toContain('unknown aggregation "avgg" (did you mean "avg"?)');
    expect(e.message).toContain('latency is a Trend');
    expect(syntaxError('<1', 'latency').message).toContain('unknown aggregation ""');
  });

  it('names the expression in the message', () => {
    expect(syntaxError('avg<abc', 'latency').message).toMatch(/^threshold "avg<abc": /);
    expect(syntaxError('avg<abc', 'latency').input).toBe('avg<abc');
  });
});
