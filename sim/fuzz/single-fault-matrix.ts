/**
 * Coverage of single faults first, as Filibuster does systematically: before any random
 * search, every fault kind on every target it can hit, once, at the strongest magnitude the
 * bounds allow, over the middle third of the window — and a matrix of which of them break
 * which thresholds. The cases are ordinary cases of the space, so a single fault that breaks
 * a threshold shrinks like any other find.
 */
import type { FuzzFaultKind } from '../../scenarios/fuzz-schema.js';
import { describeTarget, type FuzzTarget } from '../../scenarios/fuzz-targets.js';
import { alignColumns } from '../../reports/text-table.js';
import type { FuzzCase } from './fuzz-case.js';
import { MAGNITUDE_LEVELS, type FuzzSpace } from './fuzz-space.js';
import { vusLevels, type LoadGene } from './load-profile.js';
import type { CaseOutcome } from './run-case.js';
import type { ThresholdBound } from './threshold-margin.js';

/** One single-fault case of the matrix. */
export interface MatrixCase {
  kind: FuzzFaultKind;
  /** Null for a CA outage. */
  target: FuzzTarget | null;
  c: FuzzCase;
}

/** The case with no fault drawn: the scenario as written (loads and parameters as near their written values as their grids allow). */
export function baselineCase(space: FuzzSpace): FuzzCase {
  return {
    seed: space.scenario.seed,
    faults: [],
    loads: space.loads.map((load): LoadGene => {
      const gene: LoadGene = {};
      if (load.rate && load.base.executor === 'constant-arrival-rate') gene.rate = nearestLevel(load.base.rate * 1000, load.rate.min, load.rate.max, MAGNITUDE_LEVELS);
      if (load.vus && load.base.executor === 'constant-vus') gene.vus = nearestLevel(load.base.vus, load.vus.min, load.vus.max, vusLevels(load));
      if (load.spike) gene.spike = { factor: 0, lateness: load.spike.grid.length.min - 1, length: load.spike.grid.length.min };
      return gene;
    }),
    parameters: space.parameters.map((p) => {
      const written = valueAt(space.scenario.mesh.policies[p.policy], p.path);
      return typeof written === 'number' ? nearestLevel(written, p.range.min, p.range.max, p.levels) : 0;
    }),
  };
}

/** Every kind on every target it can hit, as single-fault cases over the baseline; none when a run must draw more than one fault. */
export function singleFaultCases(space: FuzzSpace): MatrixCase[] {
  if (space.count.min > 1 || space.count.max < 1) return [];
  const base = baselineCase(space);
  const { grid } = space;
  const start = Math.floor(grid.steps / 3);
  const lateness = Math.max(grid.length.min - 1, grid.steps - 1 - start);
  const length = Math.min(grid.length.max, Math.max(grid.length.min, Math.ceil(grid.steps / 3)));
  return space.kinds.flatMap((kind, k) => {
    const targets: (FuzzTarget | null)[] = kind === 'ca-outage' ? [null] : space.targetsByKind[k];
    return targets.map((target, i) => ({ kind, target, c: { ...base, faults: [{ kind, target: i, lateness, length, size: MAGNITUDE_LEVELS }] } }));
  });
}

/** The matrix as text: a row per single fault, a column per threshold (✓ held, ✗ broke), the thresholds named below. */
export function renderMatrix(cases: readonly MatrixCase[], outcomes: readonly CaseOutcome[], bounds: readonly ThresholdBound[]): string {
  const header = ['fault', ...bounds.map((_, i) => `T${i + 1}`)];
  const rows = cases.map((m, i) => [`${m.kind} on ${describeTarget(m.target)}`, ...outcomes[i].margins.map((margin) => (margin < 0 ? '✗' : '✓'))]);
  const table = alignColumns([header, ...rows], header.map((_, i) => (i === 0 ? 'left' : 'right')));
  const legend = bounds.map((b, i) => `T${i + 1} ${b.label}`);
  return [...table, ...legend].join('\n');
}

function nearestLevel(value: number, min: number, max: number, levels: number): number {
  if (levels === 0 || max === min) return 0;
  return Math.min(levels, Math.max(0, Math.round(((value - min) / (max - min)) * levels)));
}

function valueAt(policy: object, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => (v === undefined || v === null ? undefined : (v as Record<string, unknown>)[key]), policy);
}
