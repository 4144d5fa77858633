import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ThresholdResult } from '../../reports/report.js';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { runSimulation } from '../../sim/run-simulation.js';

const REPO = join(import.meta.dirname, '../..');
const FILES = readdirSync(join(REPO, 'scenarios'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('staging/')) // staging/ holds staging target files
  .map((f) => `scenarios/${f}`)
  .sort();

/**
 * The scenarios whose description says they are meant to fail, and exactly the thresholds
 * each must fail (as `metric: expression`, the scenario's `thresholds` keys and entries):
 * the ones that show what the scenario demonstrates. Every other shipped scenario must hold
 * all of its thresholds.
 */
const MEANT_TO_FAIL: Record<string, string[]> = {
  // ~5% of requests fail: the canary keeps its tenth of web→catalog and fails half of it.
  'scenarios/cascades/bad-canary-naive.yaml': ['success: rate>0.999', 'errors{edge:web->catalog,cause:5xx}: rate<0.001'],
  // mTLS fails on gateway→orders once the certificates expire during the CA outage; orders→inventory sees no request.
  'scenarios/cascades/expired-certificate-naive.yaml': ['success: rate>0.99', 'errors{edge:gateway->orders,cause:tls}: rate<0.001'],
  // The storm never ends (recovery_time is infinite) and retries at both hops amplify the load.
  'scenarios/cascades/retry-storm-naive.yaml': ['success: rate>0.95', 'recovery_time: value<60000', 'amplification: value<1.5'],
  // The blackhole holds the api's workers, so both loads meet the api's overflow; latency holds (the 503s are fast).
  'scenarios/cascades/slow-dependency-naive.yaml': [
    'success: rate>0.99',
    'errors{edge:mobile->api,cause:overflow}: rate<0.001',
    'errors{edge:browsers->api,cause:overflow}: rate<0.001',
  ],
  // web gives up on orders before orders' own retries are done; recovery follows within 2 s of the fault's end.
  'scenarios/cascades/timeouts-inverted-naive.yaml': ['success: rate>0.99', 'errors{edge:web->orders,cause:timeout}: rate<0.01'],
};

const label = (t: ThresholdResult) => `${t.metric}: ${t.expression}`;

describe('shipped scenarios', () => {
  it('are there', () => expect(FILES.length).toBeGreaterThanOrEqual(6));

  it('MEANT_TO_FAIL names only shipped scenarios', () => {
    expect(Object.keys(MEANT_TO_FAIL).filter((file) => !FILES.includes(file)), 'keys that name no scenario file (renamed? removed?)').toEqual([]);
  });

  for (const file of FILES) {
    const expected = MEANT_TO_FAIL[file] ?? [];

    it(`${file}: is in MEANT_TO_FAIL exactly when its description says it is meant to fail`, () => {
      const saysMeantToFail = /meant to fail/i.test(loadScenarioFile(join(REPO, file)).scenario.description);
      if (saysMeantToFail) expect(expected, `${file} says it is meant to fail: list it in MEANT_TO_FAIL with the thresholds that show what it demonstrates`).not.toEqual([]);
      else expect(Object.hasOwn(MEANT_TO_FAIL, file), `${file} is in MEANT_TO_FAIL but its description does not say it is meant to fail`).toBe(false);
    });

    it(`${file}: ${expected.length > 0 ? `fails exactly ${expected.join(', ')}` : 'holds every threshold'}`, () => {
      const loaded = loadScenarioFile(join(REPO, file));
      const report = runSimulation(loaded.scenario, loaded);
      expect(report.thresholds.length).toBeGreaterThan(0);
      const failing = report.thresholds.filter((t) => !t.ok).map(label);
      expect(failing.sort(), `thresholds that failed; all of them: ${JSON.stringify(report.thresholds)}`).toEqual([...expected].sort());
      expect(report.ok).toBe(expected.length === 0);
    });
  }
});
