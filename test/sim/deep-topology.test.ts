import { describe, expect, it } from 'vitest';
import { MAX_NESTED_STEPS } from '../../sim/world.js';
import { simulate } from './scenario-fixture.js';

/** A chain s0 → s1 → … of `depth` services with no network and no own work: every hop is instantaneous. */
function chain(depth: number) {
  const services: Record<string, { calls?: { to: string }[] }> = {};
  for (let i = 0; i < depth; i++) services[`s${i}`] = i + 1 < depth ? { calls: [{ to: `s${i + 1}` }] } : {};
  return simulate({ services, load: { l: { executor: 'constant-arrival-rate', rate: '10/s', duration: '1s', target: 's0', arrivals: 'uniform' } }, security: { mtls: 'DISABLE' } });
}

describe('a call chain as deep as the topology allows', () => {
  it('runs without growing the stack with its depth (3,000 services, every hop instantaneous)', () => {
    const r = chain(3000);
    expect(r.entry.requests).toBe(10);
    expect(r.entry.ok).toBe(10);
    expect(r.services.s2999.requests).toBe(10);
  });

  it('gives a shallow chain the same report as before: zero-delay hops nest until the limit', () => {
    expect(MAX_NESTED_STEPS).toBeGreaterThanOrEqual(32);
    expect(chain(5).entry.latency_ms.max).toBe(0);
  });
});
