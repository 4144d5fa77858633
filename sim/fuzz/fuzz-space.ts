/**
 * The space a fuzz campaign searches, resolved once from a scenario and its `fuzz` section:
 * the targets and kinds of faults, the time grid they are drawn on, the ranges of their
 * magnitudes, the loads that vary and the policy parameters searched. Every bound the file
 * leaves out gets its default here.
 */
import { POLICY_PARAMETERS, type ParameterField, type ParameterKind } from '../../scenarios/fuzz-parameters.js';
import type { FuzzFaultKind, FuzzLoad } from '../../scenarios/fuzz-schema.js';
import { fuzzKinds, fuzzSectionOf, fuzzTargets, targetsFor, type FuzzTarget } from '../../scenarios/fuzz-targets.js';
import { plannedEndMs } from '../../scenarios/planned-end.js';
import type { Load, Scenario } from '../../scenarios/schema.js';

/** A range, both ends included. */
export interface Range {
  min: number;
  max: number;
}

/** A span of run time cut into steps of `grain` ms: times are drawn on this grid. */
export interface TimeGrid {
  /** Start of the span (ms). */
  from: number;
  /** Step of the grid (ms): 1, 2 or 5 × a power of ten, about a two-hundredth of the span. */
  grain: number;
  /** Steps in the span (at least 1). */
  steps: number;
  /** Length of a fault or a spike, in steps. */
  length: Range;
}

/** The loads that can vary: their rate (or VUs), and for an arrival rate a spike. */
export type VaryingLoad = Extract<Load, { executor: 'constant-arrival-rate' | 'constant-vus' }>;

/** How one load varies. */
export interface LoadSpace {
  name: string;
  /** The load as the scenario has it. */
  base: VaryingLoad;
  /** Its rate, per second, when it varies (a constant-arrival-rate load). */
  rate: Range | null;
  /** Its virtual users, when they vary (a constant-vus load). */
  vus: Range | null;
  /** Its spike, when it has one: the factor's range, when it may happen (relative to the load's start), the ramp (ms). */
  spike: { factor: Range; grid: TimeGrid; rampMs: number } | null;
}

/** One searched parameter: where it sits, and its range in the units the scenario keeps (ms for durations). */
export interface ParameterSpace {
  field: ParameterField;
  from: string;
  to: string;
  /** Index of the policy in `mesh.policies`. */
  policy: number;
  path: readonly string[];
  kind: ParameterKind;
  range: Range;
  /** Values drawn are `min + (max − min) · i / levels` for i in 0..levels, rounded to the kind. */
  levels: number;
}

/** Everything a campaign draws from. */
export interface FuzzSpace {
  /** The scenario as written, its own faults included (fuzzed faults are added to them). */
  scenario: Scenario;
  targets: FuzzTarget[];
  /** Kinds that can be drawn (those with a target, and ca-outage). */
  kinds: FuzzFaultKind[];
  /** The targets of each kind, in `kinds` order. */
  targetsByKind: FuzzTarget[][];
  count: Range;
  /** When faults happen. */
  grid: TimeGrid;
  latencyMs: Range;
  abortPercent: Range;
  slowdownFactor: Range;
  loads: LoadSpace[];
  parameters: ParameterSpace[];
}

/** Levels a magnitude (latency, abort percentage, slowdown factor, spike factor, rate) is drawn at: 0..100. */
export const MAGNITUDE_LEVELS = 100;

/** The most levels of a parameter (an integer or a duration in ms over a wide range is drawn on a coarser grid). */
const MAX_PARAMETER_LEVELS = 1000;

/** Resolves the space of `scenario`'s `fuzz` section (its defaults when it has none). Assumes a validated scenario. */
export function fuzzSpaceOf(scenario: Scenario): FuzzSpace {
  const section = fuzzSectionOf(scenario);
  const f = section.faults;
  const targets = fuzzTargets(scenario);
  const kinds = fuzzKinds(scenario, targets).filter((kind) => kind === 'ca-outage' || targetsFor(kind, targets).length > 0);
  const end = plannedEndMs(scenario);
  const from = f.window?.from ?? 0;
  const to = Math.max(from + 1, f.window?.to ?? end);
  const span = to - from;
  return {
    scenario,
    targets,
    kinds,
    targetsByKind: kinds.map((kind) => targetsFor(kind, targets)),
    count: kinds.length === 0 ? { min: 0, max: 0 } : { ...f.count },
    grid: timeGrid(from, span, { min: f.duration?.min ?? span / 100, max: f.duration?.max ?? span }),
    latencyMs: f.latency ?? { min: 10, max: 1000 },
    abortPercent: f.abort ?? { min: 10, max: 100 },
    slowdownFactor: f.slowdown ?? { min: 2, max: 20 },
    loads: Object.entries(section.load).map(([name, variation]) => loadSpace(scenario, name, variation)),
    parameters: section.parameters.map((p) => parameterSpace(scenario, p)),
  };
}

/** A grid over `span` ms from `from`, with lengths in `lengthMs` rounded to whole steps (at least one). */
export function timeGrid(from: number, span: number, lengthMs: Range): TimeGrid {
  const grain = niceStep(span / 200);
  const steps = Math.max(1, Math.floor(span / grain));
  const min = Math.min(steps, Math.max(1, Math.ceil(lengthMs.min / grain)));
  const max = Math.min(steps, Math.max(min, Math.floor(lengthMs.max / grain)));
  return { from, grain, steps, length: { min, max } };
}

/** The largest of 1, 2, 5 × 10^k (k ≥ 0) ms at most `ms`, and at least 1 ms. */
function niceStep(ms: number): number {
  if (ms <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(ms));
  return [5, 2, 1].map((m) => m * power).find((step) => step <= ms)!;
}

function loadSpace(scenario: Scenario, name: string, variation: FuzzLoad): LoadSpace {
  const base = scenario.load[name] as LoadSpace['base'];
  const rate = variation.rate ? { min: variation.rate.min * 1000, max: variation.rate.max * 1000 } : null;
  const vus = variation.vus ?? null;
  const spike = variation.spike;
  if (!spike) return { name, base, rate, vus, spike: null };
  const rampMs = Math.max(1, spike.ramp);
  const room = Math.max(1, base.duration - 2 * rampMs);
  const grid = timeGrid(0, room, { min: spike.for?.min ?? base.duration / 100, max: spike.for?.max ?? base.duration / 2 });
  return { name, base, rate, vus, spike: { factor: spike.factor, grid, rampMs } };
}

function parameterSpace(scenario: Scenario, p: { from: string; to: string; field: ParameterField; min: number | string; max: number | string }): ParameterSpace {
  const spec = POLICY_PARAMETERS[p.field];
  const range = { min: spec.schema.parse(p.min) as number, max: spec.schema.parse(p.max) as number };
  const width = range.max - range.min;
  const levels = spec.kind === 'number' ? (width > 0 ? MAGNITUDE_LEVELS : 0) : Math.min(MAX_PARAMETER_LEVELS, Math.floor(width));
  return {
    field: p.field,
    from: p.from,
    to: p.to,
    policy: scenario.mesh.policies.findIndex((q) => q.from === p.from && q.to === p.to),
    path: spec.path,
    kind: spec.kind,
    range,
    levels,
  };
}
