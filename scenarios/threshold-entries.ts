/**
 * A scenario's thresholds as the report and the stop conditions read them: each entry is a
 * k6 expression, written plainly or in k6's object form (`{threshold, abortOnFail,
 * delayAbortEval}`).
 */
import type { Scenario } from './schema.js';

/** One entry of a threshold key, as parsed. */
export type ThresholdEntry = Scenario['thresholds'][string][number];

/** A threshold that stops the run when it fails while the run goes (k6's `abortOnFail`). */
export interface StopCondition {
  /** The threshold key (`metric{tag:value}`). */
  readonly metric: string;
  /** The k6 expression. */
  readonly expression: string;
  /** Time into the run before it is evaluated (k6's `delayAbortEval`), ms. */
  readonly delayMs: number;
}

/** The expression of an entry, whichever form it was written in. */
export function thresholdExpression(entry: ThresholdEntry): string {
  return typeof entry === 'string' ? entry : entry.threshold;
}

/** Every threshold key with its expressions, in the order written. */
export function thresholdExpressions(thresholds: Scenario['thresholds']): Record<string, string[]> {
  return Object.fromEntries(Object.entries(thresholds).map(([key, entries]) => [key, entries.map(thresholdExpression)]));
}

/** The thresholds marked `abortOnFail`, in the order written. */
export function stopConditions(scenario: Scenario): StopCondition[] {
  return Object.entries(scenario.thresholds).flatMap(([metric, entries]) =>
    entries.flatMap((entry) => (typeof entry !== 'string' && entry.abortOnFail ? [{ metric, expression: entry.threshold, delayMs: entry.delayAbortEval }] : [])),
  );
}
