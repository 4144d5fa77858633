/**
 * Every mutant of a shipped scenario is refused as bad input or runs to its end: keys
 * deleted, renamed or given extreme and wrong-typed values, list items duplicated, faults
 * added anywhere in time, the text cut short or overwritten with random bytes. A larger run
 * of the same property: `npx tsx test/scenarios/run-mutants.ts 5000`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damage, mutate, mutationArbitrary, shippedScenarios, textDamageArbitrary, verdictOf, type Verdict } from './scenario-mutants.js';

const BASES = shippedScenarios(1000);

describe('mutants of the shipped scenarios', () => {
  it('are refused as bad input or run to their end, never another way', () => {
    const seen: Record<Verdict, number> = { rejected: 0, 'too-large': 0, ran: 0 };
    fc.assert(
      fc.property(fc.nat(BASES.length - 1), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), textDamageArbitrary, (base, mutations, harm) => {
        const text = damage(mutate(BASES[base].value, mutations), harm);
        seen[verdictOf(text, 20_000)]++;
      }),
      { seed: 20261127, numRuns: 250 },
    );
    // The property saw all three answers, so the mutations neither all break nor all spare the files.
    expect(seen.rejected).toBeGreaterThan(20);
    expect(seen.ran).toBeGreaterThan(20);
  });
});
