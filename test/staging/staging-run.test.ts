/**
 * Staging runs end to end against a stand-in staging mesh (live mode's services on loopback,
 * each behind a proxy of the embedded Toxiproxy server, driven only through its HTTP API):
 * the fault schedule goes on and comes off as toxics named with the run's id and journaled;
 * a stop condition ends the run with every toxic removed; and whatever stops a run — its
 * end, SIGINT, SIGTERM, or a SIGKILL followed by the next start — no toxic of it is left.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { checkTargetAgainstScenario } from '../../sim/staging/check-target-against-scenario.js';
import { loadTargetFile } from '../../sim/staging/load-target-file.js';
import { buildStagingPlan } from '../../sim/staging/staging-plan.js';
import { StagingRun } from '../../sim/staging/staging-run.js';
import { newRunId } from '../../sim/staging/toxic-names.js';
import { startStandIn, type StandIn } from './stand-in.js';

const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');
const MESH = `version: 1
name: stand-in
services:
  front: { latency: 2ms }
load:
  users: { executor: constant-arrival-rate, rate: 40/s, duration: LOAD_DURATION, target: front, gracefulStop: 2s }
`;

let dir: string;
let standIn: StandIn;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-staging-'));
  standIn = await startStandIn(MESH.replace('LOAD_DURATION', '1s'), dir);
});

afterAll(async () => {
  await standIn?.close();
});

/** A scenario file for the stand-in: its load for `duration`, with `faults` and `thresholds` (YAML blocks). */
function scenarioFile(name: string, duration: string, faults: string, thresholds = ''): string {
  const file = join(dir, name);
  writeFileSync(file, `${MESH.replace('LOAD_DURATION', duration)}faults:\n${faults}\n${thresholds}`);
  return file;
}

async function runInProcess(file: string, journalDir: string) {
  const text = readFileSync(file, 'utf8');
  const scenario = parseScenario(text, file);
  const target = loadTargetFile(standIn.targetFile);
  expect(checkTargetAgainstScenario(target, scenario)).toEqual([]);
  const plan = buildStagingPlan(scenario, target, newRunId(Date.now()), Date.now());
  const run = new StagingRun(scenario, { file, sha256: '' }, plan, { journalDir, targetFile: standIn.targetFile });
  try {
    await run.run();
  } finally {
    await run.close();
  }
  return { run, report: run.report(), plan };
}

