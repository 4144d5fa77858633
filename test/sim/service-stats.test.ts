import { describe, expect, it } from 'vitest';
import { simulate } from './scenario-fixture.js';

describe("a service's load figures", () => {
  // A runs for 20 s; B is called by a load that runs from 10 s to 15 s only: 100/s, evenly
  // spaced, 5 ms of work on one worker, so B is busy half of the time it has work.
  const r = simulate({
    services: { A: { latency: '1ms' }, B: { concurrency: 1, latency: '5ms' } },
    load: {
      all: { executor: 'constant-arrival-rate', rate: '10/s', duration: '20s', target: 'A', arrivals: 'uniform' },
      burst: { executor: 'constant-arrival-rate', rate: '100/s', duration: '5s', startTime: '10s', target: 'B', arrivals: 'uniform' },
    },
  });
  const b = r.services.B;

  it('say over which interval they are measured: first arrival to last departure', () => {
    expect(b.active!.from_ms).toBeGreaterThanOrEqual(10_000);
    expect(b.active!.from_ms).toBeLessThan(10_010);
    expect(b.active!.to_ms).toBeGreaterThan(14_990);
    expect(b.active!.to_ms).toBeLessThanOrEqual(15_005);
    expect(r.engine.simulated_ms).toBeGreaterThan(19_000);
  });

  it('are averaged over that interval, not over the whole run', () => {
    expect(b.utilization).toBeCloseTo(0.5, 2);
    expect(b.mean_in_system).toBeCloseTo(0.5, 2);
    expect(b.throughput_per_s).toBeCloseTo(100, 0);
  });

  it("keep Little's law, L = λW", () => {
    expect(b.mean_in_system).toBeCloseTo((b.throughput_per_s / 1000) * b.mean_sojourn_ms, 4);
  });

  it('are 0 over no interval for a service that got no request', () => {
    const idle = simulate({
      services: { A: {}, idle: {} },
      load: { l: { executor: 'constant-arrival-rate', rate: '10/s', duration: '2s', target: 'A' } },
    }).services.idle;
    expect(idle).toMatchObject({ active: null, utilization: 0, mean_in_system: 0, throughput_per_s: 0 });
  });
});
