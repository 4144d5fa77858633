/**
 * The simulator against queueing theory (scenarios/validation/; the closed forms are written out in each test).
 * Each model runs with R independent seeds; the test asserts that the closed form lies in
 * the 99% confidence interval of the mean across seeds, mean ± t(R−1, 0.995)·s/√R, and that
 * the interval is narrow enough (half-width under 5% of the closed form, 10% for a p99) for
 * that to mean something. The tolerance comes from the spread of the runs, not from a chosen margin.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { runSimulation } from '../../sim/run-simulation.js';
import type { RunReport } from '../../reports/report.js';

const SEEDS = [1, 2, 3, 4, 5, 6];
/** Student's t quantile, 0.995, 5 degrees of freedom. */
const T_5_995 = 4.032;

function replications(file: string): RunReport[] {
  const { scenario } = loadScenarioFile(file);
  return SEEDS.map((seed) => runSimulation(scenario, { file, sha256: '' }, { seed }));
}

function expectWithinCi(samples: number[], theory: number, precision = 0.05): void {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(samples.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (T_5_995 * sd) / Math.sqrt(n);
  expect(half, `CI half-width ${half} too wide to validate ${theory}`).toBeLessThan(precision * theory);
  expect(Math.abs(mean - theory), `mean ${mean} ± ${half} vs theory ${theory}`).toBeLessThanOrEqual(half);
}

/** Erlang C: probability that an arrival waits in M/M/c with offered load a. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (c / (c - a));
  return top / (sum + top);
}

describe('validation against closed forms', () => {
  it('M/M/1 (ρ = 0.9): W = 1/(μ−λ) = 100 ms, L = 9, utilisation 0.9, p99 = 460.5 ms', () => {
    const runs = replications('scenarios/validation/mm1.yaml');
    expectWithinCi(runs.map((r) => r.entry.latency_ms.mean), 100);
    expectWithinCi(runs.map((r) => r.services.server.utilization), 0.9);
    expectWithinCi(runs.map((r) => r.services.server.mean_in_system), 9);
    // A tail quantile converges more slowly than a mean: its interval may be 10% wide.
    expectWithinCi(runs.map((r) => r.entry.latency_ms.p99), Math.log(100) / (0.1 - 0.09), 0.1);
  });

  it('M/M/4 (Erlang C, ρ = 0.9): W = C/(cμ−λ) + 1/μ = 29.69 ms', () => {
    const c = 4;
    const mu = 0.1; // per ms
    const lambda = 0.36;
    const theory = erlangC(c, lambda / mu) / (c * mu - lambda) + 1 / mu;
    expect(theory).toBeCloseTo(29.69, 1); // the reference's table
    const runs = replications('scenarios/validation/mmc.yaml');
    expectWithinCi(runs.map((r) => r.entry.latency_ms.mean), theory);
    expectWithinCi(runs.map((r) => r.services.server.utilization), 0.9);
  });

  it('M/D/1 (ρ = 0.9): W = ρ/(2μ(1−ρ)) + 1/μ = 55 ms', () => {
    const runs = replications('scenarios/validation/md1.yaml');
    expectWithinCi(runs.map((r) => r.entry.latency_ms.mean), 55);
    expectWithinCi(runs.map((r) => r.services.server.utilization), 0.9);
  });
});

describe("Little's law on the shipped meshes", () => {
  for (const file of ['scenarios/three-tier-shop.yaml', 'scenarios/fan-out-crashed-replica.yaml']) {
    it(`L = λW at every service of ${file}`, () => {
      const { scenario } = loadScenarioFile(file);
      const report = runSimulation(scenario, { file, sha256: '' });
      for (const [name, s] of Object.entries(report.services)) {
        const lambdaW = (s.throughput_per_s / 1000) * s.mean_sojourn_ms;
        expect(s.mean_in_system, name).toBeGreaterThan(0);
        // Exact over a run that starts and ends empty; the slack is the report's rounding.
        expect(Math.abs(s.mean_in_system - lambdaW) / lambdaW, name).toBeLessThan(1e-3);
      }
    });
  }
});
