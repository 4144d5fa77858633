/**
 * A campaign is a function of its scenario, its seed and its options: the same seed finds and
 * shrinks the same case, whatever the number of worker threads; shrinking a failing case
 * gives the same case every time; a run's verdict is the one its full report gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { InThreadSimulator } from '../../sim/fuzz/case-simulator.js';
import { runCampaign, type CampaignOptions, type CampaignResult } from '../../sim/fuzz/fuzz-campaign.js';
import { caseArbitrary } from '../../sim/fuzz/fuzz-case.js';
import { fuzzSpaceOf } from '../../sim/fuzz/fuzz-space.js';
import { CaseRunner } from '../../sim/fuzz/run-case.js';
import { shrinkCase } from '../../sim/fuzz/shrink-case.js';
import { WorkerPoolSimulator } from '../../sim/fuzz/worker-pool.js';
import { TINY_YAML } from './tiny-scenario.js';

const scenario = parseScenario(TINY_YAML, 'tiny.yaml');
const source = { file: 'tiny.yaml', sha256: '' };
const space = fuzzSpaceOf(scenario);
const runner = new CaseRunner(space, source);
const OPTIONS: CampaignOptions = { runs: 500, seed: 2026, strategy: 'both', guidance: 'margin' };

/** What a campaign decided, without the options it was given. */
const decided = (r: CampaignResult) => ({ baseline: r.baseline, matrix: r.matrix, search: r.search, found: r.found, shrunk: r.shrunk, runs: r.runs });

describe('determinism of a campaign', () => {
  it('the same seed finds and shrinks the same case; another seed draws another search', async () => {
    const first = await runCampaign(space, new InThreadSimulator(runner), OPTIONS);
    const again = await runCampaign(space, new InThreadSimulator(runner), OPTIONS);
    expect(first.shrunk, 'the tiny mesh breaks when both replicas fail together').not.toBeNull();
    expect(decided(again)).toEqual(decided(first));
    const other = await runCampaign(space, new InThreadSimulator(runner), { ...OPTIONS, seed: 7, shrink: false });
    expect(other.found?.c).not.toEqual(first.found?.c);
    // fast-check's path replays the shrinking: straight to the same case, one run.
    const replayed = await runCampaign(space, new InThreadSimulator(runner), { ...OPTIONS, path: first.shrunk!.path });
    expect(replayed.shrunk).toMatchObject({ c: first.shrunk!.c, outcome: first.shrunk!.outcome, steps: first.shrunk!.steps, runs: 1 });
  });

  it('two worker threads give exactly what this thread gives', async () => {
    const pool = new WorkerPoolSimulator({ scenario, source }, 2);
    try {
      const inThread = await runCampaign(space, new InThreadSimulator(runner), OPTIONS);
      const onWorkers = await runCampaign(space, pool, OPTIONS);
      expect(decided(onWorkers)).toEqual(decided(inThread));
    } finally {
      await pool.close();
    }
  });

  it('shrinking a failing case gives the same case, in the same steps, every time', async () => {
    const { found } = await runCampaign(space, new InThreadSimulator(runner), { ...OPTIONS, strategy: 'random', shrink: false });
    const once = await shrinkCase(space, new InThreadSimulator(runner), found!.c);
    const twice = await shrinkCase(space, new InThreadSimulator(runner), found!.c);
    expect(twice).toEqual(once);
    expect(once.outcome.ok).toBe(false);
    expect(once.steps).toBeGreaterThan(0);
  });

  it("a run's verdict is the one its whole report gives", () => {
    fc.assert(
      fc.property(caseArbitrary(space), (c) => {
        const report = runner.report(c);
        const fromReport = runner.outcomeOf({ thresholds: report.thresholds, events: report.engine.events, certificateLifeLeft: null });
        expect(runner.run(c)).toEqual({ ...fromReport, hazards: expect.any(Array) });
      }),
      { numRuns: 25 },
    );
  });
});
