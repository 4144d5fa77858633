/**
 * The simulator's bookkeeping under every policy and fault at once, checked per call: every
 * call dispatched settles exactly once (a ledger follows each one), nothing is in flight
 * once the run has drained, and every router has given back each host, pool slot, retry
 * admission, bulkhead slot, budget entry and injected fault it took.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvoyRetryBudget } from '../../proxy-core/budgets/envoy-retry-budget.js';
import type { RunReport } from '../../reports/report.js';
import { runSimulation } from '../../sim/run-simulation.js';
import type { SimCall } from '../../sim/sim-call.js';
import type { CallLedger, World } from '../../sim/world.js';
import { scenario } from './scenario-fixture.js';

/** Follows each call from dispatch to its one settlement. */
class Ledger implements CallLedger {
  readonly open = new Set<SimCall>();
  readonly settledTwice: number[] = [];
  dispatchedCount = 0;
  dispatched(call: SimCall): void {
    this.open.add(call);
    this.dispatchedCount++;
  }
  settled(call: SimCall): void {
    if (!this.open.delete(call)) this.settledTwice.push(call.id);
  }
}

const duration = (min: number, max: number) => fc.integer({ min, max }).map((ms) => `${ms}ms`);
const target = fc.constantFrom('B', 'C');

const fault = fc.oneof(
  fc.record({ kind: fc.constant('abort' as const), service: target, status: fc.constantFrom(500, 503), percent: fc.integer({ min: 10, max: 100 }) }),
  fc.record({ kind: fc.constant('crash' as const), service: target, instance: fc.integer({ min: 0, max: 0 }) }),
  fc.record({ kind: fc.constant('blackhole' as const), service: target }),
  fc.record({ kind: fc.constant('partition' as const), service: target }),
  fc.record({ kind: fc.constant('latency' as const), service: target, delay: fc.constantFrom('50ms', '2s'), jitter: fc.constantFrom('0ms', '20ms') }),
  fc.record({ kind: fc.constant('slowdown' as const), service: target, factor: fc.constantFrom(5, 50) }),
  fc.record({ kind: fc.constant('ca-outage' as const) }),
);
/** A fault somewhere in the run, for some length. */
const timedFault = fc.record({ fault, at: duration(0, 3500), for: duration(100, 3000) }).map(({ fault: f, at, for: length }) => ({ ...f, at, for: length }));

const retries = fc.record({
  attempts: fc.integer({ min: 0, max: 3 }),
  perTryTimeout: fc.constantFrom('100ms', '1s'),
  retryOn: fc.constantFrom('5xx', 'gateway-error,reset', 'connect-failure', '5xx,reset,503'),
  hedgeOnPerTryTimeout: fc.boolean(),
  retryAfter: fc.boolean(),
});

/** Every block of a mesh policy, each present or not. */
const meshPolicy = fc.record(
  {
    timeout: fc.constantFrom('300ms', '2s'),
    retries,
    retryBudget: fc.constantFrom({ type: 'envoy' as const }, { type: 'linkerd' as const }, { type: 'grpc' as const, maxTokens: 10, tokenRatio: 0.1 }, { type: 'adaptive' as const }),
    connectionPool: fc.record({ maxRequests: fc.integer({ min: 1, max: 20 }), maxConnections: fc.integer({ min: 1, max: 20 }), maxPendingRequests: fc.integer({ min: 0, max: 5 }), maxRetries: fc.integer({ min: 0, max: 3 }) }),
    outlierDetection: fc.constant({ consecutive5xxErrors: 3, maxEjectionPercent: 50, interval: '1s', baseEjectionTime: '2s' }),
    failureAccrual: fc.constant({ consecutiveFailures: 3, minPenalty: '500ms' }),
    circuitBreaker: fc.constant({ slidingWindowSize: 20, minimumNumberOfCalls: 10, waitDurationInOpenState: '1s', permittedNumberOfCallsInHalfOpenState: 2 }),
    bulkhead: fc.record({ maxConcurrentCalls: fc.integer({ min: 1, max: 8 }) }),
    loadBalancer: fc.record({ simple: fc.constantFrom('ROUND_ROBIN' as const, 'RANDOM' as const, 'LEAST_REQUEST' as const, 'PEAK_EWMA' as const) }),
    fault: fc.record({ delay: fc.record({ fixedDelay: duration(1, 300), percentage: fc.integer({ min: 0, max: 50 }) }), abort: fc.record({ httpStatus: fc.constantFrom(500, 503), percentage: fc.integer({ min: 0, max: 20 }) }) }),
  },
  { requiredKeys: ['timeout'] },
);

