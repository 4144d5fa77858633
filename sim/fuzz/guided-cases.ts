/**
 * Margin-guided search: fast-check's arbitraries composed with a simple hill climb. Every run
 * reports its margin on each threshold (how close it came to failing it) and on each hazard
 * (how close it came to a cliff no threshold sees before it is crossed, hazard-margins.ts).
 * The search keeps the cases that came closest to failing each threshold and to each hazard
 * (its elites); each batch after the
 * first is three quarters moves from the elites (case-mutation.ts: a fault moved, lengthened,
 * strengthened, echoed on another target, aligned with a spike; every stress turned up at once;
 * the rate or the VUs raised; a spike made bigger) and a quarter fresh cases drawn with the fault kinds and targets of the elites weighted up. So it follows
 * the slope toward the cliff instead of sampling the space uniformly.
 */
import fc from 'fast-check';
import { SeededRng } from '../seeded-rng.js';
import { faultGene, targetSlots, type FaultGene, type FaultWeights } from './fault-schedule.js';
import { caseArbitrary, type FuzzCase } from './fuzz-case.js';
import type { FuzzSpace } from './fuzz-space.js';
import { derivedSeed, SeedStream } from './derived-seed.js';
import { mutateCase } from './case-mutation.js';
import type { CaseSource } from './random-cases.js';
import type { CaseOutcome } from './run-case.js';

/** Cases kept per threshold: the closest to failing it so far. */
const ELITES_PER_THRESHOLD = 4;
/** Share of a batch (after the first) made of moves from the elites. */
const MUTANT_SHARE = 0.75;
/** How much the elites' kinds and targets weigh in fresh draws, over a floor of 1 for every kind and target. */
const WEIGHT_SCALE = 12;

interface Elite {
  c: FuzzCase;
  margin: number;
}

/** Batches that climb toward the smallest margins. */
export class GuidedCases implements CaseSource {
  /** Per threshold, then per hazard, the cases with the smallest margins, best first. */
  private readonly elites: Elite[][] = [];
  private weights: FaultWeights;

  constructor(
    private readonly space: FuzzSpace,
    private readonly seed: number,
  ) {
    this.weights = { kinds: space.kinds.map(() => 1), targets: Array.from({ length: targetSlots(space) }, () => 1) };
  }

  next(batch: number, size: number): FuzzCase[] {
    const parents = this.parents();
    const mutants = batch === 0 || parents.length === 0 ? 0 : Math.round(size * MUTANT_SHARE);
    const fresh = fc.sample(caseArbitrary(this.space, this.weights), { seed: derivedSeed(this.seed, SeedStream.batch, batch), numRuns: size - mutants });
    if (mutants === 0) return fresh;
    const rng = new SeededRng(derivedSeed(this.seed, SeedStream.mutation, batch) >>> 0);
    const genes = this.space.kinds.length === 0 ? [] : fc.sample(faultGene(this.space, this.weights), { seed: derivedSeed(this.seed, SeedStream.mutation, batch), numRuns: 4 * mutants });
    let used = 0;
    const freshGene = (): FaultGene => genes[used++ % genes.length];
    const moved = Array.from({ length: mutants }, () => mutateCase(this.space, parents[Math.floor(rng.next() ** 2 * parents.length)], rng, freshGene));
    return [...moved, ...fresh];
  }

  learn(cases: readonly FuzzCase[], outcomes: readonly CaseOutcome[]): void {
    outcomes.forEach((outcome, i) => {
      // Each threshold and each hazard is a slope of its own to climb.
      [...outcome.margins, ...outcome.hazards].forEach((margin, t) => {
        // A run as far from failing as can be says nothing about where the cliff is.
        if (margin >= 1) return;
        // A newcomer goes before the elites it ties with: on a flat stretch the parents keep changing.
        const list = (this.elites[t] ??= []);
        const at = list.findIndex((e) => e.margin >= margin);
        list.splice(at < 0 ? list.length : at, 0, { c: cases[i], margin });
        if (list.length > ELITES_PER_THRESHOLD) list.pop();
      });
    });
    this.weights = this.weightsFromElites();
  }

  /** The elites of every threshold and hazard, interleaved by rank (the best of each first), without repeats. */
  private parents(): FuzzCase[] {
    const seen = new Set<FuzzCase>();
    const out: FuzzCase[] = [];
    for (let rank = 0; rank < ELITES_PER_THRESHOLD; rank++) {
      for (const list of this.elites) {
        const e = list?.[rank];
        if (e && !seen.has(e.c)) {
          seen.add(e.c);
          out.push(e.c);
        }
      }
    }
    return out;
  }

  /** Each kind and target weighs 1 plus its share of the elites' faults, scaled. */
  private weightsFromElites(): FaultWeights {
    const faults = this.parents().flatMap((c) => c.faults);
    const share = (count: number) => (faults.length === 0 ? 0 : count / faults.length);
    return {
      kinds: this.space.kinds.map((kind) => 1 + Math.round(WEIGHT_SCALE * share(faults.filter((f) => f.kind === kind).length))),
      targets: this.weights.targets.map((_, t) => 1 + Math.round(WEIGHT_SCALE * share(faults.filter((f) => f.target === t).length))),
    };
  }
}
