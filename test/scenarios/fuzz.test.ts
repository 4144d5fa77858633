/**
 * Fuzzing the parser: whatever the text, `parseScenario` returns a scenario or throws a
 * ScenarioError with located issues, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { isScenarioError } from '../../scenarios/scenario-error.js';

const RUNS = 300;
/** Generous: each property takes about a second here. */
const TIMEOUT_MS = 30_000;

/** A valid scenario touching most of the format, as written in a file. */
const VALID = {
  version: 1,
  name: 'fuzz',
  zones: ['a', 'b'],
  network: { crossZone: { type: 'lognormal', median: '1ms', p99: '3ms' }, between: [{ zones: ['a', 'b'], latency: '2ms' }] },
  services: {
    front: { replicas: 2, zones: ['a', 'b'], latency: '1ms', calls: [{ to: 'back' }, { parallel: [{ to: 'db', optional: true }] }] },
    back: { latency: { type: 'empirical', percentiles: { p50: '2ms', p99: '9ms' } }, errorRate: 0.01, calls: [{ to: 'db' }] },
    db: { concurrency: 4, queue: 8, latency: { type: 'uniform', min: '1ms', max: '4ms' } },
  },
  mesh: { policies: [{ from: 'front', to: 'back', timeout: '100ms' }] },
  load: {
    users: { executor: 'constant-arrival-rate', rate: '50/s', duration: '10s', target: 'front', classes: [{ name: 'web', weight: 3 }] },
    ramp: { executor: 'ramping-arrival-rate', stages: [{ duration: '5s', target: '10/s' }], target: 'back' },
    vus: { executor: 'constant-vus', vus: 2, duration: '5s', target: 'front', thinkTime: { type: 'exponential', mean: '10ms' } },
  },
  faults: [
    { kind: 'latency', service: 'db', instance: 0, delay: '5ms', at: '1s', for: '2s' },
    { kind: 'abort', edge: 'front->back', status: 502, at: '2s', for: '1s' },
    { kind: 'crash', zone: 'b', at: '3s', for: '1s' },
  ],
  thresholds: { latency: ['p(99)<500'], 'errors{edge:front->back}': ['rate<0.5'] },
  report: { resolution: '500ms' },
};

type Key = string | number;
type Mutation = { at: number; kind: 'drop' | 'replace' | 'rename'; value: unknown; name: string };

/** Parsing either succeeds or throws a ScenarioError whose issues all point into the text. */
function parsesOrFailsCleanly(text: string): void {
  try {
    parseScenario(text, 'fuzz.yaml');
  } catch (error) {
    if (!isScenarioError(error)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    const lines = text.split(/\r\n|\r|\n/).length; // a lone CR ends a line, as YAML reads it
    for (const issue of error.issues) {
      expect(issue.file).toBe('fuzz.yaml');
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.line).toBeLessThanOrEqual(lines);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.message.length).toBeGreaterThan(0);
    }
  }
}

/** Every key path of a value, parents before children. */
function paths(value: unknown, prefix: Key[] = []): Key[][] {
  if (typeof value !== 'object' || value === null) return [];
  const keys: Key[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...paths((value as Record<Key, unknown>)[key], [...prefix, key])]);
}

function mutate(scenario: unknown, { at, kind, value, name }: Mutation): unknown {
  const copy = structuredClone(scenario);
  const all = paths(copy);
  const path = all[at % all.length];
  const parent = path.slice(0, -1).reduce((v: any, key) => v[key], copy);
  const key = path[path.length - 1];
  if (kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (kind === 'rename' && !Array.isArray(parent)) {
    const moved = parent[key];
    delete parent[key];
    parent[name] = moved;
  } else {
    parent[key] = value;
  }
  return copy;
}

const KNOWN_WORDS = [...new Set(paths(VALID).flatMap((path) => path.filter((key): key is string => typeof key === 'string')))];
const misspelt = fc
  .tuple(fc.constantFrom(...KNOWN_WORDS), fc.nat(), fc.string({ maxLength: 2 }))
  .map(([word, i, insert]) => word.slice(0, i % (word.length + 1)) + insert + word.slice((i % (word.length + 1)) + 1));
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('drop', 'replace', 'rename'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...KNOWN_WORDS), fc.constantFrom('0s', '5ms', '1/s', 'front', 'a')),
  name: fc.oneof(misspelt, fc.string(), fc.constantFrom(...KNOWN_WORDS)),
});

const YAML_TOKENS = [':', ': ', '- ', ' ', '  ', '\n', '\t', '[', ']', '{', '}', ',', '&a ', '*a', '"', "'", '#', '?', '!!str ', '---\n', '|', '>', 'version', '1', 'name', 'x', 'services', '<<'];

describe('parseScenario fuzzing', () => {
  it('the valid scenario used for mutations is valid', () => {
    expect(parseScenario(stringify(VALID), 'fuzz.yaml').name).toBe('fuzz');
  });

  it('survives arbitrary strings', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), parsesOrFailsCleanly), { numRuns: RUNS });
  }, TIMEOUT_MS);

  it('survives strings made of YAML tokens', () => {
    const text = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 40 }).map((tokens) => tokens.join(''));
    fc.assert(fc.property(text, parsesOrFailsCleanly), { numRuns: RUNS });
  }, TIMEOUT_MS);

  it('survives arbitrary JSON values, written as YAML and as JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        parsesOrFailsCleanly(stringify(value));
        parsesOrFailsCleanly(JSON.stringify(value, null, 1));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('survives mutations of a valid scenario: keys dropped, renamed, values replaced', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        parsesOrFailsCleanly(stringify(mutations.reduce(mutate, VALID)));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);
});
