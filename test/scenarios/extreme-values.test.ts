/**
 * Every numeric, duration and rate field of the scenario format, found by walking the
 * published JSON Schema, set in turn to 0, −1, NaN, ±Infinity, 1e308, a number of 400
 * digits, and the largest well-formed number (bare, and with a unit for durations and
 * rates): each scenario is either refused with a ScenarioError (the CLI's exit 2) or runs to
 * a report. Nothing else may be thrown — no RangeError from the core at run time, which the
 * CLI would turn into exit 3 and a stack trace. A field added to the schema is walked
 * without editing this file; a block or union option the example lacks fails the first test.
 * The example's load is tiny, so the values that are accepted run in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REPORT_SCHEMA } from '../../reports/report.js';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { isScenarioError } from '../../scenarios/scenario-error.js';
import type { Scenario } from '../../scenarios/schema.js';
import { generateScenarioJsonSchema } from '../../scenarios/write-schema.js';
import { runSimulation } from '../../sim/run-simulation.js';
import { EXAMPLE } from './every-field.js';
import { leafPointers, placements, type LeafKind, type Placement, type SchemaNode } from './schema-leaves.js';

const DIGITS_400 = `1${'0'.repeat(400)}`;
const TINY = `0.${'0'.repeat(399)}1`;
/** The largest integer a double holds exactly, and the largest number of 15 digits: past every bound, yet well-formed. */
const LARGEST_INTEGER = String(Number.MAX_SAFE_INTEGER);
const LARGEST_15_DIGITS = '9'.repeat(15);
/** What each field is set to, as written in the file: bare values for every field, and with a unit for durations and rates. */
const BARE = ['0', '-1', 'NaN', '.inf', '-.inf', '1e308', DIGITS_400, LARGEST_INTEGER];
const WITH_UNIT: Partial<Record<LeafKind, string[]>> = {
  duration: ['0s', '-1s', 'NaNs', 'Infinityms', '1e308ms', `${DIGITS_400}ms`, `${TINY}s`, `${LARGEST_15_DIGITS}h`],
  rate: ['0/s', '-1/s', 'NaN/s', 'Infinity/s', '1e308/s', `${DIGITS_400}/s`, `${TINY}/s`, `${LARGEST_15_DIGITS}/ms`],
};

const PLACEHOLDER = 'EXTREME_VALUE_PLACEHOLDER';

const SCHEMA = JSON.parse(generateScenarioJsonSchema()) as SchemaNode;

function setAt(target: unknown, path: readonly (string | number)[], value: unknown): void {
  const parent = path.slice(0, -1).reduce((v: any, key) => v[key], target);
  parent[path[path.length - 1]] = value;
}

/** The example as YAML with the field of `placement` written as a placeholder, to be replaced by each value. */
function template(placement: Placement): string {
  const copy = structuredClone(EXAMPLE);
  for (const { path, value } of placement.setup) setAt(copy, path, structuredClone(value));
  setAt(copy, placement.path, PLACEHOLDER);
  return stringify(copy);
}

/** What happened to one scenario: refused (with the error's code), ran, or failed otherwise (a bug). */
type Outcome = { refused: string } | { ran: true } | { threw: string };

/**
 * What parsing, then running, `text` does. A value in the `fuzz` section changes nothing a
 * run reads (only `faultline fuzz` reads it), so for those (`parseOnly`) the parse, with its
 * checks, is the whole test.
 */
function outcomeOf(text: string, parseOnly = false): Outcome {
  let scenario: Scenario;
  try {
    scenario = parseScenario(text, 'extreme.yaml');
  } catch (error) {
    if (isScenarioError(error) && error.code.startsWith('FL_SCENARIO_') && error.issues.length > 0) return { refused: error.code };
    return { threw: `parse: ${String((error as Error)?.stack ?? error)}` };
  }
  if (parseOnly) return { ran: true };
  try {
    const report = runSimulation(scenario, { file: 'extreme.yaml', sha256: '' });
    return report.schema === REPORT_SCHEMA ? { ran: true } : { threw: 'no report' };
  } catch (error) {
    return { threw: `run: ${String((error as Error)?.stack ?? error).split('\n').slice(0, 3).join(' | ')}` };
  }
}

describe('extreme values in every numeric, duration and rate field', () => {
  const all = placements(SCHEMA, EXAMPLE);

  it('the example is valid, runs, and reaches every such field of the schema', () => {
    expect(outcomeOf(stringify(EXAMPLE))).toEqual({ ran: true });
    const reached = new Set(all.map((p) => p.pointer));
    expect(leafPointers(SCHEMA).filter((pointer) => !reached.has(pointer))).toEqual([]);
    expect(all.length).toBeGreaterThan(100);
  });

  it('refuses each value as a scenario error or runs it to a report, never anything else', () => {
    const failures: string[] = [];
    let refused = 0;
    for (const placement of all) {
      const text = template(placement);
      for (const raw of [...BARE, ...(WITH_UNIT[placement.kind] ?? [])]) {
        const outcome = outcomeOf(text.replace(PLACEHOLDER, raw), placement.path[0] === 'fuzz');
        if ('threw' in outcome) failures.push(`${placement.path.join('.')} = ${raw.length > 24 ? `${raw.slice(0, 12)}…(${raw.length} chars)` : raw}: ${outcome.threw}`);
        else if ('refused' in outcome) refused++;
      }
    }
    expect(failures).toEqual([]);
    expect(refused).toBeGreaterThan(all.length * BARE.length * 0.8);
  });
});
