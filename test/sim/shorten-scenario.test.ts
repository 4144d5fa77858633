import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { plannedEndMs } from '../../sim/planned-end.js';
import { shortenScenario } from '../../sim/shorten-scenario.js';

const SCENARIO = parseScenario(
  `version: 1
name: s
services:
  api: { latency: 1ms }
load:
  steady: { executor: constant-arrival-rate, rate: 10/s, duration: 5m, target: api }
  ramp: { executor: ramping-arrival-rate, startRate: 0/s, stages: [ { duration: 20s, target: 100/s }, { duration: 1m, target: 100/s } ], target: api }
  late: { executor: constant-vus, vus: 2, duration: 1m, startTime: 2m, target: api }
faults:
  - { kind: crash, service: api, at: 4m, for: 10s }
`,
  's.yaml',
);

describe('--duration', () => {
  it('cuts every load at the duration, a ramp part of the way up, and leaves out a load that starts after it', () => {
    const short = shortenScenario(SCENARIO, 10_000);
    expect(plannedEndMs(short)).toBe(10_000);
    expect(Object.keys(short.load)).toEqual(['steady', 'ramp']);
    expect(short.load.steady).toMatchObject({ duration: 10_000 });
    expect(short.load.ramp).toMatchObject({ stages: [{ duration: 10_000, target: 0.05 }] }); // half of 100/s, per ms
    expect(short.faults).toEqual(SCENARIO.faults); // reported as skipped, not dropped
  });

  it('changes nothing when the scenario is shorter', () => {
    expect(shortenScenario(SCENARIO, 3_600_000).load).toEqual(SCENARIO.load);
  });
});
