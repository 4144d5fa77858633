/**
 * The mutant property at scale: `npx tsx test/scenarios/run-mutants.ts [RUNS] [SEED]`
 * (default 5,000 runs, a random seed) over every shipped scenario, printing how many mutants
 * were refused, found too large, or ran; a counterexample stops it with the seed to replay.
 */
import fc from 'fast-check';
import { damage, mutate, mutationArbitrary, shippedScenarios, textDamageArbitrary, verdictOf, type Verdict } from './scenario-mutants.js';

const runs = Number(process.argv[2] ?? 5000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const bases = shippedScenarios(1000);
const seen: Record<Verdict, number> = { rejected: 0, 'too-large': 0, ran: 0 };
const started = performance.now();
fc.assert(
  fc.property(fc.nat(bases.length - 1), fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }), textDamageArbitrary, (base, mutations, harm) => {
    seen[verdictOf(damage(mutate(bases[base].value, mutations), harm), 60_000)]++;
  }),
  { seed, numRuns: runs },
);
console.log(`${runs} mutants of ${bases.length} shipped scenarios (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(0)} s: ${seen.rejected} refused as scenario errors, ${seen['too-large']} refused as too large, ${seen.ran} ran to their end`);
