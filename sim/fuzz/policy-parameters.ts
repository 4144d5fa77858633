/**
 * Mesh-policy parameters as the fuzzer searches them: each a level on its range (integers,
 * whole milliseconds, or numbers to four significant digits), set on its policy. Shrinking
 * moves each toward the low end of its range.
 */
import fc from 'fast-check';
import type { MeshPolicy, Scenario } from '../../scenarios/schema.js';
import { levelOf } from './fault-schedule.js';
import type { FuzzSpace, ParameterSpace } from './fuzz-space.js';

/** The arbitrary of the levels of every searched parameter, in the space's order. */
export function parameterGenes(space: FuzzSpace): fc.Arbitrary<number[]> {
  return fc.tuple(...space.parameters.map((p) => fc.integer({ min: 0, max: p.levels })));
}

/** The value of `parameter` at `level`, in the scenario's units (ms for durations). */
export function parameterValue(parameter: ParameterSpace, level: number): number {
  const x = levelOf(parameter.range, level, parameter.levels);
  const rounded = parameter.kind === 'number' ? Number(x.toPrecision(4)) : Math.round(x);
  return Math.min(parameter.range.max, Math.max(parameter.range.min, rounded));
}

/** The mesh policies with each searched parameter set to its value (the policies touched are copied). */
export function policiesWith(scenario: Scenario, parameters: readonly ParameterSpace[], values: readonly number[]): MeshPolicy[] {
  const policies = [...scenario.mesh.policies];
  parameters.forEach((parameter, i) => {
    const policy = { ...policies[parameter.policy] } as Record<string, unknown>;
    const [block, key] = parameter.path;
    if (key === undefined) policy[block] = values[i];
    else policy[block] = { ...(policy[block] as object), [key]: values[i] };
    policies[parameter.policy] = policy as MeshPolicy;
  });
  return policies;
}
