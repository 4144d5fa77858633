/**
 * The package as a user gets it. `npm pack` runs `prepare`, so dist/ is built afresh from the
 * sources (never a stale one); the tarball is installed into an empty directory without the
 * network; then the installed `faultline` command runs a shipped scenario and plain Node
 * imports the core, with no TypeScript loader anywhere.
 *
 * `--offline` keeps npm off the network: everything comes from the npm cache that the
 * project's own `npm ci` filled. Hence `npm ci` with a lockfile copied from ours rather than
 * `npm install <tarball>`: the latter resolves yaml and zod from the registry's full metadata,
 * which `npm ci` never fetches, so it fails with ENOTCACHED on a machine that has just run
 * `npm ci`; with our lockfile's entries, `npm ci` fetches exactly what ours fetched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
/** Packing compiles the whole project; on a slow machine with the other suites running, it takes a while. */
const PACK_AND_INSTALL_TIMEOUT_MS = 240_000;

/** The environment without NODE_OPTIONS, so that no `--import tsx` can sneak in. */
const PLAIN_ENV = { ...process.env };
delete PLAIN_ENV.NODE_OPTIONS;

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: PLAIN_ENV });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function npm(args: string[], cwd: string): void {
  const r = run('npm', args, cwd);
  if (r.code !== 0) throw new Error(`npm ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
}

/** A project that depends on the tarball only, with a lockfile: the tarball, then our lockfile's non-dev entries. */
function writeConsumerProject(dir: string, tarball: string): void {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const ourLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { faultline: spec } },
    'node_modules/faultline': { version: ours.version, resolved: spec, dependencies: ours.dependencies, bin: ours.bin },
  };
  for (const [path, entry] of Object.entries<{ dev?: boolean }>(ourLock.packages)) {
    if (path !== '' && !entry.dev) packages[path] = entry;
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { faultline: spec } }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
}

describe('the npm package', () => {
  let consumer: string;
  let installed: string;

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), 'faultline-package-'));
    npm(['pack', '--pack-destination', consumer], ROOT);
    const tarball = readdirSync(consumer).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${consumer}`);
    writeConsumerProject(consumer, tarball);
    npm(['ci', '--offline', '--no-audit', '--no-fund'], consumer);
    installed = join(consumer, 'node_modules/faultline');
  }, PACK_AND_INSTALL_TIMEOUT_MS);

  afterAll(() => {
    if (consumer) rmSync(consumer, { recursive: true, force: true });
  });

  it('ships the build, the scenarios and their schema, and no sources or tests', () => {
    // The build leaves the bin executable, so that `npx faultline` works in a fresh clone too
    // (npm sets the mode of an installed package's bins, not of the project's own).
    expect(statSync(join(ROOT, 'dist/sim/cli/faultline.js')).mode & 0o111).toBe(0o111);
    const files = readdirSync(installed, { recursive: true, encoding: 'utf8' });
    expect(files).toEqual(expect.arrayContaining([
      'README.md',
      'dist/proxy-core/index.js',
      'dist/proxy-core/index.d.ts',
      'dist/sim/cli/faultline.js',
      'dist/sim/fuzz/index.js',
      'dist/sim/fuzz/index.d.ts',
      'dist/sim/fuzz/fuzz-worker.js',
      'scenarios/fuzz/breaker-two-crashes.yaml',
      'scenarios/schema.json',
      'scenarios/three-tier-shop.yaml',
    ]));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /^(test|bench)\b/.test(f))).toEqual([]);
    expect(existsSync(join(consumer, 'node_modules/tsx'))).toBe(false);
  });

  it('installs a `faultline` command that runs a shipped scenario', () => {
    const scenario = join(installed, 'scenarios/three-tier-shop.yaml');
    const r = run(join(consumer, 'node_modules/.bin/faultline'), ['run', scenario, '--json'], consumer);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).schema).toBe('faultline.report/v1');
  });

  it('installs `faultline fuzz`, which finds, shrinks and writes a counterexample on worker threads', () => {
    const scenario = join(installed, 'scenarios/fuzz/breaker-two-crashes.yaml');
    const out = join(consumer, 'fuzz-out');
    const r = run(join(consumer, 'node_modules/.bin/faultline'), ['fuzz', scenario, '--seed', '11', '--workers', '2', '--out', out], consumer);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('✗ counterexample');
    const written = join(out, 'breaker-two-crashes.counterexample.yaml');
    expect(run(join(consumer, 'node_modules/.bin/faultline'), ['run', written, '--quiet'], consumer).code).toBe(1);
  });

  it('exports the fuzzer\'s arbitraries and simulation helper to plain Node, as faultline/fuzz', () => {
    const names = ['faultSchedule', 'loadProfile', 'policyParameters', 'simulate', 'loadScenario'];
    const script = `import('faultline/fuzz').then((m) => console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof m[n]))))`;
    const r = run(process.execPath, ['--input-type=module', '-e', script], consumer);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(names.map(() => 'function'));
  });

  it('exports the core to plain Node', () => {
    const names = ['Router', 'RealClock', 'EnvoyRetryBudget'];
    const script = `import('faultline').then((m) => console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof m[n]))))`;
    const r = run(process.execPath, ['--input-type=module', '-e', script], consumer);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(names.map(() => 'function'));
  });
});
