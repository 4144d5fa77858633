import { describe, expect, it } from 'vitest';
import { errorOf, issuesOf, variant } from './helpers.js';

const SHOP = `version: 1
name: shop
services:
  front:
    latency: 5ms
    calls:
      - to: back
      - parallel:
          - to: back
          - to: back
            optional: "yes"
  back:
    replicas: 2
load:
  users:
    executor: constant-arrival-rate
    rate: 10/s
    duration: 1m
    target: front
`;

describe('parseScenario: schema issues', () => {
  it('locates a wrong type deep in the tree by key path, line and column', () => {
    const error = errorOf(SHOP, 'shop.yaml');
    expect(error.code).toBe('FL_SCENARIO_SCHEMA');
    expect(error.issues).toEqual([
      {
        code: 'FL_SCENARIO_SCHEMA',
        file: 'shop.yaml',
        line: 11,
        column: 23,
        path: ['services', 'front', 'calls', 1, 'parallel', 1, 'optional'],
        message: 'wrong type',
        expected: 'true or false',
        found: '"yes"',
        suggestion: undefined,
      },
    ]);
    expect(error.message).toBe(
      'shop.yaml:11:23: services.front.calls[1].parallel[1].optional: wrong type (expected true or false, found "yes")\n' +
        '11 |             optional: "yes"\n' +
        '   |                       ^',
    );
  });

  it('reports an unknown key at the key itself, with the nearest allowed key', () => {
    const error = errorOf(SHOP.replace('    latency: 5ms', '    latncy: 5ms').replace('"yes"', 'true'));
    expect(error.code).toBe('FL_SCENARIO_UNKNOWN_KEY');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ line: 5, column: 5, path: ['services', 'front', 'latncy'], message: 'unknown key', suggestion: 'latency' });
    expect(error.issues[0].expected).toBe('one of replicas, zones, concurrency, queue, latency, errorRate, calls, namespace, serviceAccount, trustDomain, deadlinePropagation, retryAfter, protocol');
    expect(error.message).toContain('— did you mean "latency"?');
  });

  it('suggests a misspelt top-level key, and does not also report the key as missing', () => {
    const error = errorOf(SHOP.replace('services:', 'servics:').replace('"yes"', 'true'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ code: 'FL_SCENARIO_UNKNOWN_KEY', line: 3, column: 1, path: ['servics'], suggestion: 'services' });
  });

  it('takes the allowed keys of a union option from its discriminator', () => {
    const issues = issuesOf(variant((s) => (s.faults = [{ kind: 'latency', service: 'back', at: '1s', for: '1s', dealy: '5ms' }])));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'FL_SCENARIO_UNKNOWN_KEY', path: ['faults', 0, 'dealy'], suggestion: 'delay' }));
  });

  it('suggests nothing for an unknown key that resembles no allowed key', () => {
    const [issue] = issuesOf(variant((s) => (s.services.back.colour = 'blue')));
    expect(issue).toMatchObject({ code: 'FL_SCENARIO_UNKNOWN_KEY', path: ['services', 'back', 'colour'], suggestion: undefined });
  });

  it('lists the alternatives of a union when the value fits none', () => {
    const [issue] = issuesOf(variant((s) => (s.services.back.latency = 5)));
    expect(issue).toMatchObject({
      path: ['services', 'back', 'latency'],
      message: 'wrong type',
      expected:
        'a duration with a unit, like 250ms, 2s, 1h or 1h30m, or a mapping with type: constant | uniform | exponential | normal | lognormal | pareto | empirical',
      found: '5',
    });
  });

  it('reports a malformed duration as one, not as a failed union', () => {
    const [issue] = issuesOf(variant((s) => (s.services.back.latency = '5 ms')));
    expect(issue).toMatchObject({ message: 'wrong format', expected: 'a duration with a unit, like 250ms, 2s, 1h or 1h30m', found: '"5 ms"' });
  });

  it('names the allowed values of a bad discriminator, with a suggestion', () => {
    const [issue] = issuesOf(variant((s) => (s.services.back.latency = { type: 'lognormall', median: '1ms', p99: '2ms' })));
    expect(issue).toMatchObject({
      path: ['services', 'back', 'latency', 'type'],
      message: 'unknown type',
      expected: 'one of constant, uniform, exponential, normal, lognormal, pareto, empirical',
      found: '"lognormall"',
      suggestion: 'lognormal',
    });
  });

  it('reports a missing discriminator', () => {
    const [issue] = issuesOf(variant((s) => (s.load.users = { rate: '1/s', duration: '1s', target: 'front' })));
    expect(issue).toMatchObject({ path: ['load', 'users', 'executor'], message: 'missing executor', found: undefined });
  });

  it('reports the missing fields of the union option a value was meant for', () => {
    const [issue] = issuesOf(variant((s) => (s.services.back.latency = { type: 'uniform', min: '1ms' })));
    expect(issue).toMatchObject({ path: ['services', 'back', 'latency', 'max'], message: 'missing required key', expected: 'a duration with a unit, like 250ms, 2s, 1h or 1h30m' });
  });

  it('describes the two kinds of call step when a step is neither', () => {
    const [issue] = issuesOf(variant((s) => (s.services.front.calls = ['back'])));
    expect(issue).toMatchObject({ path: ['services', 'front', 'calls', 0], expected: 'a mapping with key to, or a mapping with key parallel', found: '"back"' });
  });

  it('locates an invalid name at the key, saying what a name is', () => {
    const error = errorOf(SHOP.replace('  back:\n', '  "back end":\n'));
    expect(error.issues).toContainEqual(
      expect.objectContaining({ line: 12, column: 3, path: ['services', 'back end'], message: 'invalid name', expected: 'a name of letters, digits, _ . -' }),
    );
  });

  it.each([
    ['replicas: 0', (s: any) => (s.services.back.replicas = 0), ['services', 'back', 'replicas'], 'too small', 'a number ≥ 1', '0'],
    ['replicas: 1.5', (s: any) => (s.services.back.replicas = 1.5), ['services', 'back', 'replicas'], 'wrong type', 'an integer', '1.5'],
    ['errorRate: 2', (s: any) => (s.services.back.errorRate = 2), ['services', 'back', 'errorRate'], 'too large', 'a number ≤ 1', '2'],
    ['version: 2', (s: any) => (s.version = 2), ['version'], 'not an allowed value', '1', '2'],
    ['no version', (s: any) => delete s.version, ['version'], 'missing required key', '1', undefined],
    ['zones: []', (s: any) => (s.zones = []), ['zones'], 'too few items', 'at least 1 item', 'an empty list'],
    ['stages: []', (s: any) => (s.load.users = { executor: 'ramping-arrival-rate', stages: [], target: 'front' }), ['load', 'users', 'stages'], 'too few items', 'at least 1 item', 'an empty list'],
    ['resolution: 0s', (s: any) => (s.report = { resolution: '0s' }), ['report', 'resolution'], 'value not allowed', 'a duration of at least 1ms and at most 8760h (365 days)', '"0s"'],
    ['rate: fast', (s: any) => (s.load.users.rate = 'fast'), ['load', 'users', 'rate'], 'wrong format', 'a rate with a unit, like 500/s, 30/m or 100/h', '"fast"'],
  ])('words %s', (_, change, path, message, expected, found) => {
    expect(issuesOf(variant(change))).toEqual([{ code: 'FL_SCENARIO_SCHEMA', path, message, expected, found, suggestion: undefined }]);
  });

  it('reports a missing required key at the enclosing mapping', () => {
    const error = errorOf(SHOP.replace('    duration: 1m\n', '').replace('"yes"', 'true'));
    expect(error.issues).toEqual([expect.objectContaining({ line: 16, column: 5, path: ['load', 'users', 'duration'], message: 'missing required key' })]);
  });

  it('reports every issue, sorted by position', () => {
    const error = errorOf(SHOP.replace('replicas: 2', 'replicas: two').replace('latency: 5ms', 'latency: 5'));
    expect(error.issues.map((issue) => issue.line)).toEqual([5, 11, 13]);
  });
});
