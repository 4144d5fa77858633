/**
 * Hostile and extreme input through the command line: bad input exits 2 with a pointed
 * message and no stack trace, without hanging and without writing anything; `--seed` and
 * `--out` are checked before the run; `validate` takes folders.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachNegativeSeed, checkOutDir, parseSeed } from '../../sim/cli/arguments.js';
import { UsageError } from '../../sim/cli/exit-codes.js';
import { scenarioFiles } from '../../sim/cli/scenario-files.js';

const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');
const SCENARIOS = join(import.meta.dirname, '../../scenarios');
/** Generous: a child process through tsx takes a few seconds on a slow machine. */
const WALL_MS = 60_000;

function faultline(args: string[]) {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, ...args], { encoding: 'utf8', timeout: 4 * WALL_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-hostile-'));

/** A shipped scenario with one edit, written to a temporary file. */
function edited(shipped: string, from: string | RegExp, to: string): string {
  const text = readFileSync(join(SCENARIOS, shipped), 'utf8');
  const changed = text.replace(from, to);
  expect(changed).not.toBe(text);
  const file = join(dir, `${shipped.replaceAll('/', '-')}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, changed);
  return file;
}

function expectBadInput(r: ReturnType<typeof faultline>, ...parts: string[]): void {
  expect(r.code).toBe(2);
  for (const part of parts) expect(r.stderr).toContain(part);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.ms).toBeLessThan(WALL_MS);
}

describe('shipped scenarios with one hostile edit exit 2, not 3', () => {
  it.each([
    ['certificates.ttl: 2400h', 'cascades/expired-certificate-naive.yaml', 'ttl: 1h', 'ttl: 2400h', 'security.certificates.ttl: value not allowed (expected a duration above 0 and at most 2160h (90 days), found "2400h")'],
    ['outlierDetection.interval: 0s', 'cascades/bad-canary-outlier-detection.yaml', 'interval: 5s', 'interval: 0s', 'mesh.policies[0].outlierDetection.interval: value not allowed'],
    ['vus: 1000000000', 'cascades/slow-dependency-naive.yaml', /vus: \d+/, 'vus: 1000000000', 'load.browsers.vus: too large (expected a number ≤ 100000000, found 1000000000)'],
    ['a duration of 400 digits', 'three-tier-shop.yaml', 'duration: 5m', `duration: 1${'0'.repeat(400)}ms`, 'expected a number of at most 15 digits before the point and 9 after'],
    [
      'two requestAuthentication entries for one issuer',
      'policies/boundary-reauthentication.yaml',
      '  requestAuthentication:\n',
      '  requestAuthentication:\n    - { service: ledger, jwtRules: [{ issuer: https://login.finance.example }] }\n',
      'security.requestAuthentication[1].jwtRules[0].issuer: issuer already has a JWT rule for ledger',
    ],
  ])('%s', (_, shipped, from, to, message) => {
    const file = edited(shipped, from, to);
    expectBadInput(faultline(['validate', file]), `${file}:`, message);
    expectBadInput(faultline(['run', file, '--quiet']), message);
  });
});

describe('files that cannot be scenarios', () => {
  it('refuses /dev/zero at once', () => {
    expectBadInput(faultline(['run', '/dev/zero']), '/dev/zero:1:1: not a regular file but a device');
  });

  it.runIf(process.platform !== 'win32')('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'scenario.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expectBadInput(faultline(['run', fifo]), 'not a regular file but a FIFO');
  });

  it('refuses a file of 1.6 million request classes by its size, at once', () => {
    const file = join(dir, 'classes.yaml');
    const classes = Array.from({ length: 1_600_000 }, (_, i) => `  - {name: c${i}}`).join('\n');
    writeFileSync(file, `version: 1\nname: many\nservices: {a: {}}\nload:\n  l:\n    executor: constant-vus\n    vus: 1\n    duration: 1s\n    target: a\n    classes:\n${classes}\n`);
    expectBadInput(faultline(['validate', file]), 'the file is larger than 10 MiB, the limit for a scenario');
  });

  it('shows 20 issues of a file that is not a scenario, and counts the rest', () => {
    const file = join(dir, 'not-a-scenario.yaml');
    writeFileSync(file, `${Array.from({ length: 500 }, (_, i) => `key${i}: ${i}`).join('\n')}\n`);
    const r = faultline(['validate', file]);
    expectBadInput(r, 'more issues (only the first 20 are shown)');
    expect(r.stderr.split('\n').filter((line) => line.startsWith(`${file}:`))).toHaveLength(20);
  });
});

describe('--seed', () => {
  it.each(['', '0x10', '1e3', '-1', '1.5', ' 7', '+7', '9007199254740992', 'seven'])('refuses %j', (text) => {
    expect(() => parseSeed(text)).toThrow(UsageError);
    expect(() => parseSeed(text)).toThrow(`--seed must be a decimal integer from 0 to 9007199254740991, got '${text}'.`);
  });

  it.each([
    ['0', 0],
    ['16', 16],
    ['007', 7],
    ['9007199254740991', 9007199254740991],
  ])('takes %j as %i', (text, seed) => {
    expect(parseSeed(text)).toBe(seed);
  });

  it('hands a negative value to the check instead of taking it for an option', () => {
    expect(attachNegativeSeed(['run', 'x.yaml', '--seed', '-1', '--json'])).toEqual(['run', 'x.yaml', '--seed=-1', '--json']);
    expect(attachNegativeSeed(['--seed', '--json'])).toEqual(['--seed', '--json']);
  });

  it('exits 2 for an empty seed, and for a negative one with the same message', () => {
    const shop = join(SCENARIOS, 'three-tier-shop.yaml');
    expectBadInput(faultline(['run', shop, '--seed', '']), "--seed must be a decimal integer from 0 to 9007199254740991, got ''.");
    expectBadInput(faultline(['run', shop, '--seed', '-1']), "got '-1'.");
  });
});

describe('--out, before the run', () => {
  it('accepts a writable folder, or one that can be made in a writable folder, and leaves nothing behind', () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-out-'));
    expect(() => checkOutDir(out)).not.toThrow();
    expect(() => checkOutDir(join(out, 'new', 'deeper'))).not.toThrow();
    expect(existsSync(join(out, 'new'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    ['a file', () => writeAndReturn(join(dir, 'a-file'), 'x'), 'it is a file'],
    ['a folder under a file', () => join(writeAndReturn(join(dir, 'another-file'), 'x'), 'sub'), 'not a directory'],
    ['a folder whose report.json is a folder', () => mkdirAndReturn(join(dir, 'out-with-folder'), 'report.json'), "'report.json' there is not a file"],
  ])('refuses %s', (_, path, message) => {
    expect(() => checkOutDir(path())).toThrow(message);
  });

  it.runIf(process.platform === 'linux')('exits 2 at once for /proc/x, without running', () => {
    const r = faultline(['run', join(SCENARIOS, 'three-tier-shop.yaml'), '--out', '/proc/x']);
    expectBadInput(r, "--out '/proc/x' cannot be written: no file can be created in '/proc'");
    expect(r.stdout).toBe('');
  });
});

describe('validate takes folders', () => {
  it('checks every shipped scenario below scenarios/, and not the JSON Schema beside them', () => {
    const files = scenarioFiles([SCENARIOS]);
    expect(files.length).toBeGreaterThanOrEqual(21);
    expect(files).toContain(join(SCENARIOS, 'cascades', 'retry-storm-naive.yaml'));
    expect(files.some((file) => file.endsWith('schema.json'))).toBe(false);
    const r = faultline(['validate', `${SCENARIOS}/`]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(files.length);
  });

  it('recurses into sub-folders for .yaml, .yml and .json, skipping other files and hidden folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-tree-'));
    for (const sub of ['a/b', '.hidden', 'node_modules/x']) mkdirSync(join(root, sub), { recursive: true });
    for (const file of ['top.yaml', 'a/one.yml', 'a/b/two.json', 'a/b/notes.txt', 'a/schema.json', '.hidden/x.yaml', 'node_modules/x/y.json']) writeFileSync(join(root, file), 'version: 1\n');
    expect(scenarioFiles([root]).map((file) => file.slice(root.length + 1))).toEqual(['a/b/two.json', 'a/one.yml', 'top.yaml']);
    const r = faultline(['validate', root]);
    expectBadInput(r, join(root, 'a/b/two.json'), join(root, 'top.yaml'));
  });

  it('refuses a folder without scenario files', () => {
    const empty = mkdtempSync(join(tmpdir(), 'faultline-empty-'));
    expect(() => scenarioFiles([empty])).toThrow(`no scenario files (.yaml, .yml, .json) in the folder '${empty}'.`);
  });
});

function writeAndReturn(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

function mkdirAndReturn(path: string, inside: string): string {
  mkdirSync(join(path, inside), { recursive: true });
  return path;
}