describe('a staging run against the stand-in mesh', () => {
  it('puts the latency on as a toxic named with its run id, takes it off at the end of its window, and the load sees it only then', async () => {
    const file = scenarioFile('latency.yaml', '3s', `  - { kind: latency, service: front, delay: 250ms, at: 1s, for: 1s }`);
    const journalDir = join(dir, 'journal-latency');
    const { report, plan } = await runInProcess(file, journalDir);
    expect(report.mode).toBe('staging');
    const [toxic] = report.staging!.toxics;
    expect(toxic).toMatchObject({ type: 'latency', proxy: 'front', stream: 'downstream' });
    expect(toxic.toxic.startsWith(`faultline-${plan.runId}-`)).toBe(true);
    expect(toxic.added_ms).toBeGreaterThanOrEqual(1000);
    expect(toxic.removed_ms).toBeGreaterThanOrEqual(2000);
    expect(report.events.filter((e) => e.kind === 'toxic-added' || e.kind === 'toxic-removed').map((e) => [e.kind, e.proxy])).toEqual([
      ['toxic-added', 'front'],
      ['toxic-removed', 'front'],
    ]);
    expect(report.entry.requests).toBeGreaterThan(60);
    expect(report.entry.latency_ms.max).toBeGreaterThan(250); // requests during the window waited for the toxic
    expect(report.entry.latency_ms.p50).toBeLessThan(250); // most came before or after it
    expect(standIn.toxicNames()).toEqual([]);
    const journal = readFileSync(join(journalDir, `${plan.runId}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    expect(journal).toEqual(['start', 'added', 'removed', 'end']);
  }, 60_000);

  it('a failing stop condition ends the run at once and removes every toxic: exit 4', async () => {
    const file = scenarioFile(
      'stop.yaml',
      '30s',
      `  - { kind: latency, service: front, delay: 300ms, at: 200ms, for: 30s }\n  - { kind: partition, service: front, at: 20s, for: 5s }`,
      `thresholds:\n  latency:\n    - { threshold: 'p(90)<100', abortOnFail: true, delayAbortEval: 1s }\n`,
    );
    const started = Date.now();
    const r = await cli(['run', file, '--mode', 'staging', '--target', standIn.targetFile, '--state-dir', join(dir, 'state-stop'), '--json']);
    expect(r.status, r.stderr).toBe(4);
    expect(Date.now() - started).toBeLessThan(25_000); // long before the load's 30 s
    const report = JSON.parse(r.stdout);
    expect(report.staging.stopped).toMatchObject({ reason: 'stop-condition', metric: 'latency', expression: 'p(90)<100' });
    expect(report.staging.toxics[0].removed_ms).not.toBeNull();
    expect(r.stderr).toContain('stop condition latency: p(90)<100 failed');
    expect(standIn.toxicNames()).toEqual([]);
  }, 60_000);
});

describe('--dry-run', () => {
  it('prints every toxic, proxy, time and the load, and touches nothing: no toxic, no journal', async () => {
    const file = scenarioFile('dry.yaml', '30s', `  - { kind: latency, service: front, delay: 300ms, at: 200ms, for: 30s }`);
    const stateDir = join(dir, 'state-dry');
    const r = await cli(['run', file, '--mode', 'staging', '--target', standIn.targetFile, '--state-dir', stateDir, '--dry-run']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Nothing is touched');
    expect(r.stdout).toMatch(/\+200ms for 30s {2}latency downstream \{"latency":300,"jitter":0\} on proxy front at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('users → http://127.0.0.1:');
    expect(standIn.toxicNames()).toEqual([]);
    expect(() => readdirSync(stateDir)).toThrow(); // not even the journal folder
  }, 60_000);
});

/** A staging run in a child process, killed with `signal` at `afterMs` past the start of its load. */
async function killedRun(signal: NodeJS.Signals, afterMs: number, file: string, stateDir: string): Promise<{ code: number | null; stderr: string; toxicsAtKill: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SOURCE, 'run', file, '--mode', 'staging', '--target', standIn.targetFile, '--state-dir', stateDir, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // --quiet keeps the run silent but for errors: wait for its toxics to appear on the proxy instead.
  for (let i = 0; i < 600 && standIn.toxicNames().length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const toxicsAtKill = standIn.toxicNames().length;
  child.kill(signal);
  const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
  if (code === 'hung') child.kill('SIGKILL');
  return { code: code === 'hung' ? -1 : code, stderr, toxicsAtKill };
}

describe('no toxic outlives its run', () => {
  // Three toxics on at once (latency, and a partition's two), for longer than the kill can take.
  const faults = `  - { kind: latency, service: front, delay: 20ms, at: 100ms, for: 60s }\n  - { kind: partition, service: front, at: 200ms, for: 60s }`;
  // Kill moments, spread over the first second and a half with toxics on (fixed: a replay is the same run).
  const MOMENTS = [130, 910, 480, 1370, 60, 720];

  it('SIGINT, SIGTERM, and SIGKILL then the next start: 6 runs killed, 0 toxics left', async () => {
    const file = scenarioFile('kill.yaml', '60s', faults);
    const counts = { runs: 0, kills: 0, toxicsLeft: 0 };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGINT', 'SIGTERM', 'SIGKILL'];
    for (const [i, signal] of signals.entries()) {
      const stateDir = join(dir, `state-kill-${i}`);
      const { code, stderr, toxicsAtKill } = await killedRun(signal, MOMENTS[i], file, stateDir);
      counts.runs++;
      counts.kills++;
      expect(toxicsAtKill, `run ${i} had its toxics on when killed`).toBe(3);
      if (signal === 'SIGKILL') {
        expect(code).toBeNull();
        expect(standIn.toxicNames().length).toBe(3); // a killed process cannot clean up…
        // …so the next start against the target finds them by their run's journal and removes them.
        const next = i === 2 ? await cleanWith(stateDir) : await nextStart(stateDir);
        expect(next.status, next.stderr).toBe(0);
        expect(next.text).toMatch(/removed.*faultline-r/);
      } else {
        expect(code, stderr).toBe(signal === 'SIGINT' ? 130 : 143);
      }
      const left = standIn.toxicNames().length;
      counts.toxicsLeft += left;
      expect(left, `run ${i} (${signal} at +${MOMENTS[i]} ms) left toxics`).toBe(0);
    }
    console.log(`staging kill tests: ${counts.runs} runs, ${counts.kills} kills (SIGINT, SIGTERM, SIGKILL ×2 each), toxics left: ${counts.toxicsLeft}`);
  }, 240_000);
});

/**
 * Runs the CLI in a child process. Never `spawnSync`: the stand-in mesh and its Toxiproxy
 * live in this process, and a blocked event loop would leave the child's requests unanswered.
 */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SOURCE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `faultline clean --target …` with the killed run's journals. */
async function cleanWith(stateDir: string) {
  const r = await cli(['clean', '--target', standIn.targetFile, '--state-dir', stateDir]);
  return { status: r.status, stderr: r.stderr, text: r.stdout };
}

/** The next staging run against the target (a short one, no faults): its sweep removes the orphans before it starts. */
async function nextStart(stateDir: string) {
  const file = scenarioFile('next.yaml', '500ms', '  []');
  const r = await cli(['run', file, '--mode', 'staging', '--target', standIn.targetFile, '--state-dir', stateDir, '--json']);
  expect(readdirSync(join(stateDir, 'runs')).length).toBe(2);
  return { status: r.status, stderr: r.stderr, text: r.stderr };
}
