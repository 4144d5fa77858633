/**
 * Fuzz throughput: runs per second of the search's inner loop — batches of 16 drawn cases
 * (the default fuzz space: up to 3 faults of every kind, anywhere in the run) simulated and
 * judged — on bench/scenarios/fuzz-five-services.yaml (5 services, 200 req/s, 10 simulated
 * seconds). Measured side by side in one process, the same cases each way:
 *
 * - peer: a plain loop of `runSimulation` over the same scenarios (parse once, full report
 *   per run), the way a script without the fuzzer would do it;
 * - in-thread: the fuzzer's CaseRunner in this thread (verdict only, no full report);
 * - workers K: the tinypool pool (`--workers K`), start-up excluded and included;
 * - the machine's speed that round: the M/M/1 bench's events/s (bench/mm1.bench.ts, one run
 *   of 300,000 customers), so that a figure from a slow day can be set beside one from a fast
 *   day (this VM's speed for the simulator has swung 3× between days).
 *
 * `npx tsx bench/fuzz-throughput.ts [RUNS] [ROUNDS]` (default 320 runs, 3 rounds; the median round is printed).
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadScenarioFile } from '../scenarios/parse-scenario.js';
import { InThreadSimulator } from '../sim/fuzz/case-simulator.js';
import { caseArbitrary, scenarioOfCase, type FuzzCase } from '../sim/fuzz/fuzz-case.js';
import { fuzzSpaceOf } from '../sim/fuzz/fuzz-space.js';
import { CaseRunner } from '../sim/fuzz/run-case.js';
import { DEFAULT_BATCH_SIZE } from '../sim/fuzz/search-loop.js';
import { WorkerPoolSimulator } from '../sim/fuzz/worker-pool.js';
import { runSimulation } from '../sim/run-simulation.js';
import { runMm1 } from './mm1-scenario.js';
import type { CaseSimulator } from '../sim/fuzz/case-simulator.js';

const RUNS = Number(process.argv[2] ?? 320);
const ROUNDS = Number(process.argv[3] ?? 3);
/** Runs each worker makes before the timed loop: the JIT's warm-up, as this thread's loops have had theirs. */
const WARM_UP_PER_THREAD = 16;
const FILE = join(import.meta.dirname, 'scenarios/fuzz-five-services.yaml');

const loaded = loadScenarioFile(FILE);
const source = { file: loaded.file, sha256: loaded.sha256 };
const space = fuzzSpaceOf(loaded.scenario);
const runner = new CaseRunner(space, source);
const cases = fc.sample(caseArbitrary(space), { seed: 20261127, numRuns: RUNS });

/** Runs the cases batch by batch, as the search does; returns runs per second. */
async function searchLoop(simulator: CaseSimulator): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < cases.length; i += DEFAULT_BATCH_SIZE) await simulator.run(cases.slice(i, i + DEFAULT_BATCH_SIZE));
  return (cases.length / (performance.now() - started)) * 1000;
}

/** The peer: the plain simulator, a full report per run. */
function plainLoop(list: readonly FuzzCase[]): number {
  const started = performance.now();
  for (const c of list) runSimulation(scenarioOfCase(space, c), source);
  return (list.length / (performance.now() - started)) * 1000;
}

async function pool(threads: number): Promise<{ steady: number; withStart: number }> {
  const started = performance.now();
  const simulator = new WorkerPoolSimulator({ scenario: loaded.scenario, source }, threads);
  try {
    await simulator.run(cases.slice(0, WARM_UP_PER_THREAD * threads)); // every worker up, its code optimized as this thread's is
    const warmRuns = WARM_UP_PER_THREAD * threads;
    const warm = performance.now();
    const steady = await searchLoop(simulator);
    const total = (performance.now() - warm) + (warm - started);
    return { steady, withStart: ((cases.length + warmRuns) / total) * 1000 };
  } finally {
    await simulator.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const events = cases.slice(0, 32).reduce((n, c) => n + runner.run(c).events, 0) / 32;
const rows: Record<string, number[]> = { peer: [], inThread: [], workers1: [], workers2: [], workers2Start: [], mm1: [] };
runMm1(100_000);
for (let round = 0; round < ROUNDS; round++) {
  const mm1 = runMm1(300_000);
  rows.mm1.push(mm1.events / mm1.wallMs / 1000);
  rows.peer.push(plainLoop(cases.slice(0, Math.min(cases.length, 160))));
  rows.inThread.push(await searchLoop(new InThreadSimulator(runner)));
  rows.workers1.push((await pool(1)).steady);
  const two = await pool(2);
  rows.workers2.push(two.steady);
  rows.workers2Start.push(two.withStart);
}
const f = (xs: number[]) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
console.log(`fuzz throughput: ${RUNS} cases of ${FILE.split('/').slice(-2).join('/')}, ~${Math.round(events)} events a run, ${ROUNDS} rounds; ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| how | runs/s: median (min–max) |');
console.log('| --- | --- |');
console.log(`| peer: runSimulation loop, full report, this thread | ${f(rows.peer)} |`);
console.log(`| fuzzer, this thread (verdict only) | ${f(rows.inThread)} |`);
console.log(`| fuzzer, --workers 1 (pool, start-up excluded) | ${f(rows.workers1)} |`);
console.log(`| fuzzer, --workers 2 (pool, start-up excluded) | ${f(rows.workers2)} |`);
console.log(`| fuzzer, --workers 2 (start-up included) | ${f(rows.workers2Start)} |`);
console.log(`machine speed: M/M/1 ${f(rows.mm1)} M events/s (one thread)`);
