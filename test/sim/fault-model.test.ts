import { describe, expect, it } from 'vitest';
import { simulate } from './scenario-fixture.js';

const load = { l: { executor: 'constant-arrival-rate', rate: '100/s', duration: '30s', target: 'api', arrivals: 'uniform' } } as const;
const twoTier = { api: { replicas: 1, concurrency: 1000, calls: [{ to: 'db' }] }, db: { replicas: 2, concurrency: 1000, latency: '5ms' } };

describe('faults', () => {
  it('latency: adds delay ± jitter to calls into the target while active', () => {
    const r = simulate({ services: twoTier, load, faults: [{ kind: 'latency', service: 'db', delay: '100ms', jitter: '20ms', at: '10s', for: '10s' }] });
    const slow = r.edges['api->db'];
    expect(slow.latency_ms.p50).toBeCloseTo(5, 1); // 2/3 of the run unaffected
    expect(slow.latency_ms.max).toBeGreaterThan(100);
    expect(slow.latency_ms.max).toBeLessThanOrEqual(125.1);
    expect(slow.timeseries.p50_ms[15]).toBeGreaterThan(84);
    expect(slow.timeseries.p50_ms[5]).toBeCloseTo(5, 1);
  });

  it('abort: answers the status for the given percentage of calls', () => {
    const r = simulate({ services: twoTier, load, faults: [{ kind: 'abort', edge: 'api->db', status: 503, percent: 50, at: '0s', for: '30s' }] });
    const n = r.edges['api->db'].requests; // 3000; sd of the count = sqrt(3000·0.25) = 27
    expect(Math.abs(r.edges['api->db'].errors['5xx'] - n / 2)).toBeLessThan(5 * 27.4);
    expect(r.entry.errors['5xx']).toBe(r.edges['api->db'].errors['5xx']);
  });

  it('crash: resets work in progress and refuses connections until the fault ends', () => {
    const r = simulate({
      services: { api: { concurrency: 1000, calls: [{ to: 'db' }] }, db: { replicas: 2, concurrency: 1000, latency: '50ms' } },
      load,
      faults: [{ kind: 'crash', service: 'db', instance: 0, at: '10s', for: '10s' }],
    });
    const db = r.edges['api->db'];
    // In-flight at the crash: 5 calls (100/s × 50 ms) on instance 0 → half of them, ~2-3, reset.
    expect(db.errors.reset).toBeGreaterThanOrEqual(2);
    expect(db.errors.reset).toBeLessThanOrEqual(3);
    // Half of 1,000 calls during the crash go to the dead instance.
    expect(db.errors['connect-failure']).toBeGreaterThanOrEqual(495);
    expect(db.errors['connect-failure']).toBeLessThanOrEqual(505);
    expect(db.timeseries.errors[25]).toBe(0); // restarted
  });

  it('partition: messages are lost both ways, the caller waits for its timeout', () => {
    const r = simulate({
      zones: ['a', 'b'],
      services: { api: { zones: ['a'], concurrency: 1000, calls: [{ to: 'db' }] }, db: { zones: ['b'], concurrency: 1000, latency: '5ms' } },
      mesh: { policies: [{ to: 'db', timeout: '250ms' }] },
      load,
      faults: [{ kind: 'partition', zone: 'b', at: '10s', for: '5s' }],
    });
    expect(r.edges['api->db'].errors.timeout).toBe(500);
    expect(r.edges['api->db'].latency_ms.max).toBeCloseTo(250, 1);
    expect(r.entry.ok).toBe(2500);
  });

  it('blackhole: the target never answers; without a timeout the caller is held for the default 15 s', () => {
    const r = simulate({ services: twoTier, load, faults: [{ kind: 'blackhole', service: 'db', at: '10s', for: '1s' }] });
    expect(r.edges['api->db'].errors.timeout).toBe(100);
    expect(r.edges['api->db'].latency_ms.max).toBeCloseTo(15_000, -1);
  });

  it('slowdown: multiplies the service time of work started while active', () => {
    const r = simulate({ services: twoTier, load, faults: [{ kind: 'slowdown', service: 'db', factor: 4, at: '0s', for: '15s' }] });
    expect(r.edges['api->db'].timeseries.p50_ms[5]).toBeCloseTo(20, 0);
    expect(r.edges['api->db'].timeseries.p50_ms[20]).toBeCloseTo(5, 0);
  });
});
