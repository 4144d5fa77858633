import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import type { Scenario } from '../../scenarios/schema.js';
import { hazardMargins } from '../../sim/fuzz/hazard-margins.js';
import { SimulationRun } from '../../sim/run-simulation.js';

// Certificates live 6 s and are due for rotation 4.5 s after issue (grace ratio 0.25); the CSR is retried every second.
const loaded = loadScenarioFile(join(import.meta.dirname, '../../scenarios/fuzz/certificate-rotation-outage.yaml'));

function verdictWithOutage(at: number | null, length = 0) {
  const scenario: Scenario = { ...loaded.scenario, faults: at === null ? [] : [{ kind: 'ca-outage', at, for: length }] };
  const run = new SimulationRun(scenario, loaded);
  run.advance(Infinity);
  const verdict = run.verdict();
  return { verdict, hazard: hazardMargins(scenario, verdict)[0], ok: verdict.thresholds.every((t) => t.ok) };
}

describe('the certificate-life hazard: a slope up to a certificate expiring, where the thresholds see a cliff', () => {
  it('is 1 when every rotation is on time, and for an outage that misses the rotation', () => {
    expect(verdictWithOutage(null).hazard).toBe(1);
    expect(verdictWithOutage(1000, 2000).hazard).toBe(1);
  });

  it('falls the longer a CA outage over a rotation lasts, while every threshold still holds', () => {
    const short = verdictWithOutage(4000, 1000); // the CA is back at 5.0 s: the certificates have 1 s of their 6 left (grace 1.5 s)
    const long = verdictWithOutage(4000, 1400); // back at 5.4 s: 0.6 s left
    expect(short.ok && long.ok).toBe(true);
    expect(short.verdict.thresholds.map((t) => t.observed)).toEqual(long.verdict.thresholds.map((t) => t.observed));
    expect(short.hazard).toBeCloseTo(1 / 1.5, 6);
    expect(long.hazard).toBeCloseTo(0.6 / 1.5, 6);
  });

  it('is 0 or less once an outage outlasts the certificates and the thresholds fail', () => {
    const expired = verdictWithOutage(4000, 2600);
    expect(expired.ok).toBe(false);
    expect(expired.hazard).toBeLessThanOrEqual(0);
  });
});
