/**
 * The same M/M/1 model in SimPy 2 (bench/simpy/mm1.py, Debian's python3-simpy 2.3.1), run in
 * the same `npm run bench` as the mm1 suite, and the ratio of the two. Issue target:
 * faultline at least 20× SimPy's customers per second. Installs nothing: without SimPy the
 * comparison is skipped with a note saying how to get it.
 *
 * Method: 5 runs of 300,000 customers (seeds 1–5), median customers/s; faultline's figure is
 * the mm1 suite's median (measured once per process, shared with that suite). The ratio is
 * also given for the fastest run of each, which is less sensitive to a noisy machine.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './bench-figure.js';
import { measureMm1 } from './mm1.bench.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./simpy/mm1.py', import.meta.url));
const CUSTOMERS = 300_000;
const RUNS = 5;
/** The target ratio. */
export const TARGET_RATIO = 20;

/** One SimPy run's JSON line. */
interface SimPyRun {
  customers: number;
  wall_s: number;
  customers_per_s: number;
  mean_ms: number;
}

/** SimPy's version, or why it cannot be used. */
export function simpyVersion(): { ok: true; version: string } | { ok: false; why: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import SimPy; print(SimPy.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, why: `${PYTHON} cannot be run (${probe.error.message})` };
  if (probe.status !== 0) return { ok: false, why: `${PYTHON} cannot import SimPy` };
  return { ok: true, version: probe.stdout.trim() };
}

function runSimPy(seed: number): SimPyRun {
  const r = spawnSync(PYTHON, [SCRIPT, String(CUSTOMERS), String(seed)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${PYTHON} ${SCRIPT} failed (${r.status}): ${r.stderr}`);
  const run = JSON.parse(r.stdout) as SimPyRun;
  // 300,000 customers at ρ = 0.9: the mean's standard error is about 3.5 ms.
  if (run.customers !== CUSTOMERS || !(Math.abs(run.mean_ms - 100) <= 15)) {
    throw new Error(`SimPy M/M/1 result is not sane: ${r.stdout.trim()}`);
  }
  return run;
}

/** The simpy-mm1 suite's figures (none when SimPy is missing). */
export async function benchSimPyMm1(): Promise<BenchFigure[]> {
  const simpy = simpyVersion();
  if (!simpy.ok) {
    console.log(
      `simpy-mm1: SKIPPED the SimPy comparison: ${simpy.why}. ` +
        `Install SimPy 2 with \`apt-get install python3-simpy\` (Debian/Ubuntu) and run \`npm run bench\` again.`,
    );
    return [];
  }
  const runs: SimPyRun[] = [];
  for (let seed = 1; seed <= RUNS; seed++) runs.push(runSimPy(seed));
  const median = [...runs].sort((a, b) => a.customers_per_s - b.customers_per_s)[RUNS >> 1];
  const faultline = await measureMm1();
  const ratio = faultline.customersPerSecond / median.customers_per_s;
  const fastestSimPy = Math.max(...runs.map((r) => r.customers_per_s));
  const fastestFaultline = Math.max(...faultline.runs.map((r) => r.customers / (r.wallMs / 1000)));
  const bestRatio = fastestFaultline / fastestSimPy;
  const all = runs.map((r) => r.customers_per_s).join(', ');
  console.log(`simpy-mm1: SimPy ${simpy.version} customers/s ${all}; mean sojourn ${runs.map((r) => r.mean_ms).join(', ')} ms`);
  return [
    {
      suite: 'simpy-mm1',
      name: 'SimPy customers/s',
      value: median.customers_per_s,
      unit: '1/s',
      note: `SimPy ${simpy.version}, median of ${RUNS} runs of ${CUSTOMERS.toLocaleString('en')} customers (${all})`,
    },
    {
      suite: 'simpy-mm1',
      name: 'faultline/SimPy customers/s',
      value: Number(ratio.toFixed(2)),
      unit: '×',
      note: `medians; target ≥ ${TARGET_RATIO}×: ${verdict(ratio)}`,
    },
    {
      suite: 'simpy-mm1',
      name: 'faultline/SimPy, fastest runs',
      value: Number(bestRatio.toFixed(2)),
      unit: '×',
      note: `${Math.round(fastestFaultline)} / ${fastestSimPy} customers/s; target ≥ ${TARGET_RATIO}×: ${verdict(bestRatio)}`,
    },
  ];
}

function verdict(ratio: number): string {
  return ratio >= TARGET_RATIO ? 'met' : `missed (${(TARGET_RATIO / ratio).toFixed(2)}× short)`;
}
