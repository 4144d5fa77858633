/**
 * Determinism: the same scenario and seed give the same report, byte for byte but for
 * `engine.wall_ms`, in two separate `faultline` processes, and that report is the golden one
 * checked in at test/golden/ (see test/golden/golden.ts for the scenario and seed).
 *
 * When the model changes on purpose, regenerate the golden report with
 *
 *     npm run golden
 *
 * and review its diff before committing it.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { runSimulation } from '../../sim/run-simulation.js';
import { differingTopLevelFields, GOLDEN, GOLDEN_PATH, REGENERATE, runGoldenScenario, zeroWallTime } from '../golden/golden.js';

const withoutWallTime = (report: ReturnType<typeof runSimulation>) => JSON.stringify({ ...report, engine: { ...report.engine, wall_ms: 0 } });

describe('determinism across processes', () => {
  let first: string;
  let second: string;

  // Two `faultline run --json` processes, side by side; the hook gets the same time as a test.
  beforeAll(async () => {
    [first, second] = (await Promise.all([runGoldenScenario(), runGoldenScenario()])).map(zeroWallTime);
  }, 120_000);

  it('two processes print byte-identical reports (but for engine.wall_ms)', () => {
    expect(differingTopLevelFields(first, second), 'top-level fields that differ between the two runs').toEqual([]);
    expect(second === first, 'the two reports hold the same values but are not byte-identical').toBe(true);
  });

  it(`the report is the golden one (${GOLDEN.file})`, () => {
    const golden = readGolden();
    const regenerate = `If the model changed on purpose, regenerate it with \`${REGENERATE}\` and review the diff.`;
    expect(differingTopLevelFields(golden, first), `top-level fields that differ from ${GOLDEN.file}. ${regenerate}`).toEqual([]);
    expect(first === golden, `the report has the golden values but not its bytes. ${regenerate}`).toBe(true);
  });
});

describe('determinism in one process', () => {
  it.each(['scenarios/policies/zone-failover.yaml', 'scenarios/cascades/retry-storm-budgeted.yaml', 'scenarios/cascades/expired-certificate-naive.yaml'])(
    'a second run of the same scenario gives the same report, with every policy on the path too (no state shared between runs): %s',
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

function readGolden(): string {
  try {
    return readFileSync(GOLDEN_PATH, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the golden report ${GOLDEN.file} (${(error as Error).message}); write it with \`${REGENERATE}\`.`);
  }
}
