import { describe, expect, it } from 'vitest';
import { simulate } from './scenario-fixture.js';

const api = { api: { concurrency: 1000, latency: '10ms' } };

describe('load executors (k6 vocabulary)', () => {
  it('constant-arrival-rate with uniform arrivals sends exactly rate × duration', () => {
    const r = simulate({ services: api, load: { l: { executor: 'constant-arrival-rate', rate: '250/s', duration: '8s', target: 'api', arrivals: 'uniform' } } });
    expect(r.load.l.requests).toBe(2000);
    // The series counts requests as they finish (10 ms later), so interior seconds hold 250 each.
    expect(r.entry.timeseries.requests.slice(1, 7)).toEqual(Array(6).fill(250));
    expect(r.entry.timeseries.requests.reduce((a, b) => a + b, 0)).toBe(2000);
  });

  it('constant-arrival-rate with Poisson arrivals sends rate × duration on average', () => {
    const r = simulate({ services: api, load: { l: { executor: 'constant-arrival-rate', rate: '1000/s', duration: '100s', target: 'api' } } });
    // Poisson count with mean 100,000: sd 316; allow 5 sd.
    expect(Math.abs(r.load.l.requests - 100_000)).toBeLessThan(5 * 316.3);
  });

  it('ramping-arrival-rate follows its stages', () => {
    const r = simulate({
      services: api,
      load: {
        l: {
          executor: 'ramping-arrival-rate',
          startRate: '0/s',
          stages: [{ duration: '10s', target: '100/s' }, { duration: '10s', target: '100/s' }],
          target: 'api',
          arrivals: 'uniform',
        },
      },
    });
    // Area: 10 s ramp to 100/s = 500, then 10 s at 100/s = 1000.
    expect(r.load.l.requests).toBeGreaterThanOrEqual(1499);
    expect(r.load.l.requests).toBeLessThanOrEqual(1500);
    expect(r.entry.timeseries.requests[0]).toBeLessThan(r.entry.timeseries.requests[9]);
    expect(r.entry.timeseries.requests[15]).toBe(100);
  });

  it('maxVUs drops arrivals that find that many requests in flight (k6 dropped_iterations)', () => {
    const r = simulate({
      services: { api: { concurrency: 1000, latency: '1s' } },
      load: { l: { executor: 'constant-arrival-rate', rate: '100/s', duration: '10s', target: 'api', arrivals: 'uniform', maxVUs: 50 } },
    });
    // 1 s latency at 100/s would need 100 in flight; 50 are allowed, so about half drop.
    expect(r.load.l.dropped).toBeGreaterThan(450);
    expect(r.load.l.dropped + r.load.l.requests).toBe(1000);
  });

  it('constant-vus is a closed loop: throughput = vus / (latency + think time)', () => {
    const r = simulate({
      services: { api: { concurrency: 1000, latency: '40ms' } },
      load: { users: { executor: 'constant-vus', vus: 10, duration: '10s', thinkTime: '60ms', target: 'api' } },
    });
    // Response-time law: X = N / (R + Z) = 10 / 0.1 s = 100/s → 1,000 requests.
    expect(r.load.users.requests).toBeGreaterThanOrEqual(995);
    expect(r.load.users.requests).toBeLessThanOrEqual(1000);
  });

  it('request classes split the load by weight and are counted apart', () => {
    const r = simulate({
      services: api,
      load: {
        l: {
          executor: 'constant-arrival-rate', rate: '1000/s', duration: '10s', target: 'api', arrivals: 'uniform',
          classes: [{ name: 'free', weight: 3 }, { name: 'gold', weight: 1, headers: { 'x-tier': 'gold' } }],
        },
      },
      thresholds: { 'requests{class:gold}': ['count>2300', 'count<2700'] },
    });
    expect(r.thresholds[0].observed).toBeGreaterThan(2300);
    expect(r.ok).toBe(true);
  });
});
