/**
 * Loads as the fuzzer varies them: a constant-arrival-rate load's rate within its range, and
 * a spike — a ramp up to a multiple of the rate, held for a while, and a ramp back down —
 * which turns the load into a ramping-arrival-rate load with those stages; a constant-vus
 * load's number of VUs. Drawn as genes of plain integers (see fault-schedule.ts for why);
 * shrinking moves toward the lowest rate (or fewest VUs) and the smallest, shortest, latest spike.
 */
import fc from 'fast-check';
import type { Load } from '../../scenarios/schema.js';
import { levelOf, roundIn, windowOfGene } from './fault-schedule.js';
import { MAGNITUDE_LEVELS, type FuzzSpace, type LoadSpace } from './fuzz-space.js';

/** One load's drawn variation. Fields of what does not vary are absent. */
export interface LoadGene {
  /** Rate level, 0..{@link MAGNITUDE_LEVELS}. */
  rate?: number;
  /** VUs level, 0..{@link vusLevels}: one level per user up to {@link MAGNITUDE_LEVELS} levels. */
  vus?: number;
  /** The spike: its factor level, and its place on the load's grid as a fault's (see {@link FaultGene}). */
  spike?: { factor: number; lateness: number; length: number };
}

/** The arbitrary of one load's gene. */
export function loadGene(load: LoadSpace): fc.Arbitrary<LoadGene> {
  const level = fc.integer({ min: 0, max: MAGNITUDE_LEVELS });
  const model: { rate?: fc.Arbitrary<number>; vus?: fc.Arbitrary<number>; spike?: fc.Arbitrary<NonNullable<LoadGene['spike']>> } = {};
  if (load.rate) model.rate = level;
  if (load.vus) model.vus = fc.integer({ min: 0, max: vusLevels(load) });
  if (load.spike) {
    const { grid } = load.spike;
    model.spike = fc.record({
      factor: level,
      lateness: fc.integer({ min: grid.length.min - 1, max: grid.steps - 1 }),
      length: fc.integer({ min: grid.length.min, max: grid.length.max }),
    });
  }
  return fc.record(model) as fc.Arbitrary<LoadGene>;
}

/** The arbitrary of the genes of every varied load, in the space's order. */
export function loadGenes(space: FuzzSpace): fc.Arbitrary<LoadGene[]> {
  return fc.tuple(...space.loads.map(loadGene));
}

/** The rate a gene gives its constant-arrival-rate load, per second: a tenth of a request per second is the finest step. */
export function rateOfGene(load: LoadSpace, gene: LoadGene): number {
  const written = load.base.executor === 'constant-arrival-rate' ? load.base.rate * 1000 : 0;
  if (!load.rate || gene.rate === undefined) return written;
  return roundIn(load.rate, levelOf(load.rate, gene.rate), 1);
}

/**
 * The levels of a load's VUs: one per user when there are at most {@link MAGNITUDE_LEVELS}
 * of them in the range (so that shrinking can take away exactly one), else that many.
 */
export function vusLevels(load: LoadSpace): number {
  return load.vus === null ? 0 : Math.min(MAGNITUDE_LEVELS, load.vus.max - load.vus.min);
}

/** The VUs a gene gives its constant-vus load: a whole number within the range. */
export function vusOfGene(load: LoadSpace, gene: LoadGene): number {
  const written = load.base.executor === 'constant-vus' ? load.base.vus : 0;
  if (!load.vus || gene.vus === undefined) return written;
  return roundIn(load.vus, levelOf(load.vus, gene.vus, vusLevels(load)), 0);
}

/** The spike a gene gives its load (times from the load's start, rates per second), or null for none (a factor of 1). */
export function spikeOfGene(load: LoadSpace, gene: LoadGene): { at: number; for: number; rampMs: number; factor: number } | null {
  if (!load.spike || gene.spike === undefined) return null;
  const factor = roundIn(load.spike.factor, levelOf(load.spike.factor, gene.spike.factor), 2);
  if (factor === 1) return null;
  return { ...windowOfGene(load.spike.grid, gene.spike.lateness, gene.spike.length), rampMs: load.spike.rampMs, factor };
}

/**
 * The load a gene stands for: a constant-vus load with the gene's VUs; the base load at the gene's rate, or with a spike a
 * ramping-arrival-rate load — hold, ramp up, hold the top, ramp down, hold — whose stages
 * add up to the base load's duration. Rates are whole tenths per second and times whole
 * milliseconds (when the base load's are), so the load written in a file reads back as this one.
 */
export function loadOfGene(load: LoadSpace, gene: LoadGene): Load {
  const { base } = load;
  if (base.executor === 'constant-vus') return { ...base, vus: vusOfGene(load, gene) };
  const perSecond = rateOfGene(load, gene);
  const spike = spikeOfGene(load, gene);
  if (spike === null) return { ...base, rate: perSecond / 1000 };
  const top = Math.round(perSecond * spike.factor * 10) / 10;
  const { executor: _executor, rate: _rate, duration, ...rest } = base;
  const lengths = [spike.at, spike.rampMs, spike.for, spike.rampMs];
  const targets = [perSecond, top, top, perSecond];
  const stages = lengths.map((length, i) => ({ duration: length, target: targets[i] / 1000 })).filter((stage) => stage.duration > 0);
  const remaining = duration - lengths.reduce((a, b) => a + b, 0);
  if (remaining > 0) stages.push({ duration: remaining, target: perSecond / 1000 });
  return { ...rest, executor: 'ramping-arrival-rate', startRate: perSecond / 1000, stages };
}
