/**
 * The property a campaign checks, one case at a time: the scenario a case stands for, run in
 * the simulator, holds every threshold. A run's outcome is its verdict and its margin on each
 * threshold (how close it came to failing), which is all the search needs back from a worker.
 */
import type { RunReport } from '../../reports/report.js';
import { thresholdExpressions } from '../../scenarios/threshold-entries.js';
import { SimulationRun, type RunVerdict, type ScenarioSource } from '../run-simulation.js';
import { hazardMargins } from './hazard-margins.js';
import { scenarioOfCase, type FuzzCase } from './fuzz-case.js';
import type { FuzzSpace } from './fuzz-space.js';
import { marginOf, thresholdBounds, type ThresholdBound } from './threshold-margin.js';

/** What one run of a case says. */
export interface CaseOutcome {
  /** Every threshold held. */
  ok: boolean;
  /** The margin of each threshold, in the report's order (negative: failed). */
  margins: number[];
  /** How close the run came to each cliff no threshold sees before it is crossed (hazard-margins.ts). */
  hazards: number[];
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
    return this.outcomeOf(run.verdict());
  }

  /** Runs `c` and returns its whole report. */
  report(c: FuzzCase): RunReport {
    const run = new SimulationRun(scenarioOfCase(this.space, c), this.source);
    run.advance(Infinity);
    return run.report();
  }

  /** The outcome of a run with verdict `verdict`. */
  outcomeOf(verdict: RunVerdict): CaseOutcome {
    const { thresholds, events } = verdict;
    return {
      ok: thresholds.every((t) => t.ok),
      margins: thresholds.map((t, i) => marginOf(this.bounds[i], t)),
      hazards: hazardMargins(this.space.scenario, verdict),
      observed: thresholds.map((t) => t.observed),
      events,
    };
  }
}

/** The smallest margin of an outcome (the threshold closest to failing, or failed the worst); 1 without thresholds. */
export function worstMargin(outcome: CaseOutcome): number {
  return Math.min(1, ...outcome.margins);
}
