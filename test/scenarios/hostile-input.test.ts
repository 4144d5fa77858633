/**
 * Hostile and extreme files: each is refused with a located ScenarioError (the CLI's exit 2)
 * or read correctly, in bounded time and memory. Wall bounds are generous (a slow machine);
 * the quadratic or recursive versions took minutes, or ran out of stack or memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MAX_ALIASES, MAX_CLASSES, MAX_NESTING_DEPTH, MAX_SCENARIO_BYTES } from '../../scenarios/limits.js';
import { loadScenarioFile, parseScenario } from '../../scenarios/parse-scenario.js';
import type { ScenarioError } from '../../scenarios/scenario-error.js';
import { BASE, errorOf } from './helpers.js';

const WALL_MS = 60_000;

function timed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

function errorOfFile(path: string): ScenarioError {
  try {
    loadScenarioFile(path);
  } catch (error) {
    return error as ScenarioError;
  }
  throw new Error('expected a ScenarioError, but the file loaded');
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-hostile-'));

describe('line endings', () => {
  it('reads a file whose lines end in CR alone as it reads the same file with LF', () => {
    const text = stringify(BASE);
    expect(parseScenario(text.replaceAll('\n', '\r'), 'mac.yaml')).toEqual(parseScenario(text, 'unix.yaml'));
  });

  it('locates an issue in such a file at its line', () => {
    const error = errorOf('version: 1\rname: x\rservices:\r  a: {replicas: two}\r', 'mac.yaml');
    expect(error.issues).toContainEqual(expect.objectContaining({ line: 4, path: ['services', 'a', 'replicas'] }));
  });
});

describe('duplicate keys', () => {
  it('are reported with their key path, at the second occurrence', () => {
    const error = errorOf('version: 1\nservices:\n  a: {}\n  b: {}\n  a: {replicas: 2}\n');
    expect(error.code).toBe('FL_SCENARIO_SYNTAX');
    expect(error.issues).toEqual([expect.objectContaining({ line: 5, column: 3, path: ['services', 'a'], message: 'duplicate key "a"' })]);
  });

  it('are found in one pass over a mapping of 50,000 keys', () => {
    const text = `version: 1\n${Array.from({ length: 50_000 }, (_, i) => `k${i % 25_000}: 1`).join('\n')}\n`;
    const { result: error, ms } = timed(() => errorOf(text));
    expect(error.issues).toHaveLength(20);
    expect(error.issues[0]).toMatchObject({ line: 25_002, path: ['k0'], message: 'duplicate key "k0"' });
    expect(error.omitted).toBe(25_000 - 20);
    expect(ms).toBeLessThan(WALL_MS);
  });
});

describe('unknown keys', () => {
  it('50,000 of them are reported in bounded time: the first 20, and a count of the rest', () => {
    const text = `${stringify(BASE)}${Array.from({ length: 50_000 }, (_, i) => `unknown${i}: ${i}`).join('\n')}\n`;
    const { result: error, ms } = timed(() => errorOf(text));
    expect(error.code).toBe('FL_SCENARIO_UNKNOWN_KEY');
    expect(error.issues).toHaveLength(20);
    expect(error.issues[0]).toMatchObject({ path: ['unknown0'], message: 'unknown key' });
    expect(error.omitted).toBe(50_000 - 20);
    expect(error.message).toContain('… and 49980 more issues (only the first 20 are shown)');
    expect(ms).toBeLessThan(WALL_MS);
  });
});

describe('aliases', () => {
  it(`refuses more than ${MAX_ALIASES} at the first one past the limit, in bounded time even for 30,000`, () => {
    const anchors = Array.from({ length: 30_000 }, (_, i) => `  k${i}: &a${i} ['rate>0']`);
    const aliases = Array.from({ length: 30_000 }, (_, i) => `  j${i}: *a${i}`);
    const text = `${stringify(BASE)}thresholds:\n${[...anchors, ...aliases].join('\n')}\n`;
    const { result: error, ms } = timed(() => errorOf(text));
    expect(error.code).toBe('FL_SCENARIO_LIMIT');
    expect(error.issues).toEqual([expect.objectContaining({ path: ['thresholds', `j${MAX_ALIASES}`], message: `more than ${MAX_ALIASES} aliases` })]);
    expect(ms).toBeLessThan(WALL_MS);
  });

  it(`accepts ${MAX_ALIASES}`, () => {
    const services = Array.from({ length: MAX_ALIASES }, (_, i) => `  s${i}: &s${i} {replicas: 2}\n  t${i}: *s${i}`);
    const text = stringify(BASE).replace('services:\n', `services:\n${services.join('\n')}\n`);
    expect(parseScenario(text, 'aliases.yaml').services[`t${MAX_ALIASES - 1}`].replicas).toBe(2);
  });
});

describe('nesting', () => {
  it.each([
    ['flow lists', `version: 1\ndescription: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, ['description', ...Array(MAX_NESTING_DEPTH - 1).fill(0)]],
    ['compact block lists', `version: 1\ndescription:\n  ${'- '.repeat(10_000)}x\n`, ['description', ...Array(MAX_NESTING_DEPTH - 1).fill(0)]],
    // Indented mappings take i spaces on line i: 2,000 levels are already 2 MB.
    ['block mappings', `version: 1\ndescription:\n${Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`, ['description', ...Array.from({ length: MAX_NESTING_DEPTH - 1 }, (_, i) => `k${i}`)]],
  ])('thousands of levels of %s are refused at the level past the limit, with its key path', (_, text, path) => {
    const { result: error, ms } = timed(() => errorOf(text));
    expect(error.code).toBe('FL_SCENARIO_LIMIT');
    expect(error.issues).toEqual([expect.objectContaining({ path, message: `mappings and lists nested more than ${MAX_NESTING_DEPTH} deep` })]);
    expect(error.message).not.toContain('call stack');
    expect(ms).toBeLessThan(WALL_MS);
  });

  it(`accepts ${MAX_NESTING_DEPTH} levels`, () => {
    const text = `${stringify(BASE)}description: ${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}\n`;
    expect(errorOf(text).issues).toEqual([expect.objectContaining({ path: ['description'], message: 'wrong type' })]);
  });
});

describe('size', () => {
  it('refuses a text beyond the limit before parsing it', () => {
    const error = errorOf(`# ${'x'.repeat(MAX_SCENARIO_BYTES)}\n`);
    expect(error.code).toBe('FL_SCENARIO_LIMIT');
    expect(error.issues[0].message).toContain('over the limit of 10 MiB');
  });

  it('refuses a file beyond the limit, reading no more than the limit', () => {
    const path = join(dir, 'large.yaml');
    writeFileSync(path, `# ${'x'.repeat(MAX_SCENARIO_BYTES)}\n`);
    const error = errorOfFile(path);
    expect(error.code).toBe('FL_SCENARIO_LIMIT');
    expect(error.issues[0]).toMatchObject({ file: path, message: 'the file is larger than 10 MiB, the limit for a scenario' });
  });

  it('refuses 100,000 classes as too many, in bounded time', () => {
    const classes = Array.from({ length: 100_000 }, (_, i) => `{name: c${i}}`).join(',');
    const text = stringify(BASE).replace('classes:\n      - name: web\n', `classes: [${classes}]\n`);
    expect(text.length).toBeLessThan(MAX_SCENARIO_BYTES);
    const { result: error, ms } = timed(() => errorOf(text));
    expect(error.issues).toEqual([expect.objectContaining({ path: ['load', 'users', 'classes'], message: 'too many items', expected: `at most ${MAX_CLASSES} items` })]);
    expect(ms).toBeLessThan(WALL_MS);
  });
});

describe('files that are not regular files', () => {
  it.each([
    ['a device', '/dev/zero', 'not a regular file but a device'],
    ['a directory', dir, 'not a regular file but a directory'],
  ])('refuses %s at once', (_, path, message) => {
    const error = errorOfFile(path);
    expect(error.code).toBe('FL_SCENARIO_IO');
    expect(error.issues[0]).toMatchObject({ file: path, message: expect.stringContaining(message) });
  });

  it.runIf(process.platform !== 'win32')('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'scenario.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const { result: error, ms } = timed(() => errorOfFile(fifo));
    expect(error.issues[0].message).toContain('not a regular file but a FIFO');
    expect(ms).toBeLessThan(WALL_MS);
  });
});
