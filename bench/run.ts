/**
 * `npm run bench [-- SUITE...]`: runs every benchmark suite (or those named) and prints one
 * table of figures. Speed is measured here, never by timed tests (bench/RESULTS.md says what each figure covers).
 * bench/RESULTS.md records a run and the issue targets.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { BenchFigure } from './bench-figure.js';
import { benchEventQueue } from './event-queue.bench.js';
import { benchLiveHandshake } from './live-handshake.js';
import { benchLiveLoadGenerator } from './live-load-generator.js';
import { benchMemory } from './memory.bench.js';
import { benchMm1 } from './mm1.bench.js';
import { benchPolicyChain } from './policy-chain.bench.js';
import { benchReferenceMesh } from './reference-mesh.bench.js';
import { benchSimPyMm1 } from './simpy-mm1.bench.js';

/** A suite: a name to select it by, and the function that measures it; an opt-in suite runs only when named. */
interface Suite {
  name: string;
  run: () => Promise<BenchFigure[]>;
  optIn?: boolean;
}

const SUITES: Suite[] = [
  { name: 'event-queue', run: benchEventQueue },
  { name: 'mm1', run: benchMm1 },
  { name: 'simpy-mm1', run: benchSimPyMm1 },
  { name: 'memory', run: benchMemory },
  { name: 'policy-chain', run: benchPolicyChain },
  { name: 'reference-mesh', run: benchReferenceMesh },
  { name: 'live-handshake', run: benchLiveHandshake },
  // Real time on real sockets, about a minute even shortened (the full run: `npx tsx bench/live-load-generator.ts`).
  { name: 'live-load', run: () => benchLiveLoadGenerator({ seconds: 10, closedSeconds: 5, rounds: 2 }), optIn: true },
];

function select(names: readonly string[]): Suite[] {
  if (names.length === 0) return SUITES.filter((s) => !s.optIn);
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`unknown suite ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  return SUITES.filter((s) => names.includes(s.name));
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en') : String(value);
}

function printTable(figures: readonly BenchFigure[]): void {
  const rows = [['suite', 'figure', 'value', 'unit', 'note'], ...figures.map((f) => [f.suite, f.name, formatValue(f.value), f.unit, f.note ?? ''])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

const figures: BenchFigure[] = [];
const [load1] = loadavg();
if (load1 > 0.5) {
  console.log(`note: 1-minute load average is ${load1.toFixed(2)} on ${availableParallelism()} cores; figures may be noisy, re-run on an idle machine`);
}
for (const suite of select(process.argv.slice(2))) {
  const started = performance.now();
  figures.push(...(await suite.run()));
  console.log(`(${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
console.log();
printTable(figures);
