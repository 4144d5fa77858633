import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGGREGATIONS, METRICS, parseMetricSelector, parseThresholdExpression, ThresholdSyntaxError } from '../../reports/thresholds.js';
import type { ComparisonOperator, MetricName } from '../../reports/thresholds.js';

const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
const OPERATORS: ComparisonOperator[] = ['>', '>=', '<', '<=', '==', '===', '!='];
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const space = fc.constantFrom('', ' ', '  ', '\t');
const percentile = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.option(fc.stringMatching(/^\d{1,3}$/), { nil: undefined }))
  .filter(([whole, decimals]) => whole < 100 || decimals === undefined || /^0+$/.test(decimals))
  .map(([whole, decimals]) => (decimals === undefined ? `${whole}` : `${whole}.${decimals}`));
const plainValue = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((x) => !Object.is(x, -0)) // String(-0) is "0"
  .map((x) => ({ text: String(x), value: x }));
const durationValue = fc
  .tuple(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(...Object.keys(UNIT_MS)))
  .map(([n, unit]) => ({ text: `${n}${unit}`, value: n * UNIT_MS[unit] }));

/** A metric with an expression built from the grammar, and what it should parse to. */
const wellFormed = fc.constantFrom(...METRIC_NAMES).chain((metric) => {
  const trend = METRICS[metric].type === 'Trend';
  return fc.record({
    metric: fc.constant(metric),
    aggregation: fc.constantFrom(...AGGREGATIONS[METRICS[metric].type]),
    percentile,
    operator: fc.constantFrom(...OPERATORS),
    value: trend ? fc.oneof(plainValue, durationValue) : plainValue,
    spaces: fc.array(space, { minLength: 4, maxLength: 4 }),
  });
});

function isSyntaxErrorOrParses(parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(ThresholdSyntaxError);
  }
}

describe('threshold grammar (property)', () => {
  it('parses every expression built from the grammar to what it says', () => {
    fc.assert(
      fc.property(wellFormed, ({ metric, aggregation, percentile, operator, value, spaces: [a, b, c, d] }) => {
        const lhs = aggregation === 'p(N)' ? `p(${percentile})` : aggregation;
        const parsed = parseThresholdExpression(`${a}${lhs}${b}${operator}${c}${value.text}${d}`, metric);
        const expected = aggregation === 'p(N)' ? { aggregation: 'p', percentile: Number(percentile) } : { aggregation };
        expect(parsed).toEqual({ ...expected, operator, value: value.value });
      }),
    );
  });

  it('either parses garbage expressions or throws ThresholdSyntaxError', () => {
    const alphabet = fc.constantFrom(...'p()<>=!. 0123456789-+eavgminxdcoutrslhµ{}'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet })), fc.constantFrom(...METRIC_NAMES), (expr, metric) => {
        isSyntaxErrorOrParses(() => parseThresholdExpression(expr, metric));
      }),
      { numRuns: 2000 },
    );
  });

  it('either parses garbage keys or throws ThresholdSyntaxError', () => {
    const words = fc.constantFrom('latency', 'errors', 'utilization', 'http_reqs', 'service', 'edge', 'cause', 'timeout', 'a->b', 'x');
    const alphabet = fc.constantFrom(...'{}:,-> _'.split(''));
    const key = fc.array(fc.oneof(words, alphabet), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), key), (k) => {
        isSyntaxErrorOrParses(() => parseMetricSelector(k));
      }),
      { numRuns: 2000 },
    );
  });
});
