/**
 * Pure random search: every batch is drawn afresh from the case arbitrary, with a seed derived
 * from the campaign's seed and the batch's number; what runs teaches it nothing. The baseline
 * the guided search is measured against.
 */
import fc from 'fast-check';
import { caseArbitrary, type FuzzCase } from './fuzz-case.js';
import type { FuzzSpace } from './fuzz-space.js';
import { derivedSeed, SeedStream } from './derived-seed.js';
import type { CaseOutcome } from './run-case.js';

/** Where a search's batches come from, and what it learns from their outcomes. */
export interface CaseSource {
  /** The `size` cases of batch `batch`. */
  next(batch: number, size: number): FuzzCase[];
  /** The outcomes of the batch just run, in its order. */
  learn(cases: readonly FuzzCase[], outcomes: readonly CaseOutcome[]): void;
}

/** Fresh random cases, batch after batch. */
export class RandomCases implements CaseSource {
  private readonly arbitrary: fc.Arbitrary<FuzzCase>;

  constructor(
    space: FuzzSpace,
    private readonly seed: number,
  ) {
    this.arbitrary = caseArbitrary(space);
  }

  next(batch: number, size: number): FuzzCase[] {
    return fc.sample(this.arbitrary, { seed: derivedSeed(this.seed, SeedStream.batch, batch), numRuns: size });
  }

  learn(): void {}
}
