import { describe, expect, it } from 'vitest';
import { simulate } from './scenario-fixture.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("the entry's attempts", () => {
  it("are the attempts on the loads' edges into the mesh, retries included, over the run and per interval", () => {
    const r = simulate({
      services: { A: { errorRate: 0.2, latency: '1ms' } },
      mesh: { policies: [{ to: 'A', retries: { attempts: 2, retryOn: '5xx' } }] },
      load: {
        steady: { executor: 'constant-arrival-rate', rate: '100/s', duration: '10s', target: 'A' },
        users: { executor: 'constant-vus', vus: 2, duration: '10s', target: 'A', thinkTime: '50ms' },
      },
    });
    const [steady, users] = [r.edges['steady->A'], r.edges['users->A']];
    expect(r.entry.requests).toBe(steady.requests + users.requests);
    expect(r.entry.attempts).toBe(steady.attempts + users.attempts);
    expect(r.entry.attempts).toBeGreaterThan(r.entry.requests * 1.2); // 1 + 0.2 + 0.04 per request
    expect(r.entry.retries).toBe(r.entry.attempts - r.entry.requests);
    expect(r.entry.amplification).toBeCloseTo(r.entry.attempts / r.entry.requests, 3);
    expect(r.entry.timeseries.attempts).toEqual(steady.timeseries.attempts.map((n, i) => n + users.timeseries.attempts[i]));
    expect(sum(r.entry.timeseries.attempts)).toBe(r.entry.attempts);
  });

  it('equal the requests when nothing is retried', () => {
    const r = simulate({ services: { A: {} }, load: { l: { executor: 'constant-arrival-rate', rate: '50/s', duration: '4s', target: 'A' } } });
    expect(r.entry.attempts).toBe(r.entry.requests);
    expect(r.entry.retries).toBe(0);
    expect(r.entry.amplification).toBe(1);
  });
});
