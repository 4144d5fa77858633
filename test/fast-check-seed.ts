/**
 * Seeds every fast-check property of the suite.
 *
 * Under CI (`CI` set) the seed is fixed, so a gate never fails on one run and passes on
 * the next for the same commit; locally each run draws a new seed, which is how the
 * properties keep finding new counterexamples. `FC_SEED=<n>` replays a run (fast-check
 * prints the seed of every failure).
 */
import fc from 'fast-check';

const CI_SEED = 20261127;

function seedOf(env: NodeJS.ProcessEnv): number | undefined {
  if (env.FC_SEED !== undefined && env.FC_SEED !== '') return Number.parseInt(env.FC_SEED, 10);
  return env.CI ? CI_SEED : undefined;
}

const seed = seedOf(process.env);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
