/**
 * The shipped M/M/1 scenario (scenarios/validation/mm1.yaml) with its load cut to a given
 * number of customers, run through the public entry points every scenario uses: no special
 * path for the benchmark.
 */
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../scenarios/parse-scenario.js';
import type { Scenario } from '../scenarios/schema.js';
import { runSimulation } from '../sim/run-simulation.js';

/** The scenario file, resolved from this module so a bench runs from any working directory. */
export const MM1_FILE = fileURLToPath(new URL('../scenarios/validation/mm1.yaml', import.meta.url));

/** The closed forms of the shipped scenario (λ = 90/s, μ = 100/s): W = 1/(μ − λ), ρ = λ/μ. */
export const MM1_MEAN_SOJOURN_MS = 100;
export const MM1_UTILIZATION = 0.9;

/** What one run produced, and how long it took on the wall clock. */
export interface Mm1Run {
  customers: number;
  events: number;
  wallMs: number;
  meanMs: number;
  utilization: number;
}

const loaded = loadScenarioFile(MM1_FILE);

/** The shipped scenario with its Poisson load lasting long enough for about `customers` arrivals. */
export function mm1Scenario(customers: number): Scenario {
  const { scenario } = loaded;
  const poisson = scenario.load.poisson;
  if (poisson?.executor !== 'constant-arrival-rate') {
    throw new Error(`${MM1_FILE}: expected a constant-arrival-rate load named "poisson"`);
  }
  const duration = customers / poisson.rate; // rate is per ms once parsed
  return { ...scenario, load: { poisson: { ...poisson, duration } } };
}

/** Runs the M/M/1 scenario with about `customers` arrivals and times the whole `runSimulation` call. */
export function runMm1(customers: number, seed?: number): Mm1Run {
  const scenario = mm1Scenario(customers);
  const started = performance.now();
  const report = runSimulation(scenario, { file: loaded.file, sha256: loaded.sha256 }, seed === undefined ? {} : { seed });
  const wallMs = performance.now() - started;
  return {
    customers: report.entry.requests,
    events: report.engine.events,
    wallMs,
    meanMs: report.entry.latency_ms.mean,
    utilization: report.services.server.utilization,
  };
}

/**
 * Throws unless a run of at least `minCustomers` looks like M/M/1 at ρ = 0.9, so that a broken
 * model cannot post a fast figure. The mean sojourn time of 10⁶ customers at ρ = 0.9 has a
 * standard error of about 2 ms (strongly autocorrelated waits), so ±10 ms is about 5σ.
 */
export function checkMm1(run: Mm1Run, minCustomers: number): void {
  const problems: string[] = [];
  if (run.customers < minCustomers) problems.push(`${run.customers} customers, expected at least ${minCustomers}`);
  if (!(Math.abs(run.meanMs - MM1_MEAN_SOJOURN_MS) <= 10)) problems.push(`mean sojourn ${run.meanMs} ms, expected 100 ± 10 ms`);
  if (!(Math.abs(run.utilization - MM1_UTILIZATION) <= 0.01)) problems.push(`utilization ${run.utilization}, expected 0.90 ± 0.01`);
  if (!(run.events >= 2 * run.customers)) problems.push(`${run.events} events for ${run.customers} customers, expected at least 2 per customer`);
  if (problems.length > 0) throw new Error(`M/M/1 result is not sane: ${problems.join('; ')}`);
}
