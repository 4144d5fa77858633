/**
 * A run is refused up front when it cannot finish in a sane time or memory, and SIGINT or
 * SIGTERM stop it with its report so far: a CI job is never hung by a scenario.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { costProblems, estimateCost } from '../../sim/cost-estimate.js';

const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');
const dir = mkdtempSync(join(tmpdir(), 'faultline-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenarioFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const shop = (load: string, extra = '') => `version: 1
name: limits
services:
  api: { latency: 1ms, calls: [{ to: db }] }
  db: { latency: 1ms }
load:
  l: ${load}
${extra}`;

function estimate(text: string, allowLarge = false): string[] {
  const scenario = parseScenario(text, 'limits.yaml');
  return costProblems(scenario, estimateCost(scenario), allowLarge);
}

describe('the cost estimate before a run', () => {
  it('refuses 1e9 requests a second for 2 s, saying how many events, the limit, and what to change', () => {
    const problems = estimate(shop('{ executor: constant-arrival-rate, rate: 1000000000/s, duration: 2s, target: api }'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/about 1\.80e10 events .*load 'l' sends 2\.00e9 requests of up to 2 calls each.*the limit is 1\.00e9.*--allow-large/);
    expect(estimate(shop('{ executor: constant-arrival-rate, rate: 1000000000/s, duration: 2s, target: api }'), true)).toEqual([]);
  });

  it('counts retries as the calls they may become, down the call graph', () => {
    const scenario = parseScenario(shop('{ executor: constant-arrival-rate, rate: 10/s, duration: 1s, target: api }', 'mesh:\n  policies:\n    - { from: api, to: db, retries: { attempts: 4 } }\n'), 'x.yaml');
    expect(estimateCost(scenario).callsPerRequest.l).toBe(1 + 5);
  });

  it('refuses a resolution that would fill the memory with time series, whatever --allow-large says', () => {
    const problems = estimate(shop('{ executor: constant-arrival-rate, rate: 1/s, duration: 10h, target: api }', 'report: { resolution: 1ms }\n'), true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/GiB of memory.*time series.*raise report.resolution/);
  });

  it('refuses virtual users that would loop without time passing, and too many at once', () => {
    const noTime = `version: 1\nname: x\nservices:\n  api: {}\nload:\n  l: { executor: constant-vus, vus: 10, duration: 1s, target: api }\n`;
    expect(estimate(noTime)[0]).toMatch(/infinitely many events/);
    expect(estimate(shop('{ executor: constant-vus, vus: 100000000, duration: 1s, thinkTime: 1s, target: api }'), true).join(' ')).toMatch(/virtual users at once/);
  });

  it('lets the shipped scenarios run', () => {
    for (const file of ['three-tier-shop.yaml', 'cascades/retry-storm-naive.yaml', 'policies/rate-limit-tiers.yaml']) {
      expect(estimate(readFileSync(join(import.meta.dirname, '../../scenarios', file), 'utf8')), file).toEqual([]);
    }
  });

  it('the CLI exits 2 at once with the estimate, and runs nothing', () => {
    const file = scenarioFile('huge.yaml', shop('{ executor: constant-arrival-rate, rate: 1000000000/s, duration: 2s, target: api }'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, 'run', file, '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('too large to run here');
    expect(r.stderr).toContain('--allow-large');
  });
});

/** Runs the CLI on a long scenario, sends `signal` once the run listens for it, and collects the outcome. */
async function interrupt(signal: 'SIGINT' | 'SIGTERM', args: string[]) {
  const file = scenarioFile(`long-${signal}.yaml`, shop('{ executor: constant-arrival-rate, rate: 200/s, duration: 10h, target: api }'));
  const child = spawn(process.execPath, ['--import', 'tsx', SOURCE, 'run', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The line that says the run has begun comes once the scenario is loaded, just before the run listens for signals.
  for (let i = 0; i < 1200 && !stderr.includes('faultline: running'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 500)); // a few slices into the run
  child.kill(signal);
  const code = await exited;
  return { code, stdout, stderr };
}

describe('SIGINT and SIGTERM', () => {
  it('SIGINT stops the run, prints the report so far marked interrupted, and exits 130', async () => {
    const r = await interrupt('SIGINT', ['--json']);
    expect(r.code).toBe(130);
    const report = JSON.parse(r.stdout);
    expect(report.interrupted).toBe(true);
    expect(report.engine.simulated_ms).toBeGreaterThan(0);
    expect(report.engine.simulated_ms).toBeLessThan(10 * 3_600_000);
    expect(r.stderr).toContain('stopped by SIGINT');
  }, 120_000);

  it('SIGTERM writes the partial report to --out and exits 143', async () => {
    const out = join(dir, 'out');
    const r = await interrupt('SIGTERM', ['--out', out]);
    expect(r.code).toBe(143);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).interrupted).toBe(true);
  }, 120_000);
});
