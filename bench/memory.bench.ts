/**
 * Memory: peak RSS of a 10-million-customer M/M/1 run against a 10,000-customer run, each in
 * a fresh child process (`node --import tsx bench/memory-child.ts N`). Issue target: no more
 * than 50 MB above. The metrics are streaming (HDR histograms, per-interval time series), so
 * what grows with the run is the time series: one bucket per report interval (1 s).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './bench-figure.js';
import { checkMm1, type Mm1Run } from './mm1-scenario.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const SMALL = 10_000;
const LARGE = 10_000_000;
/** The issue's target, MB (10⁶ bytes; maxRSS is in KiB). */
export const TARGET_MB = 50;

interface ChildRun extends Mm1Run {
  maxRssKiB: number;
}

function runChild(customers: number): ChildRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, String(customers)], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory child (${customers} customers) failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildRun;
}

const mb = (kib: number): number => Number(((kib * 1024) / 1e6).toFixed(1));

/** The memory suite's figures. */
export async function benchMemory(): Promise<BenchFigure[]> {
  const small = runChild(SMALL);
  const large = runChild(LARGE);
  checkMm1(large, LARGE * 0.99);
  const diff = mb(large.maxRssKiB - small.maxRssKiB);
  console.log(
    `memory: ${small.customers} customers → ${mb(small.maxRssKiB)} MB peak RSS; ` +
      `${large.customers} customers (${large.events} events, ${(large.wallMs / 1000).toFixed(1)} s, mean ${large.meanMs} ms) → ${mb(large.maxRssKiB)} MB`,
  );
  return [
    { suite: 'memory', name: `peak RSS, ${SMALL.toLocaleString('en')} customers`, value: mb(small.maxRssKiB), unit: 'MB', note: `${small.customers} customers in a child process` },
    {
      suite: 'memory',
      name: `peak RSS, ${LARGE.toLocaleString('en')} customers`,
      value: mb(large.maxRssKiB),
      unit: 'MB',
      note: `${large.customers} customers, ${large.events} events, ${(large.wallMs / 1000).toFixed(1)} s`,
    },
    {
      suite: 'memory',
      name: 'peak RSS difference',
      value: diff,
      unit: 'MB',
      note: `target ≤ ${TARGET_MB} MB: ${diff <= TARGET_MB ? 'met' : `missed by ${(diff - TARGET_MB).toFixed(1)} MB`}`,
    },
  ];
}
