/**
 * How close a run came to failing each threshold: its margin, the observed value's distance
 * to the bound on the passing side, as a fraction of the room the bound leaves. Positive
 * while the threshold holds (1: as far as it can be, e.g. no error at all for `rate<0.01`),
 * negative once it fails. The guided search climbs toward the smallest margin.
 */
import type { ThresholdResult } from '../../reports/report.js';
import { METRICS, parseMetricSelector, parseThresholdExpression, type ComparisonOperator } from '../../reports/thresholds.js';

/** A threshold's bound, parsed once per campaign. */
export interface ThresholdBound {
  /** `metric: expression`, as summaries name it. */
  label: string;
  operator: ComparisonOperator;
  value: number;
  /** The metric is a rate, in [0, 1]. */
  fraction: boolean;
}

/** Lowest margin recorded: a run that fails by far (an infinite recovery time) is no worse than this. */
const FLOOR = -1e6;
/** The margin of a failed threshold whose rounded observation sits on its bound. */
const JUST_FAILED = -1e-9;

/** The bounds of a scenario's thresholds, in the order a report lists them. */
export function thresholdBounds(thresholds: Record<string, string[]>): ThresholdBound[] {
  return Object.entries(thresholds).flatMap(([key, expressions]) => {
    const { metric } = parseMetricSelector(key);
    return expressions.map((expression) => {
      const { operator, value } = parseThresholdExpression(expression, metric);
      return { label: `${key}: ${expression}`, operator, value, fraction: METRICS[metric].type === 'Rate' };
    });
  });
}

/** The margin of one evaluated threshold against its bound. */
export function marginOf(bound: ThresholdBound, result: ThresholdResult): number {
  if (result.observed === null) return -1;
  const m = rawMargin(bound, result.observed);
  const clamped = Math.max(FLOOR, Math.min(1, Number.isNaN(m) ? FLOOR : m));
  if (!result.ok) return Math.min(clamped, JUST_FAILED);
  return Math.max(clamped, 0);
}

function rawMargin({ operator, value, fraction }: ThresholdBound, observed: number): number {
  switch (operator) {
    case '<':
    case '<=':
      return (value - observed) / room(value);
    case '>':
    case '>=':
      return (observed - value) / room(fraction ? 1 - value : value);
    default:
      return operator === '!=' ? (observed !== value ? 1 : -1) : observed === value ? 1 : -1;
  }
}

/** The room a bound leaves, never 0. */
function room(x: number): number {
  return Math.abs(x) > 1e-12 ? Math.abs(x) : 1;
}
