/**
 * M/M/1 end to end: the shipped scenario through `runSimulation`, the same generic service
 * model and interceptor chain every scenario uses. Issue target: at least 20× SimPy's
 * customers per second on the same machine (bench/simpy-mm1.bench.ts measures SimPy).
 *
 * Method: a plain timed loop, not tinybench (one iteration is a whole simulation of about a
 * second): 3 warm-up runs of 100,000 customers, then 5 timed runs of 1,000,000 customers with
 * the scenario's seed; the figures use the median wall time of the 5. Every run is checked
 * against the closed forms so a broken model cannot post a fast number.
 */
import type { BenchFigure } from './bench-figure.js';
import { checkMm1, runMm1, type Mm1Run } from './mm1-scenario.js';

const WARMUP_CUSTOMERS = 100_000;
const WARMUP_RUNS = 3;
const CUSTOMERS = 1_000_000;
const RUNS = 5;

/** The timed runs of one measurement, and their median. */
export interface Mm1Measurement {
  runs: Mm1Run[];
  median: Mm1Run;
  customersPerSecond: number;
  eventsPerSecond: number;
}

let measured: Promise<Mm1Measurement> | undefined;

/** Measures once per process: the SimPy comparison reuses the figure of the same `npm run bench`. */
export function measureMm1(): Promise<Mm1Measurement> {
  measured ??= Promise.resolve().then(measure);
  return measured;
}

function measure(): Mm1Measurement {
  for (let i = 0; i < WARMUP_RUNS; i++) runMm1(WARMUP_CUSTOMERS);
  const runs: Mm1Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = runMm1(CUSTOMERS);
    checkMm1(run, CUSTOMERS * 0.99);
    runs.push(run);
  }
  const median = [...runs].sort((a, b) => a.wallMs - b.wallMs)[RUNS >> 1];
  return {
    runs,
    median,
    customersPerSecond: median.customers / (median.wallMs / 1000),
    eventsPerSecond: median.events / (median.wallMs / 1000),
  };
}

/** The mm1 suite's figures. */
export async function benchMm1(): Promise<BenchFigure[]> {
  const m = await measureMm1();
  const { median } = m;
  const walls = m.runs.map((r) => r.wallMs);
  const spread = `wall ${Math.round(Math.min(...walls))}–${Math.round(Math.max(...walls))} ms over ${RUNS} runs`;
  console.log(
    `mm1: ${median.customers} customers, ${median.events} events, mean sojourn ${median.meanMs} ms (theory 100), ` +
      `utilization ${median.utilization} (theory 0.9); ${spread}`,
  );
  const note = `median of ${RUNS} runs of ~${CUSTOMERS.toLocaleString('en')} customers; ${spread}`;
  return [
    { suite: 'mm1', name: 'customers/s', value: Math.round(m.customersPerSecond), unit: '1/s', note },
    { suite: 'mm1', name: 'events/s', value: Math.round(m.eventsPerSecond), unit: '1/s', note },
    { suite: 'mm1', name: 'wall time per run', value: Math.round(median.wallMs), unit: 'ms', note: `${median.customers} customers, ${median.events} events` },
    { suite: 'mm1', name: 'events per customer', value: round(median.events / median.customers, 3), unit: '' },
    { suite: 'mm1', name: 'mean sojourn (sanity)', value: median.meanMs, unit: 'ms', note: 'theory 100 ms; checked within ±10 ms' },
    { suite: 'mm1', name: 'utilization (sanity)', value: median.utilization, unit: '', note: 'theory 0.9; checked within ±0.01' },
  ];
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
