import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { runSimulation } from '../../sim/run-simulation.js';

const withoutWallTime = (report: ReturnType<typeof runSimulation>) => JSON.stringify({ ...report, engine: { ...report.engine, wall_ms: 0 } });

describe('determinism', () => {
  it('same scenario and seed give byte-identical reports (but for engine.wall_ms)', () => {
    const { scenario, file, sha256 } = loadScenarioFile('scenarios/three-tier-shop.yaml');
    const a = runSimulation(scenario, { file, sha256 }, { seed: 9 });
    const b = runSimulation(scenario, { file, sha256 }, { seed: 9, wallClock: Date.now });
    expect(withoutWallTime(a)).toBe(withoutWallTime(b));
    expect(a.engine.wall_ms).toBe(0); // nothing but the injected wall clock is read
  });

  it.each(['scenarios/policies/zone-failover.yaml', 'scenarios/cascades/retry-storm-budgeted.yaml', 'scenarios/cascades/expired-certificate-naive.yaml'])(
    'is deterministic with every policy on the path too: %s',
    (path) => {
      const { scenario, file, sha256 } = loadScenarioFile(path);
      const a = runSimulation(scenario, { file, sha256 });
      const b = runSimulation(scenario, { file, sha256 });
      expect(withoutWallTime(a)).toBe(withoutWallTime(b));
    },
  );

  it('another seed gives another run', () => {
    const { scenario, file, sha256 } = loadScenarioFile('scenarios/three-tier-shop.yaml');
    const a = runSimulation(scenario, { file, sha256 }, { seed: 1 });
    const b = runSimulation(scenario, { file, sha256 }, { seed: 2 });
    expect(a.entry.latency_ms.mean).not.toBe(b.entry.latency_ms.mean);
  });

  it('adding a service leaves the draws of the others unchanged (per-component streams)', () => {
    const { scenario, file, sha256 } = loadScenarioFile('scenarios/validation/mm1.yaml');
    const short = { ...scenario, load: { poisson: { ...scenario.load.poisson, duration: 60_000 } } };
    const grown = { ...short, services: { ...short.services, idle: { ...short.services.server } } };
    const a = runSimulation(short, { file, sha256 });
    const b = runSimulation(grown, { file, sha256 });
    expect(b.entry).toEqual(a.entry);
  });
});
