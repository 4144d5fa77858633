/**
 * `faultline/fuzz`: the fuzzer's arbitraries and a simulation helper, for test suites that
 * write their own properties (vitest, or any runner fast-check works with):
 *
 * ```ts
 * import fc from 'fast-check';
 * import { faultSchedule, loadScenario, simulate } from 'faultline/fuzz';
 *
 * const shop = loadScenario('scenarios/three-tier-shop.yaml');
 * fc.assert(fc.property(faultSchedule(shop, { count: { max: 1 }, kinds: ['crash'] }), (faults) => {
 *   const report = simulate(shop, { faults });
 *   return report.services.checkout.ok / report.services.checkout.requests > 0.995;
 * }));
 * ```
 *
 * Bounds are written as the scenario's `fuzz` section writes them (`'250ms'`, `'100/s'`), and
 * checked the same way. The values drawn are scenario values (faults, loads, mesh policies),
 * shrunk by fast-check toward fewer faults, later, shorter, weaker, lower.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import type { RunReport } from '../../reports/report.js';
import { checkFuzz } from '../../scenarios/checks/fuzz.js';
import { FuzzSection, type FuzzFaults, type FuzzLoad, type FuzzParameter } from '../../scenarios/fuzz-schema.js';
import { loadScenarioFile, parseScenario } from '../../scenarios/parse-scenario.js';
import { draftsFromZod } from '../../scenarios/schema-issues/zod-issues.js';
import type { Fault, Load, MeshPolicy, Scenario } from '../../scenarios/schema.js';
import { runSimulation } from '../run-simulation.js';
import { faultGenes, faultOfGene } from './fault-schedule.js';
import { FuzzBoundsError } from './fuzz-bounds-error.js';
import { fuzzSpaceOf, type FuzzSpace } from './fuzz-space.js';
import { loadGenes, loadOfGene } from './load-profile.js';
import { parameterGenes, parameterValue, policiesWith } from './policy-parameters.js';

export { FuzzBoundsError } from './fuzz-bounds-error.js';
export { parseScenario };
export type { Fault, Load, MeshPolicy, RunReport, Scenario };

/** Bounds of faults, as `fuzz.faults` writes them: count, kinds, targets, window, duration, magnitudes. */
export type FaultBounds = z.input<typeof FuzzFaults>;
/** Bounds of one load, as `fuzz.load.<name>` writes them: rate and spike, or VUs. */
export type LoadBounds = z.input<typeof FuzzLoad>;
/** A searched mesh-policy parameter, as `fuzz.parameters[]` writes it. */
export type ParameterBounds = z.input<typeof FuzzParameter>;

/** Reads, validates and normalises a scenario file (errors name the file, line and column). */
export function loadScenario(path: string): Scenario {
  return loadScenarioFile(path).scenario;
}

/**
 * Schedules of faults for `scenario`: up to `count.max` faults of the kinds given, on its
 * services, instances, zones and edges (or the targets given), within the window. Without
 * bounds, the scenario's own `fuzz.faults` or the defaults: up to 3 faults of every kind,
 * anywhere in the run.
 *
 * @throws {@link FuzzBoundsError} for bounds the `fuzz` section would refuse
 */
export function faultSchedule(scenario: Scenario, bounds?: FaultBounds): fc.Arbitrary<Fault[]> {
  const space = spaceWith(scenario, bounds === undefined ? {} : { faults: bounds });
  return faultGenes(space).map((genes) => genes.map((gene) => faultOfGene(space, gene)));
}

/**
 * The scenario's loads with the ones named in `bounds` varied: a constant-arrival-rate load's
 * rate within its range, and a spike (a ramp up to a multiple of the rate, held, and back); a
 * constant-vus load's VUs within theirs.
 *
 * @throws {@link FuzzBoundsError} for bounds the `fuzz` section would refuse
 */
export function loadProfile(scenario: Scenario, bounds: Record<string, LoadBounds>): fc.Arbitrary<Record<string, Load>> {
  const space = spaceWith(scenario, { load: bounds, faults: { count: { max: 0 } } });
  return loadGenes(space).map((genes) => ({ ...scenario.load, ...Object.fromEntries(space.loads.map((load, i) => [load.name, loadOfGene(load, genes[i])])) }));
}

/**
 * The scenario's mesh policies with each parameter of `parameters` set within its range:
 * retries, timeouts, budget ratios, breaker thresholds… (`fuzz.parameters`), to find where a
 * policy stops holding.
 *
 * @throws {@link FuzzBoundsError} for parameters the `fuzz` section would refuse
 */
export function policyParameters(scenario: Scenario, parameters: ParameterBounds[]): fc.Arbitrary<MeshPolicy[]> {
  const space = spaceWith(scenario, { parameters, faults: { count: { max: 0 } } });
  return parameterGenes(space).map((levels) => policiesWith(scenario, space.parameters, space.parameters.map((p, i) => parameterValue(p, levels[i]))));
}

/** What {@link simulate} changes in a scenario before running it. */
export interface Variation {
  /** Faults added after the scenario's own. */
  faults?: readonly Fault[];
  /** Loads replacing the scenario's, by name (as {@link loadProfile} draws them). */
  load?: Record<string, Load>;
  /** Mesh policies replacing the scenario's (as {@link policyParameters} draws them). */
  policies?: readonly MeshPolicy[];
  /** The simulation's seed (default: the scenario's). */
  seed?: number;
}

/**
 * Runs `scenario`, changed by `variation`, in the simulator and returns its report
 * (`faultline.report/v1`): `ok` says whether every threshold held, `thresholds` each one's
 * observed value, `services` and `edges` the traffic. Deterministic: the same scenario,
 * variation and seed give the same report (but `engine.wall_ms`).
 */
export function simulate(scenario: Scenario, variation: Variation = {}): RunReport {
  const changed: Scenario = {
    ...scenario,
    faults: [...scenario.faults, ...(variation.faults ?? [])],
    load: variation.load ?? scenario.load,
    mesh: variation.policies ? { ...scenario.mesh, policies: [...variation.policies] } : scenario.mesh,
  };
  return runSimulation(changed, { file: scenario.name, sha256: '' }, { seed: variation.seed });
}

/** The space of `scenario` with `section` as its `fuzz` section, checked as a file's would be. */
function spaceWith(scenario: Scenario, section: z.input<typeof FuzzSection>): FuzzSpace {
  const parsed = FuzzSection.safeParse(section);
  if (!parsed.success) throw new FuzzBoundsError(draftsFromZod(parsed.error.issues, FuzzSection, section).map((d) => ({ ...d, path: ['fuzz', ...d.path] })));
  const withSection = { ...scenario, fuzz: parsed.data };
  const issues = checkFuzz(withSection);
  if (issues.length > 0) throw new FuzzBoundsError(issues);
  return fuzzSpaceOf(withSection);
}
