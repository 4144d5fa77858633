/**
 * The reference mesh end to end: bench/scenarios/reference-mesh.yaml (10 services ×
 * 3 replicas, every policy on every edge, 1,000 requests/s into the gateway for one
 * simulated hour, 10 calls per request, faults that make retries, timeouts and ejections
 * fire: a 1% error rate on two services all hour, a slowed, an aborting and a crashed
 * replica) through `runSimulation`, no special path. Issue 3 target: under 15 s of wall
 * time (≥ 240,000 end-to-end requests/s).
 *
 * Method: a plain timed loop, as bench/mm1.bench.ts: 1 warm-up run of the scenario cut to 2
 * simulated minutes, then 3 timed runs of the full hour with the scenario's seed; the figures
 * use the median wall time. Every run is checked (success rate > 0.999, about 3.6M requests)
 * so a broken model cannot post a fast number.
 */
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../scenarios/parse-scenario.js';
import type { Scenario } from '../scenarios/schema.js';
import { runSimulation } from '../sim/run-simulation.js';
import type { BenchFigure } from './bench-figure.js';

const SUITE = 'reference-mesh';
const FILE = fileURLToPath(new URL('./scenarios/reference-mesh.yaml', import.meta.url));
const WARMUP_MS = 2 * 60_000;
const RUNS = 3;
const TARGET_WALL_S = 15;
const EXPECTED_REQUESTS = 3_600_000;

interface MeshRun {
  requests: number;
  ok: number;
  events: number;
  wallMs: number;
  thresholdsOk: boolean;
  /** Retries over every edge, and hosts ejected: the faults made the policies work. */
  retries: number;
  ejections: number;
}

const loaded = loadScenarioFile(FILE);

/** The scenario with its one load lasting `durationMs` (the file's own duration if omitted). */
function meshScenario(durationMs?: number): Scenario {
  const { scenario } = loaded;
  const users = scenario.load.users;
  if (users?.executor !== 'constant-arrival-rate') throw new Error(`${FILE}: expected a constant-arrival-rate load named "users"`);
  if (durationMs === undefined) return scenario;
  return { ...scenario, load: { users: { ...users, duration: durationMs } } };
}

function runMesh(scenario: Scenario): MeshRun {
  const started = performance.now();
  const report = runSimulation(scenario, { file: loaded.file, sha256: loaded.sha256 });
  const wallMs = performance.now() - started;
  const edges = Object.values(report.edges);
  const retries = edges.reduce((n, e) => n + e.retries, 0);
  const ejections = edges.reduce((n, e) => n + e.policy.ejections, 0);
  return { requests: report.entry.requests, ok: report.entry.ok, events: report.engine.events, wallMs, thresholdsOk: report.ok, retries, ejections };
}

function checkMesh(run: MeshRun, expected: number): void {
  const problems: string[] = [];
  const rate = run.ok / run.requests;
  if (!(rate > 0.999)) problems.push(`success rate ${rate}, expected > 0.999`);
  if (!(Math.abs(run.requests - expected) <= expected * 0.01)) problems.push(`${run.requests} requests, expected ${expected} ± 1%`);
  if (!run.thresholdsOk) problems.push("the scenario's thresholds failed");
  if (!(run.events >= 9 * run.requests)) problems.push(`${run.events} events for ${run.requests} requests, expected at least 9 per request`);
  if (!(run.retries >= 0.01 * run.requests)) problems.push(`${run.retries} retries for ${run.requests} requests: the faults did not make the policies work`);
  if (problems.length > 0) throw new Error(`reference mesh result is not sane: ${problems.join('; ')}`);
}

/** The reference-mesh suite's figures. */
export async function benchReferenceMesh(): Promise<BenchFigure[]> {
  const warm = runMesh(meshScenario(WARMUP_MS));
  checkMesh(warm, (EXPECTED_REQUESTS * WARMUP_MS) / 3_600_000);
  const runs: MeshRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = runMesh(meshScenario());
    checkMesh(run, EXPECTED_REQUESTS);
    runs.push(run);
    console.log(`reference-mesh: run ${i + 1}: ${run.requests} requests, ${run.events} events, ${run.retries} retries, ${run.ejections} ejections, ${(run.wallMs / 1000).toFixed(2)} s`);
  }
  const median = [...runs].sort((a, b) => a.wallMs - b.wallMs)[RUNS >> 1];
  const wallS = median.wallMs / 1000;
  const walls = runs.map((r) => r.wallMs / 1000);
  const spread = `wall ${Math.min(...walls).toFixed(2)}–${Math.max(...walls).toFixed(2)} s over ${RUNS} runs`;
  const note = `median of ${RUNS} runs of 1 simulated hour after a 2-minute warm-up; ${spread}`;
  const successRate = median.ok / median.requests;
  return [
    {
      suite: SUITE,
      name: 'wall time per run',
      value: Number(wallS.toFixed(2)),
      unit: 's',
      note: `${note}; target < ${TARGET_WALL_S} s: ${wallS < TARGET_WALL_S ? 'met' : 'missed'}`,
    },
    { suite: SUITE, name: 'end-to-end requests/s', value: Math.round(median.requests / wallS), unit: '1/s', note: 'entry.requests / wall s; target ≥ 240,000' },
    { suite: SUITE, name: 'events/s', value: Math.round(median.events / wallS), unit: '1/s', note: `${median.events.toLocaleString('en')} events per run` },
    { suite: SUITE, name: 'entry requests (sanity)', value: median.requests, unit: '', note: `checked within 1% of ${EXPECTED_REQUESTS.toLocaleString('en')}` },
    { suite: SUITE, name: 'success rate (sanity)', value: Number(successRate.toFixed(6)), unit: '', note: 'checked > 0.999' },
  ];
}
