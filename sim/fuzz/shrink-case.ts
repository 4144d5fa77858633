/**
 * Shrinking a failing case with fast-check: the case goes back to fast-check as an example of
 * the case arbitrary, which tries simpler ones — fewer faults, later, shorter, weaker, a lower
 * rate, a smaller spike, lower parameters — keeping each that still fails, until none does.
 * The simulator is deterministic, so shrinking is too: the same case shrinks the same way.
 */
import fc from 'fast-check';
import { caseArbitrary, type FuzzCase } from './fuzz-case.js';
import type { FuzzSpace } from './fuzz-space.js';
import type { CaseSimulator } from './case-simulator.js';
import type { CaseOutcome } from './run-case.js';

/** A shrunk case and what shrinking it took. */
export interface ShrunkCase {
  c: FuzzCase;
  outcome: CaseOutcome;
  /** Simpler cases that still failed, each replacing the last: fast-check's `numShrinks` (the path's length when replayed). */
  steps: number;
  /** Runs shrinking made (the candidates tried, the passing ones included). */
  runs: number;
  /** fast-check's path from the example to the shrunk case: given back (`--path`), it replays the shrinking without the candidates that passed. */
  path: string;
}

/** The case raised by a failing case that passes when run again: the simulator is not deterministic. */
export class NotReproducibleError extends Error {
  readonly code = 'FL_FUZZ_NOT_REPRODUCIBLE';
}

/**
 * Shrinks `failing` (a case whose run failed) to a minimal failing case.
 *
 * @param onRun - hears every run of a candidate, with the steps so far (for a progress line)
 * @param path - fast-check's path of an earlier shrinking of the same case: follow it instead of searching
 * @throws {@link NotReproducibleError} when `failing` passes when run again
 */
export async function shrinkCase(
  space: FuzzSpace,
  simulator: CaseSimulator,
  failing: FuzzCase,
  onRun?: (outcome: CaseOutcome, steps: number) => void,
  path?: string,
): Promise<ShrunkCase> {
  let runs = 0;
  let steps = -1;
  let last: { c: FuzzCase; outcome: CaseOutcome } | null = null;
  const property = fc.asyncProperty(caseArbitrary(space), async (c) => {
    const [outcome] = await simulator.run([c]);
    runs++;
    if (!outcome.ok) {
      last = { c, outcome };
      steps++;
    }
    onRun?.(outcome, Math.max(0, steps));
    return outcome.ok;
  });
  const details = await fc.check(property, { examples: [[failing]], numRuns: 1, seed: 0, ...(path === undefined ? {} : { path, endOnFailure: true }) });
  if (details.counterexample === null || last === null) throw new NotReproducibleError('the failing case passed when run again: the simulation is not deterministic');
  const found = last as { c: FuzzCase; outcome: CaseOutcome };
  if (JSON.stringify(found.c) !== JSON.stringify(details.counterexample[0])) throw new Error('shrinking ended on a case it did not see fail last');
  return { c: found.c, outcome: found.outcome, steps: path === undefined ? details.numShrinks : path.split(':').length - 1, runs, path: path ?? details.counterexamplePath ?? '' };
}
