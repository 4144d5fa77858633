/**
 * The fuzzer's arbitraries draw only what the scenario format accepts, within the `fuzz`
 * section's bounds, and what they draw is written to a file that reads back as exactly the
 * scenario that ran.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { Fault, type Scenario } from '../../scenarios/schema.js';
import { counterexampleYaml, faultInput } from '../../sim/fuzz/counterexample-file.js';
import { faultGenes, faultOfGene } from '../../sim/fuzz/fault-schedule.js';
import { caseArbitrary, changesOfCase, scenarioOfCase } from '../../sim/fuzz/fuzz-case.js';
import { fuzzSpaceOf } from '../../sim/fuzz/fuzz-space.js';

/** A small mesh with every kind of target and a fuzz section that varies faults, the load and two parameters. */
const SCENARIO = {
  version: 1,
  name: 'fuzzed shop',
  zones: ['a', 'b'],
  services: {
    front: { replicas: 2, zones: ['a', 'b'], calls: [{ to: 'back' }] },
    back: { replicas: 3, zones: ['a', 'b'], latency: '2ms' },
  },
  mesh: { policies: [{ from: 'front', to: 'back', timeout: '500ms', retries: { attempts: 2 }, retryBudget: { type: 'linkerd' } }] },
  security: { certificates: { ttl: '5s' } },
  load: {
    users: { executor: 'constant-arrival-rate', rate: '50/s', duration: '8s', target: 'front', gracefulStop: '1s' },
    browsers: { executor: 'constant-vus', vus: 5, duration: '8s', target: 'front', gracefulStop: '1s' },
  },
  thresholds: { success: ['rate>0.9'] },
  fuzz: {
    faults: { count: { max: 4 }, latency: { min: '1ms', max: '250ms' }, abort: { min: 0.5, max: 99.5 }, slowdown: { min: 1.25, max: 7 } },
    load: {
      users: { rate: { min: '20.5/s', max: '90/s' }, spike: { factor: { min: 1, max: 4.5 }, for: { min: '300ms', max: '3s' }, ramp: '250ms' } },
      browsers: { vus: { min: 2, max: 30 } },
    },
    parameters: [
      { from: 'front', to: 'back', field: 'timeout', min: '100ms', max: '2s' },
      { from: 'front', to: 'back', field: 'retryBudget.retryRatio', min: 0.05, max: 0.5 },
    ],
  },
};

const scenario: Scenario = parseScenario(stringify(SCENARIO), 'fuzzed.yaml');
const space = fuzzSpaceOf(scenario);

describe('the fuzz space', () => {
  it('has every target and kind by default: services, instances, zones, edges; a CA outage when certificates expire in the run', () => {
    expect(space.targets).toEqual([
      { service: 'front' },
      { service: 'back' },
      { service: 'front', instance: 0 },
      { service: 'front', instance: 1 },
      { service: 'back', instance: 0 },
      { service: 'back', instance: 1 },
      { service: 'back', instance: 2 },
      { zone: 'a' },
      { zone: 'b' },
      { edge: 'front->back' },
    ]);
    expect(space.kinds).toEqual(['crash', 'latency', 'abort', 'slowdown', 'partition', 'blackhole', 'ca-outage']);
    expect(space.targetsByKind[0]).not.toContainEqual({ edge: 'front->back' });
    expect(fuzzSpaceOf({ ...scenario, security: { ...scenario.security, certificates: { ...scenario.security.certificates, ttl: 60_000 } } }).kinds).not.toContain('ca-outage');
  });

  it('draws times on a grid of 1, 2 or 5 × a power of ten over the run', () => {
    expect(space.grid).toMatchObject({ from: 0, grain: 20, steps: 400 });
  });
});

describe('the arbitraries', () => {
  it('draw faults the format accepts, on targets that exist, inside the window and the magnitude bounds', () => {
    fc.assert(
      fc.property(faultGenes(space), (genes) => {
        expect(genes.length).toBeLessThanOrEqual(4);
        for (const gene of genes) {
          const fault = faultOfGene(space, gene);
          expect(Fault.parse(faultInput(fault))).toEqual(fault);
          expect(fault.at).toBeGreaterThanOrEqual(0);
          expect(fault.at + fault.for).toBeLessThanOrEqual(8000);
          expect(fault.for).toBeGreaterThan(0);
          if (fault.kind === 'latency') expect(fault.delay).toBeGreaterThanOrEqual(1), expect(fault.delay).toBeLessThanOrEqual(250);
          if (fault.kind === 'abort') expect(fault.percent).toBeGreaterThanOrEqual(0.5), expect(fault.percent).toBeLessThanOrEqual(99.5);
          if (fault.kind === 'slowdown') expect(fault.factor).toBeGreaterThanOrEqual(1.25), expect(fault.factor).toBeLessThanOrEqual(7);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('draw cases whose scenario validates: a spike is stages that fill the load, whole VUs, parameters within their ranges', () => {
    const vusSeen = new Set<number>();
    fc.assert(
      fc.property(caseArbitrary(space), (c) => {
        const s = scenarioOfCase(space, c);
        const load = s.load.users;
        if (load.executor === 'ramping-arrival-rate') expect(load.stages.reduce((t, stage) => t + stage.duration, 0)).toBe(8000);
        else expect(load.executor).toBe('constant-arrival-rate');
        const browsers = s.load.browsers;
        expect(browsers.executor === 'constant-vus' && Number.isInteger(browsers.vus) && browsers.vus >= 2 && browsers.vus <= 30).toBe(true);
        if (browsers.executor === 'constant-vus') vusSeen.add(browsers.vus);
        const policy = s.mesh.policies[0];
        expect(policy.timeout).toBeGreaterThanOrEqual(100);
        expect(policy.timeout).toBeLessThanOrEqual(2000);
        expect(policy.retryBudget?.type === 'linkerd' && policy.retryBudget.retryRatio).toBeGreaterThanOrEqual(0.05);
        expect(s.seed).toBe(c.seed);
      }),
      { numRuns: 100 },
    );
    expect(vusSeen.size, 'the VUs vary').toBeGreaterThan(5);
  });

  it('are written to a file that reads back as exactly the scenario that runs, without the fuzz section', () => {
    fc.assert(
      fc.property(caseArbitrary(space), (c) => {
        const ran = scenarioOfCase(space, c);
        const yaml = counterexampleYaml(stringify(SCENARIO), space, changesOfCase(space, c), c.seed, { name: 'fuzzed shop', description: 'what failed', headline: 'found' });
        const read = parseScenario(yaml, 'counterexample.yaml');
        expect(read.fuzz).toBeUndefined();
        expect(read.description).toBe('what failed');
        const { name: _n, description: _d, fuzz: _f, ...rest } = ran;
        const { name: _n2, description: _d2, fuzz: _f2, ...back } = read;
        expect(back).toEqual(rest);
      }),
      { numRuns: 60 },
    );
  });

  it('are deterministic: the same seed draws the same cases', () => {
    const draw = () => fc.sample(caseArbitrary(space), { seed: 42, numRuns: 20 });
    expect(draw()).toEqual(draw());
  });
});
