/**
 * A constant-vus load varies by its VUs: the fuzzer finds the number of users past which a
 * threshold breaks, shrinks it to the fewest that still break it, and writes them in the file.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { InThreadSimulator } from '../../sim/fuzz/case-simulator.js';
import { counterexampleYaml } from '../../sim/fuzz/counterexample-file.js';
import { runCampaign } from '../../sim/fuzz/fuzz-campaign.js';
import { changesOfCase } from '../../sim/fuzz/fuzz-case.js';
import { describeCase } from '../../sim/fuzz/fuzz-summary.js';
import { fuzzSpaceOf } from '../../sim/fuzz/fuzz-space.js';
import { CaseRunner } from '../../sim/fuzz/run-case.js';
import { runSimulation } from '../../sim/run-simulation.js';

/** 4 workers of ~5 ms behind front: a closed loop of N users queues once N passes 4; p99 under 30 ms holds for a few. */
const SCENARIO = {
  version: 1,
  name: 'browsers',
  seed: 3,
  services: {
    front: { latency: '1ms', calls: [{ to: 'back' }] },
    back: { concurrency: 4, queue: 1000, latency: { type: 'exponential', mean: '5ms' } },
  },
  load: { browsers: { executor: 'constant-vus', vus: 2, duration: '2s', target: 'front' } },
  thresholds: { latency: ['p(99)<30'] },
  fuzz: { faults: { count: { max: 0 } }, load: { browsers: { vus: { min: 1, max: 40 } } } },
};

describe('a constant-vus load under the fuzzer', () => {
  const text = stringify(SCENARIO);
  const space = fuzzSpaceOf(parseScenario(text, 'browsers.yaml'));
  const runner = new CaseRunner(space, { file: 'browsers.yaml', sha256: '' });

  it('finds the VUs that break p99, shrinks them to the fewest that do, and writes them', async () => {
    const result = await runCampaign(space, new InThreadSimulator(runner), { runs: 200, seed: 5, strategy: 'both', guidance: 'margin' });
    expect(result.baseline.ok, 'two VUs hold').toBe(true);
    const shrunk = result.shrunk!;
    expect(shrunk.outcome.ok).toBe(false);
    const vus = (level: number) => changesOfCase(space, { ...shrunk.c, loads: [{ vus: level }] }).loads.browsers;
    const level = shrunk.c.loads[0].vus!;
    const found = vus(level);
    expect(found.executor === 'constant-vus' && found.vus > 4).toBe(true);
    expect(runner.run({ ...shrunk.c, loads: [{ vus: level - 1 }] }).ok, 'one level fewer holds').toBe(true);
    expect(describeCase(space, shrunk.c)).toEqual([`load browsers with ${found.executor === 'constant-vus' ? found.vus : '?'} VUs`]);

    const yaml = counterexampleYaml(text, space, changesOfCase(space, shrunk.c), shrunk.c.seed, { name: 'browsers', description: 'p99 broke', headline: 'found' });
    const written = parseScenario(yaml, 'counterexample.yaml');
    expect(written.load.browsers).toEqual(found);
    expect(runSimulation(written, { file: 'counterexample.yaml', sha256: '' }).thresholds.every((t) => t.ok)).toBe(false);
  });
});
