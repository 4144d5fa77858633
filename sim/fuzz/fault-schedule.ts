/**
 * Faults as the fuzzer draws them. A fault is drawn as a gene of plain values — kind, target
 * index, lateness, length, size — so that fast-check can shrink it even when it comes back as
 * an example (a mapped arbitrary cannot shrink a value it did not draw), and decoded into a
 * scenario fault by {@link faultOfGene}. Shrinking moves each gene toward the simplest fault:
 * the first kind, the first target, the latest start, the shortest length, the smallest
 * magnitude.
 */
import fc from 'fast-check';
import type { FuzzFaultKind } from '../../scenarios/fuzz-schema.js';
import type { Fault } from '../../scenarios/schema.js';
import { MAGNITUDE_LEVELS, type FuzzSpace, type Range, type TimeGrid } from './fuzz-space.js';

/** One drawn fault, before decoding. */
export interface FaultGene {
  kind: FuzzFaultKind;
  /** Index into the kind's targets, modulo their number. */
  target: number;
  /** Steps from the end of the window to the fault's start, less one: 0 is the latest start. */
  lateness: number;
  /** Length in steps of the grid (cut at the window's end). */
  length: number;
  /** Magnitude level, 0..{@link MAGNITUDE_LEVELS}: the delay, percentage or factor within its range. */
  size: number;
}

/**
 * Integer weights that bias generation toward some kinds and targets (the guided search's
 * hill climb); absent, every kind and target is as likely.
 */
export interface FaultWeights {
  /** One weight per kind of the space, in its order. */
  kinds: number[];
  /** One weight per target index (up to the most targets any kind has). */
  targets: number[];
}

/** The arbitrary of one fault gene in `space`, optionally weighted. */
export function faultGene(space: FuzzSpace, weights?: FaultWeights): fc.Arbitrary<FaultGene> {
  const { grid } = space;
  const targets = targetSlots(space);
  return fc.record({
    kind: weights ? weighted(space.kinds, weights.kinds) : fc.constantFrom(...space.kinds),
    target: weights ? weighted(Array.from({ length: targets }, (_, i) => i), weights.targets) : fc.integer({ min: 0, max: targets - 1 }),
    lateness: fc.integer({ min: grid.length.min - 1, max: grid.steps - 1 }),
    length: fc.integer({ min: grid.length.min, max: grid.length.max }),
    size: fc.integer({ min: 0, max: MAGNITUDE_LEVELS }),
  });
}

/** The range of a fault gene's target index: the most targets any kind of the space has (at least 1). */
export function targetSlots(space: FuzzSpace): number {
  return Math.max(1, ...space.targetsByKind.map((t) => t.length));
}

/** The arbitrary of a whole schedule of fault genes: between `count.min` and `count.max` of them. */
export function faultGenes(space: FuzzSpace, weights?: FaultWeights): fc.Arbitrary<FaultGene[]> {
  // An empty array, not fc.constant([]): a constant takes back only its own instance, so a case
  // handed back to shrink (a new []) would not shrink at all.
  if (space.count.max === 0) return fc.array(fc.constant<FaultGene | never>(undefined as never), { maxLength: 0 });
  return fc.array(faultGene(space, weights), { minLength: space.count.min, maxLength: space.count.max });
}

function weighted<T>(values: readonly T[], weights: readonly number[]): fc.Arbitrary<T> {
  return fc.oneof(...values.map((value, i) => ({ weight: Math.max(0, Math.round(weights[i] ?? 1)), arbitrary: fc.constant(value) })));
}

/** The time a gene's fault starts and how long it lasts (ms), on `grid`. */
export function windowOfGene(grid: TimeGrid, lateness: number, length: number): { at: number; for: number } {
  const startStep = grid.steps - 1 - lateness;
  return { at: grid.from + grid.grain * startStep, for: grid.grain * Math.min(length, grid.steps - startStep) };
}

/** The value at `level` (0..levels) of `range`. */
export function levelOf(range: Range, level: number, levels = MAGNITUDE_LEVELS): number {
  return levels === 0 ? range.min : range.min + ((range.max - range.min) * level) / levels;
}

/**
 * The scenario fault a gene stands for. Times and delays are whole milliseconds, percentages
 * have one decimal and factors two, so that the fault written in a file (`2500ms`, `37.5`)
 * reads back as exactly this one.
 */
export function faultOfGene(space: FuzzSpace, gene: FaultGene): Fault {
  const when = windowOfGene(space.grid, gene.lateness, gene.length);
  if (gene.kind === 'ca-outage') return { kind: 'ca-outage', ...when };
  const targets = space.targetsByKind[space.kinds.indexOf(gene.kind)];
  const target = targets[gene.target % targets.length];
  const common = { ...when, ...target };
  switch (gene.kind) {
    case 'latency':
      return { kind: 'latency', delay: roundIn(space.latencyMs, levelOf(space.latencyMs, gene.size), 0), jitter: 0, ...common };
    case 'abort':
      return { kind: 'abort', status: 503, percent: roundIn(space.abortPercent, levelOf(space.abortPercent, gene.size), 1), ...common };
    case 'slowdown':
      return { kind: 'slowdown', factor: roundIn(space.slowdownFactor, levelOf(space.slowdownFactor, gene.size), 2), ...common };
    default:
      return { kind: gene.kind, ...common };
  }
}

/** `x` rounded to `digits` decimals, kept within `range` (whose own ends are written as the file has them). */
export function roundIn(range: Range, x: number, digits: number): number {
  const scale = 10 ** digits;
  const rounded = Math.round(x * scale) / scale;
  return Math.min(range.max, Math.max(range.min, rounded));
}
