import { describe, expect, it } from 'vitest';
import { formatPath } from '../../scenarios/format-issue.js';
import { isScenarioError, ScenarioError } from '../../scenarios/scenario-error.js';
import type { ScenarioIssue } from '../../scenarios/scenario-error.js';

const SOURCE = 'version: 1\nservices:\n  a:\n    latncy: 5ms\n    replicas: two\n';

const unknownKey: ScenarioIssue = {
  code: 'FL_SCENARIO_UNKNOWN_KEY',
  file: 'a.yaml',
  line: 4,
  column: 5,
  path: ['services', 'a', 'latncy'],
  message: 'unknown key',
  suggestion: 'latency',
};
const wrongType: ScenarioIssue = {
  code: 'FL_SCENARIO_SCHEMA',
  file: 'a.yaml',
  line: 5,
  column: 15,
  path: ['services', 'a', 'replicas'],
  message: 'wrong type',
  expected: 'an integer',
  found: '"two"',
};

describe('ScenarioError', () => {
  it('lists every issue, sorted by position, each with a code frame', () => {
    const error = new ScenarioError([wrongType, unknownKey], SOURCE);
    expect(error.issues).toEqual([unknownKey, wrongType]);
    expect(error.message).toBe(
      [
        'a.yaml:4:5: services.a.latncy: unknown key — did you mean "latency"?',
        '4 |     latncy: 5ms',
        '  |     ^',
        'a.yaml:5:15: services.a.replicas: wrong type (expected an integer, found "two")',
        '5 |     replicas: two',
        '  |               ^',
      ].join('\n'),
    );
  });

  it('leaves out the code frame without a source, and the path at the top level', () => {
    const error = new ScenarioError([{ code: 'FL_SCENARIO_IO', file: 'x.yaml', line: 1, column: 1, path: [], message: 'cannot read the file' }]);
    expect(error.message).toBe('x.yaml:1:1: cannot read the file');
  });

  it('shows a window of a long line around the column', () => {
    const line = `name: ${'x'.repeat(300)}!${'y'.repeat(300)}`;
    const error = new ScenarioError([{ ...wrongType, line: 1, column: 307 }], line);
    const [, frame, caret] = error.message.split('\n');
    expect(frame.length).toBeLessThan(120);
    expect(frame[caret.indexOf('^')]).toBe('!');
  });

  it('takes its code from the most basic kind of issue it holds', () => {
    expect(new ScenarioError([unknownKey, wrongType]).code).toBe('FL_SCENARIO_SCHEMA');
    expect(new ScenarioError([unknownKey]).code).toBe('FL_SCENARIO_UNKNOWN_KEY');
    expect(new ScenarioError([{ ...unknownKey, code: 'FL_SCENARIO_REFERENCE' }, unknownKey]).code).toBe('FL_SCENARIO_UNKNOWN_KEY');
  });

  it('shows the first 20 issues by position and says how many more there were', () => {
    const issues = Array.from({ length: 25 }, (_, i): ScenarioIssue => ({ ...wrongType, line: 25 - i, path: ['services', `s${25 - i}`] }));
    const error = new ScenarioError([...issues, { ...unknownKey, code: 'FL_SCENARIO_SYNTAX', line: 30 }]);
    expect(error.issues).toHaveLength(20);
    expect(error.issues.map((issue) => issue.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(error.omitted).toBe(6);
    expect(error.message.split('\n')).toHaveLength(21);
    expect(error.message.endsWith('… and 6 more issues (only the first 20 are shown)')).toBe(true);
    expect(error.code).toBe('FL_SCENARIO_SYNTAX');
  });

  it('is recognised by its type guard, and nothing else is', () => {
    expect(isScenarioError(new ScenarioError([unknownKey]))).toBe(true);
    expect(isScenarioError(Object.assign(new Error('x'), { code: 'FL_SCENARIO_SCHEMA' }))).toBe(false);
    expect(isScenarioError({ isScenarioError: true })).toBe(false);
    expect(isScenarioError(undefined)).toBe(false);
  });
});

describe('formatPath', () => {
  it.each([
    [['services', 'a-b', 'calls', 0, 'parallel', 1, 'to'], 'services.a-b.calls[0].parallel[1].to'],
    [['thresholds', 'latency{service:a}', 0], 'thresholds["latency{service:a}"][0]'],
    [['services', 'api.v2'], 'services["api.v2"]'],
  ])('writes %j as %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
