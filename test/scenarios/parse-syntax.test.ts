import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { BASE, errorOf } from './helpers.js';

describe('parseScenario: YAML syntax and structure', () => {
  it('locates a syntax error at its line and column', () => {
    const error = errorOf('version: 1\nname: shop: big\n', 'shop.yaml');
    expect(error.code).toBe('FL_SCENARIO_SYNTAX');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SYNTAX', file: 'shop.yaml', line: 2, column: 7 });
    expect(error.message).toBe(
      'shop.yaml:2:7: Nested mappings are not allowed in compact mappings\n' + '2 | name: shop: big\n' + '  |       ^',
    );
  });

  it('locates a syntax error in JSON', () => {
    const error = errorOf('{"version": 1, "name": "x"\n  "services": {}}', 'shop.json');
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SYNTAX', file: 'shop.json', line: 2, column: 3 });
  });

  it('reports a duplicate key at the second occurrence, naming it', () => {
    const error = errorOf('version: 1\nname: a\nseed: 1\nname: b\n');
    expect(error.code).toBe('FL_SCENARIO_SYNTAX');
    expect(error.issues[0]).toMatchObject({ line: 4, column: 1, message: 'duplicate key "name"' });
  });

  it('rejects a second document', () => {
    const error = errorOf('version: 1\nname: x\n---\nversion: 2\n');
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SYNTAX', line: 3, column: 1 });
    expect(error.issues[0].message).toContain('second YAML document');
  });

  it.each([
    ['an empty file', '', 'the file holds no scenario'],
    ['a file of comments', '# nothing here\n', 'the file holds no scenario'],
  ])('rejects %s', (_, text, message) => {
    const error = errorOf(text);
    expect(error.code).toBe('FL_SCENARIO_SCHEMA');
    expect(error.issues[0]).toMatchObject({ line: 1, column: 1, path: [], message });
  });

  it.each([
    ['a scalar', 'hello', '"hello"'],
    ['a list', '- a\n- b\n', 'a list of 2 items'],
  ])('rejects %s at the top level, saying what it expected', (_, text, found) => {
    const error = errorOf(text);
    expect(error.issues[0]).toMatchObject({
      code: 'FL_SCENARIO_SCHEMA',
      line: 1,
      column: 1,
      path: [],
      message: 'wrong type',
      expected: 'a mapping with keys version, name, services, load',
      found,
    });
  });

  it('rejects a key that is not a string, at the key', () => {
    const error = errorOf('version: 1\nservices:\n  a:\n    1: x\n');
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SCHEMA', line: 4, column: 5, path: ['services', 'a'], found: '1' });
  });

  it('stops an alias bomb quickly, pointing at the first alias', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const started = performance.now();
    const error = errorOf(levels.join('\n'));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SYNTAX', line: 2, column: 10 });
    expect(error.issues[0].message).toContain('aliases');
  });

  it('rejects an alias inside the node it names', () => {
    const error = errorOf('version: 1\nservices: &s\n  a:\n    calls: [*s]\n');
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SYNTAX', line: 4, column: 13, path: ['services', 'a', 'calls', 0] });
  });

  it('rejects an alias without an anchor', () => {
    const error = errorOf('version: 1\nname: *nope\n');
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SYNTAX', line: 2, column: 7, message: 'alias *nope has no anchor &nope before it' });
  });

  it('accepts aliases that reuse a value', () => {
    const text = 'version: 1\nname: x\nservices:\n  a: &svc {replicas: 2}\n  b: *svc\nload: {l: {executor: constant-vus, vus: 1, duration: 1s, target: a}}\n';
    expect(parseScenario(text, 'x.yaml').services.b.replicas).toBe(2);
  });

  it('rejects YAML tags, which a scenario has no use for', () => {
    const error = errorOf('version: !!binary aGVsbG8=\n');
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_SYNTAX', line: 1, column: 10 });
  });

  it('reads JSON as it reads the same scenario in YAML', () => {
    expect(parseScenario(JSON.stringify(BASE, null, '\t'), 'shop.json')).toEqual(parseScenario(JSON.stringify(BASE), 'shop.yaml'));
    expect(parseScenario(JSON.stringify(BASE), 'shop.json').services.back.replicas).toBe(2);
  });
});