const setup = fc.record({
  faults: fc.array(timedFault, { maxLength: 3 }),
  policy: meshPolicy,
  replicasB: fc.integer({ min: 1, max: 40 }),
  replicasC: fc.integer({ min: 1, max: 40 }),
  propagate: fc.boolean(),
  retryAfter: fc.option(duration(0, 500), { nil: undefined }),
  seed: fc.integer({ min: 1, max: 1000 }),
});

/** One generated mesh. */
type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

/** Runs the generated mesh with a ledger; returns what the checks need. */
function run(s: Setup) {
  const ledger = new Ledger();
  let world: World | null = null;
  const report = runSimulation(
    scenario({
      services: {
        A: { replicas: 2, concurrency: 8, queue: 8, calls: [{ to: 'B' }, { to: 'C', optional: true }], deadlinePropagation: s.propagate },
        B: { replicas: s.replicasB, concurrency: 4, queue: 4, latency: { type: 'exponential', mean: '20ms' }, deadlinePropagation: s.propagate, ...(s.retryAfter ? { retryAfter: s.retryAfter } : {}) },
        C: { replicas: s.replicasC, concurrency: 4, queue: 4, latency: '5ms', ...(s.retryAfter ? { retryAfter: s.retryAfter } : {}) },
      },
      mesh: { policies: [{ from: '*', to: '*', ...s.policy }] },
      load: { l: { executor: 'constant-arrival-rate', rate: '100/s', duration: '4s', target: 'A', arrivals: 'uniform', gracefulStop: '60s' } },
      faults: s.faults,
      security: { certificates: { ttl: '2s' } },
    }),
    { file: '<test>', sha256: '' },
    { seed: s.seed, ledger, afterRun: (w) => (world = w) },
  );
  return { ledger, world: world! as World, report };
}

/** What each router still holds: it must be nothing once every call has settled. */
function held(world: World): string[] {
  const out: string[] = [];
  for (const edge of world.edges.values()) {
    edge.routers.forEach((router, caller) => {
      const p = router.policies;
      const where = `${edge.name}[${caller}]`;
      if (p.limits.active || p.limits.pending || p.limits.activeRetries) out.push(`${where} pool ${p.limits.active}/${p.limits.pending}/${p.limits.activeRetries}`);
      if (p.bulkhead?.active) out.push(`${where} bulkhead ${p.bulkhead.active}`);
      if (p.budget instanceof EnvoyRetryBudget && (p.budget.activeCalls || p.budget.activeRetries)) out.push(`${where} budget ${p.budget.activeCalls}/${p.budget.activeRetries}`);
      if (p.fault?.activeFaults) out.push(`${where} faults ${p.fault.activeFaults}`);
      for (let h = 0; h < p.hosts.size; h++) if (p.hosts.active(h)) out.push(`${where} host ${h} ${p.hosts.active(h)}`);
    });
  }
  return out;
}

const failures = (r: RunReport['entry']) => Object.values(r.errors).reduce((a, b) => a + b, 0);

describe('the call ledger', () => {
  it('every call settles exactly once and every router gives back all it held, whatever the policies and faults', () => {
    fc.assert(
      fc.property(setup, (s) => {
        const { ledger, world, report } = run(s);
        expect(ledger.settledTwice, 'settled twice').toEqual([]);
        expect([...ledger.open].map((c) => `${c.edge.name}#${c.id}`), 'never settled').toEqual([]);
        expect(world.inFlight).toBe(0);
        expect(held(world)).toEqual([]);
        // The report counts what the ledger saw: one outcome per call, at every edge.
        const edgeRequests = Object.values(report.edges).reduce((n, e) => n + e.requests, 0);
        expect(edgeRequests).toBe(ledger.dispatchedCount);
        for (const e of Object.values(report.edges)) expect(e.ok + failures(e)).toBe(e.requests);
      }),
      { numRuns: 300 },
    );
  });
});
