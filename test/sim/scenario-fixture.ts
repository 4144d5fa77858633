import { ScenarioSchema, type Scenario, type ScenarioInput } from '../../scenarios/schema.js';
import { runSimulation } from '../../sim/run-simulation.js';
import type { RunReport } from '../../reports/report.js';

/** Builds a validated scenario from a partial input (version and name filled in). */
export function scenario(input: Omit<ScenarioInput, 'version' | 'name'> & { name?: string }): Scenario {
  return ScenarioSchema.parse({ version: 1, name: 'test', ...input });
}

/** Runs a scenario built by {@link scenario}. */
export function simulate(input: Parameters<typeof scenario>[0], seed?: number): RunReport {
  return runSimulation(scenario(input), { file: '<test>', sha256: '' }, { seed });
}
