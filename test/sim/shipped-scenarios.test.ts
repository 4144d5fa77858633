import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { runSimulation } from '../../sim/run-simulation.js';

const ROOT = join(import.meta.dirname, '../../scenarios');
const FILES = readdirSync(ROOT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();

describe('shipped scenarios', () => {
  it('are there', () => expect(FILES.length).toBeGreaterThanOrEqual(6));

  for (const file of FILES) {
    it(`${file}: its thresholds hold, unless its description says it is meant to fail`, () => {
      const loaded = loadScenarioFile(join(ROOT, file));
      const meantToFail = /meant to fail/i.test(loaded.scenario.description);
      const report = runSimulation(loaded.scenario, loaded);
      expect(report.thresholds.length).toBeGreaterThan(0);
      expect(report.ok, JSON.stringify(report.thresholds)).toBe(!meantToFail);
    });
  }
});
