/**
 * Mutants of the shipped scenarios, and the one verdict each must get: refused as a scenario
 * error (exit 2), refused by the cost estimate (exit 2), or run to its end — never another
 * exception, never a hang. Shared by the suite's fuzz test (a few hundred mutants, fixed
 * seed) and `npx tsx test/scenarios/run-mutants.ts` (as many as asked).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { isScenarioError } from '../../scenarios/scenario-error.js';
import type { Scenario } from '../../scenarios/schema.js';
import { costProblems, estimateCost } from '../../sim/cost-estimate.js';
import { SimulationRun } from '../../sim/run-simulation.js';

const ROOT = join(import.meta.dirname, '../../scenarios');

/** A shipped scenario as a plain object, its loads shortened to `maxLoadMs` so a run of it is quick. */
export interface BaseScenario {
  readonly file: string;
  readonly value: Record<string, unknown>;
}

/** Every shipped scenario file, its loads cut to at most `maxLoadMs` of load (so that the mutants of it run fast). */
export function shippedScenarios(maxLoadMs: number): BaseScenario[] {
  const files = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('staging/')) // staging/ holds staging target files
    .sort();
  return files.map((file) => {
    const value = parseDocument(readFileSync(join(ROOT, file), 'utf8')).toJS() as Record<string, unknown>;
    for (const load of Object.values((value.load ?? {}) as Record<string, Record<string, unknown>>)) shorten(load, maxLoadMs);
    delete value.faults; // their times refer to the full-length run; mutants add their own
    return { file, value };
  });
}

function shorten(load: Record<string, unknown>, maxLoadMs: number): void {
  const ms = `${maxLoadMs}ms`;
  if ('duration' in load) load.duration = ms;
  if (Array.isArray(load.stages)) load.stages = [{ duration: ms, target: (load.stages.at(-1) as Record<string, unknown>).target }];
  load.gracefulStop = '2s';
  delete load.startTime;
}

/** Where a mutation applies: a path of keys and indexes into the scenario object. */
type Path = (string | number)[];

/** Every path to a value in `value` (objects and arrays walked, leaves and containers alike). */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** Values that stress a field: extremes, wrong types, and digits beyond any float. */
const EXTREMES: unknown[] = [
  0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 0.5, 4294967296, 1e9,
  '0s', '-1s', '1us', '1e308ms', `1${'0'.repeat(400)}ms`, `1${'0'.repeat(400)}/s`, '1000000000/s', '2400h', 'NaN', '.inf',
  '', 'x', true, null, [], {}, [1, 2, 3], { a: 1 },
];

/** One change to a scenario object. */
export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'rename'; at: number; name: string }
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'duplicate'; at: number }
  | { kind: 'fault'; fault: Record<string, unknown> };

const faultArbitrary = fc.record({
  kind: fc.constantFrom('latency', 'abort', 'crash', 'partition', 'slowdown', 'blackhole', 'ca-outage'),
  at: fc.constantFrom('0s', '500ms', '1s', '100h'),
  for: fc.constantFrom('0s', '1ms', '1s', '1h'),
});

/** A mutation: its target path is chosen by index modulo the paths there are when applied. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.constantFrom('x', 'replica', 'retries', 'rate', '__proto__', 'constructor', 'toString') }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(...EXTREMES) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('fault' as const), fault: faultArbitrary.map((f) => ({ ...f, service: 'x' }) as Record<string, unknown>) }),
);

/** Applies `mutations` to a copy of `base` and returns the YAML text. */
export function mutate(base: Record<string, unknown>, mutations: readonly Mutation[]): string {
  const value = structuredClone(base);
  for (const m of mutations) apply(value, m);
  return stringify(value);
}

function apply(root: Record<string, unknown>, m: Mutation): void {
  if (m.kind === 'fault') {
    const services = Object.keys((root.services ?? {}) as object);
    const fault: Record<string, unknown> = { ...m.fault, service: services[0] ?? 'x' };
    if (fault.kind === 'ca-outage') delete fault.service;
    root.faults = [...((root.faults as unknown[]) ?? []), fault];
    return;
  }
  const paths = pathsOf(root).filter((p) => p.length > 0);
  if (paths.length === 0) return;
  const path = paths[m.at % paths.length];
  const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        parent[m.name] = parent[key];
        delete parent[key];
      }
      break;
    case 'set':
      parent[key] = structuredClone(m.value);
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]));
      else if (Array.isArray(parent[key])) (parent[key] as unknown[]).push(...structuredClone(parent[key] as unknown[]));
      break;
  }
}

/** Damage to the text itself: cut it short, overwrite a few bytes, or none. */
export type TextDamage = { kind: 'truncate'; at: number } | { kind: 'bytes'; at: number; bytes: string } | { kind: 'none' };

/** A {@link TextDamage}. */
export const textDamageArbitrary: fc.Arbitrary<TextDamage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }) }),
  fc.constant({ kind: 'none' as const }),
);

/** Applies a text damage. */
export function damage(text: string, d: TextDamage): string {
  if (d.kind === 'none') return text;
  const at = Math.floor(d.at * text.length);
  return d.kind === 'truncate' ? text.slice(0, at) : text.slice(0, at) + d.bytes + text.slice(at + d.bytes.length);
}

/** How a mutant was answered. */
export type Verdict = 'rejected' | 'too-large' | 'ran';

/**
 * Runs `text` through the parser, the cost estimate and the simulator as the CLI does. Returns
 * the verdict; throws if anything else happens: an exception that is not a scenario error, or
 * a run still going after `wallLimitMs` (the estimate let through a run it should have refused).
 */
export function verdictOf(text: string, wallLimitMs: number): Verdict {
  let scenario: Scenario;
  try {
    scenario = parseScenario(text, 'mutant.yaml');
  } catch (error) {
    if (isScenarioError(error)) return 'rejected';
    throw error;
  }
  if (costProblems(scenario, estimateCost(scenario), false).length > 0) return 'too-large';
  const run = new SimulationRun(scenario, { file: 'mutant.yaml', sha256: '' });
  const started = performance.now();
  while (!run.advance(20_000)) {
    if (performance.now() - started > wallLimitMs) throw new Error(`a mutant the estimate let through ran longer than ${wallLimitMs} ms`);
  }
  run.report();
  return 'ran';
}
