import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultlineInProcess } from './in-process-cli.js';

/** The command's source, run through tsx: these tests cover the sources; test/package covers the build. */
const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');

function faultline(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, ...args], { encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempScenario(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

const PASSING = `version: 1
name: tiny
services:
  api: { latency: 5ms }
load:
  l: { executor: constant-arrival-rate, rate: 100/s, duration: 2s, target: api }
thresholds:
  success: ['rate>0.99']
`;

describe('faultline CLI', () => {
  it('exits 0 and prints a summary when every threshold holds', () => {
    const r = faultline(['run', tempScenario(PASSING)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('api');
    expect(r.stdout).toContain('✓');
    expect(r.stdout).not.toMatch(/\x1b\[/); // not a TTY: no colour
  });

  it('colours only when asked, and NO_COLOR wins', () => {
    expect(faultline(['run', tempScenario(PASSING)], { FORCE_COLOR: '1' }).stdout).toMatch(/\x1b\[/);
    expect(faultline(['run', tempScenario(PASSING)], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toMatch(/\x1b\[/);
  });

  it('exits 1 when a threshold fails', () => {
    const r = faultline(['run', tempScenario(PASSING.replace("'rate>0.99'", "'rate<0.5'"))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗');
  });

  it('--json prints the report on stdout and nothing else', () => {
    const r = faultline(['run', tempScenario(PASSING), '--json', '--seed', '5']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe('faultline.report/v1');
    expect(report.seed).toBe(5);
    expect(report.services.api.requests).toBeGreaterThan(100);
  });

  it('--out writes report.json and summary.txt', () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-out-'));
    const r = faultline(['run', tempScenario(PASSING), '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).scenario.name).toBe('tiny');
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toContain('tiny');
  });

  it('exits 2 with file, line, column and a suggestion for a bad scenario', () => {
    const file = tempScenario(PASSING.replace('latency: 5ms', 'latncy: 5ms'));
    const r = faultline(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:4:`);
    expect(r.stderr).toContain('latency');
    expect(r.stdout).toBe('');
  });

  it('exits 2 for bad usage, with help that teaches', async () => {
    const faultline = faultlineInProcess; // usage errors need no child process of their own
    expect((await faultline(['run'])).code).toBe(2);
    expect((await faultline(['run', 'x.yaml', '--seed', 'abc'])).code).toBe(2);
    expect((await faultline(['frobnicate'])).code).toBe(2);
    expect((await faultline(['valdate', 'x.yaml'])).stderr).toContain("did you mean 'validate'");
    expect((await faultline(['run', 'x.yaml', '--mode', 'real'])).stderr).toContain("--mode must be 'sim', 'live', 'both' or 'staging'");
    expect((await faultline(['run', 'x.yaml', '--duration', '30'])).stderr).toContain('--duration must be a duration with a unit');
    expect((await faultline(['run', 'x.yaml', '--warm-up', '-1s'])).code).toBe(2);
    expect((await faultline(['run', 'x.yaml', '--target', 't.yaml'])).stderr).toContain('--target, --dry-run and --state-dir are for --mode staging');
    expect((await faultline(['run', 'scenarios/three-tier-shop.yaml', '--mode', 'staging'])).stderr).toContain('--mode staging needs --target FILE');
    expect((await faultline(['clean'])).stderr).toContain("'clean' needs --target FILE");
    const help = await faultline(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
  });

  it('exits 2 for a missing file, and for an --out that cannot be a folder (checked before the run)', () => {
    const missing = faultline(['run', '/nonexistent/scenario.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/scenario.yaml');
    const blocked = tempScenario(PASSING);
    expect(faultline(['run', blocked, '--out', join(blocked, 'sub')]).code).toBe(2);
  });
});
