/**
 * The worker side of the pool: a worker thread receives the campaign's parsed scenario once,
 * as its `workerData`, works out the space and the thresholds' bounds once, then runs each
 * case it is sent and sends back its outcome. Nothing else crosses the thread boundary.
 */
import Tinypool from 'tinypool';
import type { Scenario } from '../../scenarios/schema.js';
import type { ScenarioSource } from '../run-simulation.js';
import type { FuzzCase } from './fuzz-case.js';
import { fuzzSpaceOf } from './fuzz-space.js';
import { CaseRunner, type CaseOutcome } from './run-case.js';

/** What every worker of a campaign is started with. */
export interface WorkerSetup {
  scenario: Scenario;
  source: ScenarioSource;
}

let runner: CaseRunner | null = null;

/** Runs one case in this worker (the pool's task). */
export default function runFuzzCase(c: FuzzCase): CaseOutcome {
  if (runner === null) {
    const setup = Tinypool.workerData as WorkerSetup;
    runner = new CaseRunner(fuzzSpaceOf(setup.scenario), setup.source);
  }
  return runner.run(c);
}
