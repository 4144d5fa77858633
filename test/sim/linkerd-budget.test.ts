/**
 * Linkerd's retry budget in a mesh at 1,000 calls/s where every attempt fails with
 * probability ½ and retries are limited by the budget alone (10 allowed per call).
 * linkerd2-proxy deposits for each response it will not retry and withdraws for each retry,
 * so with retry ratio r the retries R per second satisfy R = r · ½ · (1000 + R) + floor.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from './scenario-fixture.js';

function linkerd(retryRatio: number, minRetriesPerSecond: number) {
  const r = simulate({
    services: { A: { concurrency: 1000, calls: [{ to: 'B' }] }, B: { concurrency: 1000, errorRate: 0.5, latency: '1ms' } },
    mesh: {
      policies: [
        {
          from: 'A',
          to: 'B',
          timeout: '10s',
          retries: { attempts: 10, retryOn: '5xx', backoff: { type: 'constant', base: '1ms' } },
          retryBudget: { type: 'linkerd', retryRatio, minRetriesPerSecond },
        },
      ],
    },
    load: { l: { executor: 'constant-arrival-rate', rate: '1000/s', duration: '60s', target: 'A' } },
    security: { mtls: 'DISABLE' },
  });
  const e = r.edges['A->B'];
  return { amplification: e.amplification, retriesPerSecond: e.retries / 60 };
}

describe("Linkerd's retry budget at 1,000 calls/s with half the attempts failing", () => {
  it('holds the documented bound: amplification ≤ 1 + retryRatio + minRetriesPerSecond / rate', () => {
    expect(linkerd(0.2, 10).amplification).toBeLessThanOrEqual(1 + 0.2 + 10 / 1000);
  });

  it('retry ratio alone: R = 0.2 · ½ · (1000 + R), so 111 retries a second (amplification 1.111)', () => {
    expect(linkerd(0.2, 0).retriesPerSecond).toBeCloseTo(1000 * (0.1 / 0.9), -0.5); // ± 1.6
  });

  it("the floor alone: tower's slots live ttl/2 under steady traffic, so minRetriesPerSecond 10 gives ≈ 16.7/s", () => {
    const { retriesPerSecond } = linkerd(0, 10);
    expect(retriesPerSecond).toBeGreaterThan(15);
    expect(retriesPerSecond).toBeLessThan(18);
  });
});
