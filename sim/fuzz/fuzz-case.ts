/**
 * One case of a fuzz campaign: the simulation's seed, the faults, the loads' variations and
 * the parameters' levels, all as plain genes (so fast-check shrinks a case it is handed back
 * as an example), and the scenario it stands for.
 */
import fc from 'fast-check';
import type { Fault, Load, Scenario } from '../../scenarios/schema.js';
import { faultGenes, faultOfGene, type FaultGene, type FaultWeights } from './fault-schedule.js';
import type { FuzzSpace } from './fuzz-space.js';
import { loadGenes, loadOfGene, type LoadGene } from './load-profile.js';
import { parameterGenes, parameterValue, policiesWith } from './policy-parameters.js';

/** A drawn case. */
export interface FuzzCase {
  /** The simulation's seed: drawn, never shrunk (a smaller seed is not a simpler run). */
  seed: number;
  faults: FaultGene[];
  /** One per varied load, in the space's order. */
  loads: LoadGene[];
  /** One level per searched parameter, in the space's order. */
  parameters: number[];
}

/** Largest simulation seed drawn: 2^31 − 1. */
const MAX_RUN_SEED = 0x7fffffff;

/** The arbitrary of cases in `space`; `weights` bias the faults' kinds and targets (guided search). */
export function caseArbitrary(space: FuzzSpace, weights?: FaultWeights): fc.Arbitrary<FuzzCase> {
  return fc.record({
    seed: fc.noShrink(fc.integer({ min: 0, max: MAX_RUN_SEED })),
    faults: faultGenes(space, weights),
    loads: loadGenes(space),
    parameters: parameterGenes(space),
  });
}

/** What a case changes in its scenario, decoded. */
export interface CaseChanges {
  /** The faults drawn, added after the scenario's own. */
  faults: Fault[];
  /** The varied loads, by name. */
  loads: Record<string, Load>;
  /** The searched parameters' values (ms for durations), in the space's order. */
  parameters: number[];
}

/** What `c` changes in the space's scenario. */
export function changesOfCase(space: FuzzSpace, c: FuzzCase): CaseChanges {
  return {
    faults: c.faults.map((gene) => faultOfGene(space, gene)),
    loads: Object.fromEntries(space.loads.map((load, i) => [load.name, loadOfGene(load, c.loads[i])])),
    parameters: space.parameters.map((p, i) => parameterValue(p, c.parameters[i])),
  };
}

/** The scenario `c` stands for: the space's scenario with its seed, faults, loads and parameters. */
export function scenarioOfCase(space: FuzzSpace, c: FuzzCase): Scenario {
  return applyChanges(space, changesOfCase(space, c), c.seed);
}

/** The space's scenario with `changes` applied and `seed` as its seed. */
export function applyChanges(space: FuzzSpace, changes: CaseChanges, seed: number): Scenario {
  const { scenario } = space;
  return {
    ...scenario,
    seed,
    faults: [...scenario.faults, ...changes.faults],
    load: space.loads.length === 0 ? scenario.load : { ...scenario.load, ...changes.loads },
    mesh: space.parameters.length === 0 ? scenario.mesh : { ...scenario.mesh, policies: policiesWith(scenario, space.parameters, changes.parameters) },
  };
}
