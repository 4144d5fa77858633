import { describe, expect, it } from 'vitest';
import { EnvoyRetryBudget } from '../../../proxy-core/budgets/envoy-retry-budget.js';
import { buildRouter, stopRouter } from '../../../proxy-core/control-plane/router-builder.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';
import { RecordingHandler, ScriptedUpstream, TestCall } from '../routing/router-fixture.js';

describe('buildRouter: the control plane turns an edge policy into the chain', () => {
  it('a policy without blocks routes with no retries, no budget and no breaker', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => ({ delay: 1, status: 503 }));
    const { router, policies } = buildRouter({ timeoutMs: 15_000 }, { clock, rng: new SeededRng(1), hosts: [{ zone: 0 }, { zone: 0 }], callerZone: 0, upstream: up });
    expect([policies.maxRetries, policies.retryOn, policies.budget, policies.breaker, policies.outlier]).toEqual([0, null, null, null, null]);
    const handler = new RecordingHandler(clock);
    const call = new TestCall(1, 0);
    router.dispatch(call, handler);
    clock.run();
    expect(handler.of(call).events).toEqual(['start 503', 'end 5xx']);
  });

  it('gRPC hedging becomes a hedge on per-try timeout at the hedging delay, at most 5 attempts', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, () => null);
    const { policies } = buildRouter(
      { timeoutMs: 1000, hedging: { maxAttempts: 5, hedgingDelay: 50, nonFatalStatusCodes: 'unavailable' } },
      { clock, rng: new SeededRng(1), hosts: [{ zone: 0 }], callerZone: 0, upstream: up },
    );
    expect([policies.perTryTimeoutMs, policies.maxRetries, policies.hedgeOnPerTryTimeout]).toEqual([50, 4, true]);
  });

  it('outlier ejections mark hosts unhealthy and reach the event sink; stopRouter ends the sweeps', () => {
    const clock = new VirtualClock();
    const up = new ScriptedUpstream(clock, (host) => ({ delay: 1, status: host === 0 ? 503 : 200 }));
    const events: string[] = [];
    const built = buildRouter(
      {
        timeoutMs: 1000,
        retryBudget: { type: 'envoy', percent: 20, minRetryConcurrency: 3 },
        outlierDetection: { consecutive5xxErrors: 2, consecutiveGatewayErrors: 0, interval: 100, baseEjectionTime: 1000, maxEjectionPercent: 50, alwaysEjectOneHost: false },
      },
      { clock, rng: new SeededRng(1), hosts: [{ zone: 0 }, { zone: 0 }], callerZone: 0, upstream: up, events: (kind, host) => events.push(`${kind} ${host}`) },
    );
    expect(built.policies.budget).toBeInstanceOf(EnvoyRetryBudget);
    const handler = new RecordingHandler(clock);
    for (let i = 0; i < 4; i++) built.router.dispatch(new TestCall(i, 0), handler);
    clock.runUntil(50);
    expect(events).toEqual(['host-ejected 0']);
    expect(built.policies.hosts.isHealthy(0)).toBe(false);
    stopRouter(built);
    expect(clock.queue.size).toBe(0);
  });
});
