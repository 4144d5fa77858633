/**
 * The `options` object of a generated k6 script: one k6 scenario per faultline load, the
 * thresholds k6 can check, response bodies discarded (faultline's requests only need the
 * status), and the trend statistics faultline's report gives.
 */
import type { Scenario } from '../../scenarios/schema.js';
import { k6ScenarioOf } from './k6-executors.js';
import type { K6Scenario } from './k6-executors.js';
import { k6Names } from './k6-names.js';
import type { K6Names } from './k6-names.js';
import { k6ThresholdsOf } from './k6-thresholds.js';
import type { K6Threshold, OmittedThreshold } from './k6-thresholds.js';

/** The options a generated script exports (a subset of `Options` from `k6/options`). */
export interface K6Options {
  scenarios: Record<string, K6Scenario>;
  thresholds: Record<string, K6Threshold[]>;
  discardResponseBodies: boolean;
  summaryTrendStats: string[];
}

/** Trend statistics in k6's end-of-test summary: those faultline's report gives for latency. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)'];

/** The options, and what the script's header must say about them. */
export interface K6OptionsBuild {
  options: K6Options;
  /** Thresholds left to faultline, with why. */
  omitted: OmittedThreshold[];
  /** Where k6 approximates the scenario. */
  notes: string[];
  /** What k6 cannot express at all (the export is refused when there is any). */
  problems: string[];
}

/** The k6 options for `scenario`'s load and thresholds. */
export function buildK6Options(scenario: Scenario, names: K6Names = k6Names(scenario)): K6OptionsBuild {
  const scenarios: Record<string, K6Scenario> = {};
  const notes: string[] = [];
  const problems: string[] = [];
  for (const [name, load] of Object.entries(scenario.load)) {
    const result = k6ScenarioOf(name, load, names.exec.get(name)!);
    if ('problem' in result) {
      problems.push(result.problem);
      continue;
    }
    scenarios[names.scenario.get(name)!] = result.scenario;
    notes.push(...result.notes);
  }
  const thresholds = k6ThresholdsOf(scenario, names);
  return {
    options: { scenarios, thresholds: thresholds.thresholds, discardResponseBodies: true, summaryTrendStats: SUMMARY_TREND_STATS },
    omitted: thresholds.omitted,
    notes: [...notes, ...thresholds.notes],
    problems,
  };
}
