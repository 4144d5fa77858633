import { describe, expect, it } from 'vitest';
import { simulate } from './scenario-fixture.js';

const steady = (target: string, rate = '200/s', duration = '20s') =>
  ({ executor: 'constant-arrival-rate', rate, duration, target, arrivals: 'uniform' }) as const;


describe('mesh policies in the simulator', () => {
  it('retries failed attempts, counts them, and reports the amplification', () => {
    const r = simulate({
      services: { A: { calls: [{ to: 'B' }] }, B: { replicas: 2, errorRate: 0.2 } },
      mesh: { policies: [{ from: 'A', to: 'B', retries: { attempts: 2, retryOn: '5xx' } }] },
      load: { l: steady('A') },
    });
    const e = r.edges['A->B'];
    // Each attempt fails with p = 0.2; expected attempts per call 1 + 0.2 + 0.04 = 1.24.
    expect(e.amplification).toBeGreaterThan(1.2);
    expect(e.amplification).toBeLessThan(1.28);
    expect(e.retries).toBe(e.attempts - e.requests);
    expect(e.errors['5xx'] / e.requests).toBeLessThan(0.015); // 0.2³ = 0.008
    expect(e.timeseries.attempts.reduce((a, b) => a + b, 0)).toBe(e.attempts);
  });

  it('caps retries with a budget: the refused ones fail budget-exhausted', () => {
    const scenario = (retryBudget?: { type: 'grpc'; maxTokens: number; tokenRatio: number }) =>
      simulate({
        services: { A: { calls: [{ to: 'B' }] }, B: { errorRate: 1 } },
        mesh: {
          policies: [{ from: 'A', to: 'B', retries: { attempts: 3, retryOn: '5xx' }, connectionPool: { maxRetries: 1_000_000 }, ...(retryBudget ? { retryBudget } : {}) }],
        },
        load: { l: steady('A', '100/s', '20s') },
      });
    const unbudgeted = scenario();
    expect(unbudgeted.edges['A->B'].amplification).toBe(4);
    const budgeted = scenario({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 });
    // gRPC throttling: every attempt fails, the tokens fall to half and no retry passes after that.
    expect(budgeted.edges['A->B'].amplification).toBeLessThan(1.01);
    expect(budgeted.edges['A->B'].errors['budget-exhausted']).toBeGreaterThan(1900);
    expect(budgeted.edges['A->B'].policy.retries_denied).toBeGreaterThan(1900);
  });

  it('ejects a failing instance by outlier detection and puts the ejection on the timeline', () => {
    const r = simulate({
      services: { A: { calls: [{ to: 'B' }] }, B: { replicas: 4 } },
      mesh: { policies: [{ from: 'A', to: 'B', outlierDetection: { consecutive5xxErrors: 5, maxEjectionPercent: 50 }, retries: { attempts: 2, retryOn: '5xx' } }] },
      load: { l: steady('A') },
      faults: [{ kind: 'abort', service: 'B', instance: 1, status: 503, at: '5s', for: '10s' }],
    });
    const ejected = r.events.filter((e) => e.kind === 'host-ejected');
    expect(ejected).toHaveLength(1);
    expect(ejected[0]).toMatchObject({ edge: 'A->B', instance: 1 });
    expect(ejected[0].at_ms).toBeGreaterThanOrEqual(5000);
    expect(ejected[0].at_ms).toBeLessThan(5100); // five 503s at 200/s over 4 hosts
    expect(r.edges['A->B'].policy.ejections).toBe(1);
    expect(r.entry.ok).toBe(r.entry.requests); // the retry went elsewhere
  });

  it('fails over to another zone when the local instances are ejected (locality priorities)', () => {
    const r = simulate({
      zones: ['a', 'b'],
      network: { sameZone: '1ms', crossZone: '20ms' },
      services: { A: { zones: ['a'], calls: [{ to: 'B' }] }, B: { replicas: 4, zones: ['a', 'b'] } },
      mesh: {
        policies: [
          {
            from: 'A',
            to: 'B',
            loadBalancer: { localityLbSetting: { enabled: true } },
            outlierDetection: { consecutive5xxErrors: 3, maxEjectionPercent: 100, baseEjectionTime: '60s' },
            retries: { attempts: 2, retryOn: '5xx' },
          },
        ],
      },
      load: { l: steady('A', '100/s', '20s') },
      faults: [
        { kind: 'abort', service: 'B', instance: 0, status: 503, at: '10s', for: '10s' },
        { kind: 'abort', service: 'B', instance: 2, status: 503, at: '10s', for: '10s' },
      ],
      security: { mtls: 'DISABLE' },
    });
    const e = r.edges['A->B'];
    const p50 = e.timeseries.p50_ms;
    expect(p50[5]).toBeCloseTo(2, 0); // before: the local zone, a 2 ms round trip
    expect(p50[15]).toBeCloseTo(40, 0); // after: the other zone, a 40 ms round trip
    expect(r.entry.ok / r.entry.requests).toBeGreaterThan(0.995);
  });

  it('denies calls from a principal an ALLOW policy does not name, and counts them authz-denied', () => {
    const r = simulate({
      services: { front: { calls: [{ to: 'B' }, { to: 'D' }] }, B: { calls: [{ to: 'A' }] }, D: { calls: [{ to: 'A', optional: true }] }, A: {} },
      security: {
        authorization: [{ service: 'A', action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/B'] } }] }] }],
      },
      load: { l: steady('front', '50/s', '10s') },
    });
    expect(r.edges['B->A'].ok).toBe(r.edges['B->A'].requests);
    expect(r.edges['D->A'].errors['authz-denied']).toBe(r.edges['D->A'].requests);
    expect(r.edges['D->A'].requests).toBe(500);
  });

  it('rate-limits an edge per value of a header, with an override for one value', () => {
    const r = simulate({
      services: { A: { calls: [{ to: 'B' }] }, B: {} },
      mesh: {
        policies: [{ from: 'A', to: 'B', rateLimit: { requestsPerUnit: 10, unit: 'minute', key: 'x-tier', overrides: [{ value: 'platinum', requestsPerUnit: 100, unit: 'minute' }] } }],
      },
      load: {
        l: {
          ...steady('A', '4/s', '30s'),
          classes: [
            { name: 'standard', headers: { 'x-tier': 'standard' } },
            { name: 'platinum', headers: { 'x-tier': 'platinum' } },
          ],
        },
      },
    });
    const e = r.edges['A->B'];
    expect(e.errors['rate-limited']).toBe(e.requests - e.ok);
    // ≈ 60 standard requests in 30 s against a bucket of 10; ≈ 60 platinum against 100.
    expect(e.ok).toBeGreaterThanOrEqual(65);
    expect(e.ok).toBeLessThanOrEqual(75);
  });

  it("scopes a rate limit to the edge (shared by the callee's instances) or to each instance (Envoy's local limit)", () => {
    const run = (scope: 'edge' | 'instance') =>
      simulate({
        services: { A: { calls: [{ to: 'B' }] }, B: { replicas: 3 } },
        mesh: { policies: [{ from: 'A', to: 'B', rateLimit: { requestsPerUnit: 10, unit: 'minute', scope } }] },
        load: { l: steady('A', '10/s', '30s') },
      });
    expect(run('edge').edges['A->B'].ok).toBe(10);
    expect(run('instance').edges['A->B'].ok).toBe(30); // round robin over 3 instances, 10 each
  });

  it('with deadline propagation, a callee stops work whose caller gave up', () => {
    const run = (deadlinePropagation: boolean) =>
      simulate({
        services: { A: { concurrency: 100, calls: [{ to: 'B' }] }, B: { concurrency: 100, latency: '1s', deadlinePropagation } },
        mesh: { policies: [{ from: 'A', to: 'B', timeout: '100ms' }] },
        load: { l: steady('A', '50/s', '10s') },
      });
    const without = run(false);
    const withDeadlines = run(true);
    expect(without.edges['A->B'].errors.timeout).toBe(500);
    expect(withDeadlines.edges['A->B'].errors.timeout).toBe(500);
    // 50/s × 1 s of work on 100 workers is 50% busy; abandoned at 100 ms it is about 5%.
    expect(without.services.B.utilization).toBeGreaterThan(0.45);
    expect(withDeadlines.services.B.utilization).toBeLessThan(0.07);
  });

  it("a service's Retry-After makes its callers wait that long instead of their backoff", () => {
    const run = (retryAfter?: string) =>
      simulate({
        services: { A: { calls: [{ to: 'B' }] }, B: { errorRate: 0.1, latency: '1ms', ...(retryAfter ? { retryAfter } : {}) } },
        mesh: { policies: [{ from: 'A', to: 'B', timeout: '5s', retries: { attempts: 1, retryOn: '5xx', backoff: { type: 'constant', base: '10ms' } } }] },
        load: { l: steady('A', '50/s', '20s') },
        security: { mtls: 'DISABLE' },
      });
    // A tenth of the calls are retried once: the slowest percent waited the backoff, or the Retry-After.
    expect(run().edges['A->B'].latency_ms.p99).toBeLessThan(20);
    const honoured = run('400ms').edges['A->B'].latency_ms.p99;
    expect(honoured).toBeGreaterThanOrEqual(400);
    expect(honoured).toBeLessThan(420);
  });

  it('fails mTLS handshakes with an expired certificate during a CA outage, and recovers when the CA is back', () => {
    const r = simulate({
      services: { A: { calls: [{ to: 'B' }] }, B: {} },
      security: { certificates: { ttl: '10m', graceRatio: 0.5 } },
      load: { l: steady('A', '10/s', '30m') },
      faults: [{ kind: 'ca-outage', at: '4m', for: '10m' }],
      report: { resolution: '1m' },
    });
    // Issued at 0, due for rotation at 5m (CA down), expired after 10m; the CA is back at 14m.
    const errors = r.edges['A->B'].timeseries.errors;
    expect(errors.slice(0, 10).every((n) => n === 0)).toBe(true);
    expect(errors[10]).toBe(599); // the request at exactly 10m still passes: notAfter is inclusive (X.509)
    expect(errors.slice(11, 14).every((n) => n === 600)).toBe(true);
    expect(errors.slice(15).every((n) => n === 0)).toBe(true);
    expect(r.edges['A->B'].errors.tls).toBe(r.edges['A->B'].requests - r.edges['A->B'].ok);
    // The cause stays `tls`; which check failed is kept as its detail code.
    expect(r.edges['A->B'].error_details).toEqual({ FL_TLS_CERT_EXPIRED: r.edges['A->B'].errors.tls });
    expect(r.recovery[0]).toMatchObject({ kind: 'ca-outage', recovered: true });
    // On the timeline: both certificates expire at 10m (first seen by the next call), are rotated once
    // the CA is back at 14m, then every 5m (half of the 10m lifetime).
    const certificates = r.events.filter((e) => e.kind.startsWith('certificate-')).map((e) => [e.kind, e.service, Math.round(e.at_ms / 1000)]);
    expect(certificates).toEqual([
      ['certificate-expired', 'A', 600],
      ['certificate-expired', 'B', 600],
      ...[840, 1140, 1440, 1740].flatMap((at) => [
        ['certificate-rotated', 'A', at],
        ['certificate-rotated', 'B', at],
      ]),
    ]);
  });

  it('hedges as gRPC does: a slow attempt is overtaken by a hedge sent after the hedging delay', () => {
    const run = (hedging?: { maxAttempts: number; hedgingDelay: string }) =>
      simulate({
        services: { A: { concurrency: 64, calls: [{ to: 'B' }] }, B: { replicas: 2, concurrency: 64, latency: '10ms' } },
        mesh: { policies: [{ from: 'A', to: 'B', ...(hedging ? { hedging } : {}) }] },
        load: { l: steady('A', '100/s', '10s') },
        faults: [{ kind: 'slowdown', service: 'B', instance: 1, factor: 50, at: '0s', for: '10s' }],
        security: { mtls: 'DISABLE' },
      });
    const plain = run();
    const hedged = run({ maxAttempts: 2, hedgingDelay: '50ms' });
    expect(plain.edges['A->B'].latency_ms.p99).toBeCloseTo(500, 0); // round robin: every other call hits the slow one
    expect(hedged.edges['A->B'].latency_ms.p99).toBeCloseTo(60, 0); // 50 ms delay, then 10 ms on the fast one
    const e = hedged.edges['A->B'];
    expect(e.policy.hedges).toBe(e.retries); // every extra attempt is a hedge: the slow ones still finish
    expect(e.policy.hedges).toBeGreaterThan(400); // about every call that first went to the slow instance
    expect(hedged.entry.ok).toBe(1000);
  });

  it('splits calls over services by weight (a canary)', () => {
    const r = simulate({
      services: { A: { calls: [{ to: 'B' }] }, B: {}, 'B-canary': {} },
      mesh: { policies: [{ from: 'A', to: 'B', split: [{ service: 'B', weight: 90 }, { service: 'B-canary', weight: 10 }] }] },
      load: { l: steady('A', '500/s', '20s') },
    });
    const canary = r.edges['A->B-canary'].requests;
    // 10,000 draws at 10%: sd 30; allow 5 sd.
    expect(Math.abs(canary - 1000)).toBeLessThan(150);
    expect(canary + r.edges['A->B'].requests).toBe(10_000);
  });

  it('splits the load entering the mesh too', () => {
    const r = simulate({
      services: { A: {}, 'A-canary': {} },
      mesh: { policies: [{ from: 'l', to: 'A', split: [{ service: 'A', weight: 3 }, { service: 'A-canary', weight: 1 }] }] },
      load: { l: steady('A', '500/s', '20s') },
    });
    // 10,000 draws at 25%: sd 43; allow 5 sd.
    expect(Math.abs(r.edges['l->A-canary'].requests - 2500)).toBeLessThan(220);
    expect(r.edges['l->A-canary'].requests + r.edges['l->A'].requests).toBe(10_000);
  });
});
