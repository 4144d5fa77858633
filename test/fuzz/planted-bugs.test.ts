/**
 * The planted bugs of scenarios/fuzz/: each holds as written, and the fuzzer (default
 * strategy, a fixed seed) finds it within 2,000 runs and shrinks it to the expected minimal
 * counterexample — the faults (and load) that make the bug, each of which is needed: taking
 * any one away, the scenario holds again.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { InThreadSimulator } from '../../sim/fuzz/case-simulator.js';
import { runCampaign, type CampaignResult } from '../../sim/fuzz/fuzz-campaign.js';
import { changesOfCase, type FuzzCase } from '../../sim/fuzz/fuzz-case.js';
import { fuzzSpaceOf, type FuzzSpace } from '../../sim/fuzz/fuzz-space.js';
import { spikeOfGene } from '../../sim/fuzz/load-profile.js';
import { CaseRunner } from '../../sim/fuzz/run-case.js';

const SEED = 11;
const BUDGET = 2000;

interface Planted {
  space: FuzzSpace;
  runner: CaseRunner;
  result: CampaignResult;
  /** The shrunk case. */
  c: FuzzCase;
}

async function fuzz(name: string): Promise<Planted> {
  const loaded = loadScenarioFile(join(import.meta.dirname, `../../scenarios/fuzz/${name}.yaml`));
  const space = fuzzSpaceOf(loaded.scenario);
  const runner = new CaseRunner(space, loaded);
  const result = await runCampaign(space, new InThreadSimulator(runner), { runs: BUDGET, seed: SEED, strategy: 'both', guidance: 'margin' });
  expect(result.baseline.ok, 'the scenario holds as written').toBe(true);
  expect(result.found, 'a counterexample within the budget').not.toBeNull();
  expect(result.found!.runsToFind).toBeLessThanOrEqual(BUDGET);
  expect(result.shrunk!.outcome.ok).toBe(false);
  return { space, runner, result, c: result.shrunk!.c };
}

const holds = (p: Planted, c: FuzzCase) => p.runner.run(c).ok;
const without = (c: FuzzCase, i: number): FuzzCase => ({ ...c, faults: c.faults.filter((_, j) => j !== i) });
const overlap = (a: { at: number; for: number }, b: { at: number; for: number }) => a.at < b.at + b.for && b.at < a.at + a.for;

describe('the planted bugs of scenarios/fuzz/', () => {
  it('retry-storm-spike: one slowdown of db overlapping a load spike, each harmless alone', async () => {
    const p = await fuzz('retry-storm-spike');
    const { faults } = changesOfCase(p.space, p.c);
    expect(faults).toEqual([expect.objectContaining({ kind: 'slowdown', service: 'db' })]);
    const spike = spikeOfGene(p.space.loads[0], p.c.loads[0]);
    expect(spike, 'a spike').not.toBeNull();
    expect(overlap(faults[0], { at: spike!.at, for: spike!.for + 2 * spike!.rampMs })).toBe(true);
    expect(holds(p, without(p.c, 0)), 'the spike alone holds').toBe(true);
    expect(holds(p, { ...p.c, loads: [{ ...p.c.loads[0], spike: { ...p.c.loads[0].spike!, factor: 0 } }] }), 'the slowdown alone holds').toBe(true);
  });

  it('breaker-two-crashes: two faults on the two catalog replicas, overlapping, each harmless alone', async () => {
    const p = await fuzz('breaker-two-crashes');
    const { faults } = changesOfCase(p.space, p.c);
    expect(faults).toHaveLength(2);
    expect(faults.map((f) => (f.kind === 'ca-outage' ? null : `${f.service}[${f.instance}]`)).sort()).toEqual(['catalog[0]', 'catalog[1]']);
    expect(overlap(faults[0], faults[1])).toBe(true);
    expect(holds(p, without(p.c, 0))).toBe(true);
    expect(holds(p, without(p.c, 1))).toBe(true);
    expect(p.result.found!.by, 'no single fault breaks it: the matrix holds').not.toBe('exhaustive');
  });

  it('zone-failover-load: a zone crash above the load the surviving zone can take; at 200 req/s it holds', async () => {
    const p = await fuzz('zone-failover-load');
    const { faults, loads } = changesOfCase(p.space, p.c);
    expect(faults).toEqual([expect.objectContaining({ kind: 'crash', zone: expect.stringMatching(/^zone-[ab]$/) })]);
    const rate = loads.users.executor === 'constant-arrival-rate' ? loads.users.rate * 1000 : NaN;
    expect(rate).toBeGreaterThan(200);
    expect(holds(p, without(p.c, 0)), 'the load alone holds').toBe(true);
    const level200 = Math.round(((200 - 50) / (350 - 50)) * 100);
    expect(holds(p, { ...p.c, loads: [{ rate: level200 }] }), 'the zone crash at 200 req/s holds').toBe(true);
  });

  it('certificate-rotation-outage: one CA outage over a rotation, until the certificates expire', async () => {
    const p = await fuzz('certificate-rotation-outage');
    const { faults } = changesOfCase(p.space, p.c);
    expect(faults).toEqual([expect.objectContaining({ kind: 'ca-outage' })]);
    // Certificates issued at 0 for 6 s rotate at 4.5 s (a quarter of their life left) and expire at 6 s.
    expect(faults[0].at).toBeLessThanOrEqual(4500);
    expect(faults[0].at + faults[0].for).toBeGreaterThan(4500);
    expect(holds(p, without(p.c, 0))).toBe(true);
    expect(p.result.shrunk!.outcome.margins.every((m) => m < 0), 'storefront locked out, and recommendations stopped by TLS, not the rule').toBe(true);
  });
});
