import { describe, expect, it } from 'vitest';
import { simulate } from './scenario-fixture.js';

const steady = (rate: string, duration = '10s') =>
  ({ executor: 'constant-arrival-rate', rate, duration, target: 'api', arrivals: 'uniform' }) as const;

describe('service model', () => {
  it('answers 503 (overflow) once workers and queue are full', () => {
    // 1 worker, queue 2, 100 ms per request, arrivals every 10 ms: of every 10 arrivals in
    // a 100 ms service time, 1 is served and ≤ 2 wait; the rest overflow.
    const r = simulate({
      services: { api: { concurrency: 1, queue: 2, latency: '100ms' } },
      load: { l: steady('100/s', '10s') },
    });
    expect(r.entry.requests).toBe(1000);
    expect(r.services.api.ok).toBeGreaterThanOrEqual(100);
    expect(r.services.api.ok).toBeLessThanOrEqual(103);
    expect(r.services.api.errors.overflow).toBe(r.entry.requests - r.services.api.ok);
    expect(r.services.api.utilization).toBeGreaterThan(0.99);
  });

  it('holds the worker while a call waits: a slow dependency limits the caller to workers / latency', () => {
    // api has 4 workers and does no work of its own; db takes 200 ms with plenty of workers.
    // api can finish at most 4 / 0.2 s = 20 req/s; offered 50 req/s, so most overflow.
    const r = simulate({
      services: {
        api: { concurrency: 4, queue: 0, calls: [{ to: 'db' }] },
        db: { concurrency: 100, latency: '200ms' },
      },
      load: { l: steady('50/s', '20s') },
    });
    const okPerSecond = r.entry.ok / 20;
    expect(okPerSecond).toBeGreaterThan(19);
    expect(okPerSecond).toBeLessThanOrEqual(20.5);
    expect(r.services.api.utilization).toBeGreaterThan(0.95);
    expect(r.services.db.utilization).toBeLessThan(0.05);
  });

  it('runs sequential calls one after another and parallel calls at once', () => {
    const r = simulate({
      security: { mtls: 'DISABLE' }, // exact latencies: no mTLS handshakes
      services: {
        api: { calls: [{ to: 'a' }, { parallel: [{ to: 'b' }, { to: 'c' }] }] },
        a: { latency: '10ms' },
        b: { latency: '20ms' },
        c: { latency: '30ms' },
      },
      load: { l: steady('10/s', '1s') },
    });
    expect(r.entry.latency_ms.max).toBeCloseTo(40, 1); // 10 + max(20, 30)
    expect(r.entry.latency_ms.p50).toBeCloseTo(40, 1);
    expect(r.edges['api->b'].requests).toBe(10);
  });

  it('fails a request with 500 when a required call fails, not when an optional one does', () => {
    const r = simulate({
      services: {
        api: { calls: [{ parallel: [{ to: 'flaky', optional: true }, { to: 'solid' }] }] },
        flaky: { errorRate: 1 },
        solid: {},
      },
      load: { l: steady('100/s', '1s') },
    });
    expect(r.edges['api->flaky'].errors['5xx']).toBe(100);
    expect(r.entry.ok).toBe(100);

    const failing = simulate({
      services: { api: { calls: [{ to: 'flaky' }, { to: 'never' }] }, flaky: { errorRate: 1 }, never: {} },
      load: { l: steady('100/s', '1s') },
    });
    expect(failing.entry.errors['5xx']).toBe(100);
    expect(failing.edges['api->never'].requests).toBe(0); // a sequence stops at the failed call
  });

  it('draws its own errors at the configured rate', () => {
    const r = simulate({ services: { api: { errorRate: 0.1 } }, load: { l: steady('1000/s', '20s') } });
    // 20,000 Bernoulli(0.1) draws: sd = sqrt(n p (1-p)) = 42; allow 5 sd.
    expect(Math.abs(r.entry.errors['5xx'] - 2000)).toBeLessThan(5 * 42.5);
  });

  it('spreads replicas over zones and charges the network latency both ways', () => {
    const r = simulate({
      zones: ['a', 'b'],
      network: { sameZone: '1ms', crossZone: '10ms' },
      services: { api: { zones: ['a'], calls: [{ to: 'db' }] }, db: { replicas: 2, zones: ['a', 'b'] } },
      load: { l: steady('100/s', '1s') },
      security: { mtls: 'DISABLE' }, // exact latencies: no mTLS handshakes
    });
    // Round robin: half the calls stay in zone a (2 ms round trip), half cross (20 ms).
    expect(r.edges['api->db'].latency_ms.p50).toBeCloseTo(2, 1);
    expect(r.edges['api->db'].latency_ms.max).toBeCloseTo(20, 1);
  });

  it('charges a new mTLS connection one extra round trip and the handshake CPU, once per pair of instances', () => {
    const r = simulate({
      network: { sameZone: '5ms' },
      services: { api: { calls: [{ to: 'db' }] }, db: {} },
      load: { l: steady('10/s', '1s') },
    });
    // Auto mTLS (PERMISSIVE): the first call opens the connection: 10 ms round trip + 10 ms handshake + 2.5 ms CPU (measured live).
    expect(r.edges['api->db'].latency_ms.max).toBeCloseTo(22.5, 1);
    expect(r.edges['api->db'].latency_ms.p50).toBeCloseTo(10, 1);
  });
});
