/** Shared helpers for the scenario tests: a small valid scenario, and catching the ScenarioError of a bad one. */
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { isScenarioError } from '../../scenarios/scenario-error.js';
import type { ScenarioError, ScenarioIssue } from '../../scenarios/scenario-error.js';

/** A small valid scenario, as written in a file: front calls back; back has 2 replicas over two zones. */
export const BASE = {
  version: 1,
  name: 'shop',
  zones: ['a', 'b'],
  services: {
    front: { calls: [{ to: 'back' }] },
    back: { replicas: 2, zones: ['a', 'b'] },
  },
  load: {
    users: { executor: 'constant-arrival-rate', rate: '10/s', duration: '1m', target: 'front', classes: [{ name: 'web' }] },
  },
};

/** A copy of {@link BASE} changed by `change`. */
// Tests write invalid shapes on purpose, hence `any`.
export function variant(change: (scenario: any) => void): object {
  const copy = structuredClone(BASE);
  change(copy);
  return copy;
}

/** The ScenarioError that parsing `text` throws; fails the test when it throws anything else or nothing. */
export function errorOf(text: string, file = 'test.yaml'): ScenarioError {
  try {
    parseScenario(text, file);
  } catch (error) {
    expect(isScenarioError(error), String(error)).toBe(true);
    return error as ScenarioError;
  }
  throw new Error('expected a ScenarioError, but the scenario parsed');
}

/** The issues of a scenario given as an object (written out as YAML), without their positions. */
export function issuesOf(scenario: object): Omit<ScenarioIssue, 'file' | 'line' | 'column'>[] {
  return errorOf(stringify(scenario)).issues.map(({ file: _file, line: _line, column: _column, ...rest }) => rest);
}
