/**
 * The property a campaign checks, one case at a time: the scenario a case stands for, run in
 * the simulator, holds every threshold. A run's outcome is its verdict and its margin on each
 * threshold (how close it came to failing), which is all the search needs back from a worker.
 */
import type { RunReport, ThresholdResult } from '../../reports/report.js';
import { thresholdExpressions } from '../../scenarios/threshold-entries.js';
import { SimulationRun, type ScenarioSource } from '../run-simulation.js';
import { scenarioOfCase, type FuzzCase } from './fuzz-case.js';
import type { FuzzSpace } from './fuzz-space.js';
import { marginOf, thresholdBounds, type ThresholdBound } from './threshold-margin.js';

/** What one run of a case says. */
export interface CaseOutcome {
  /** Every threshold held. */
  ok: boolean;
  /** The margin of each threshold, in the report's order (negative: failed). */
  margins: number[];
  /** The observed value of each threshold (null: no data). */
  observed: (number | null)[];
  /** Events the simulation fired. */
  events: number;
}

/** Runs cases of one space: the scenario is parsed and its thresholds' bounds worked out once. */
export class CaseRunner {
  readonly bounds: readonly ThresholdBound[];

  constructor(
    readonly space: FuzzSpace,
    private readonly source: ScenarioSource,
  ) {
    this.bounds = thresholdBounds(thresholdExpressions(space.scenario.thresholds));
  }

  /** Runs `c` and returns its outcome (building no more of the report than its thresholds need). */
  run(c: FuzzCase): CaseOutcome {
    const run = new SimulationRun(scenarioOfCase(this.space, c), this.source);
    run.advance(Infinity);
    const { thresholds, events } = run.verdict();
    return this.outcomeOf(thresholds, events);
  }

  /** Runs `c` and returns its whole report. */
  report(c: FuzzCase): RunReport {
    const run = new SimulationRun(scenarioOfCase(this.space, c), this.source);
    run.advance(Infinity);
    return run.report();
  }

  /** The outcome of a run that judged its thresholds `thresholds` and fired `events` events. */
  outcomeOf(thresholds: readonly ThresholdResult[], events: number): CaseOutcome {
    return {
      ok: thresholds.every((t) => t.ok),
      margins: thresholds.map((t, i) => marginOf(this.bounds[i], t)),
      observed: thresholds.map((t) => t.observed),
      events,
    };
  }
}

/** The smallest margin of an outcome (the threshold closest to failing, or failed the worst); 1 without thresholds. */
export function worstMargin(outcome: CaseOutcome): number {
  return Math.min(1, ...outcome.margins);
}
