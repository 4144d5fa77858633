/**
 * The mesh on real sockets, policy by policy: each test starts a small scenario's servers on
 * 127.0.0.1, sends calls into it through the entry sidecar in real time, and reads the same
 * counters the report reads. Bounds are wide (a busy 2-core machine); precise figures belong
 * in bench/.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import { simulatedKeySet } from '../../proxy-core/identity/simulated-jws.js';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import type { LiveCall } from '../../sim/live/live-call.js';
import { LiveMesh } from '../../sim/live/live-mesh.js';

const meshes: LiveMesh[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((m) => m.stop()));
});

/** A running mesh for `yaml` (a scenario without its `load` block: the test is the load). */
async function meshOf(yaml: string): Promise<LiveMesh> {
  const scenario = parseScenario(`version: 1\nname: t\n${yaml}\nload:\n  test: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: api }\n`, 'test.yaml');
  const mesh = new LiveMesh(scenario, { seed: 7, keysOf: () => simulatedKeySet([]) });
  meshes.push(mesh);
  await mesh.start();
  mesh.begin();
  return mesh;
}

/** Sends `n` calls from the load into `target`, `gapMs` apart, and resolves with their outcomes once all have one. */
async function drive(mesh: LiveMesh, n: number, gapMs: number, request: { path?: string; headers?: Record<string, string> } = {}): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  let done = 0;
  const origin = { onCallDone: (_call: LiveCall, outcome: Outcome) => ((outcomes[outcome] = (outcomes[outcome] ?? 0) + 1), done++) };
  const edge = mesh.edge('test', 'api');
  for (let i = 0; i < n; i++) {
    mesh.enter(edge, 'GET', request.path ?? '/', request.headers ?? {}, -1, mesh.clock.now(), origin);
    if (gapMs > 0) await sleep(gapMs);
  }
  for (let i = 0; i < 3000 && done < n; i++) await sleep(10);
  expect(done).toBe(n);
  return outcomes;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live mesh on loopback (HTTP/1.1)', () => {
  it('a call crosses two sidecars and a downstream call, and the edges count it', async () => {
    const mesh = await meshOf(`services:\n  api: { replicas: 2, latency: 2ms, calls: [ { to: db } ] }\n  db: { replicas: 2, latency: 1ms }`);
    expect(await drive(mesh, 40, 2)).toEqual({ ok: 40 });
    expect(mesh.edges.get('api->db')!.metrics.ok).toBe(40);
    expect(mesh.services.get('db')!.instances.reduce((n, i) => n + i.completed, 0)).toBe(40);
  });

  it('retries a 5xx on another host: success rises above the error rate, and attempts exceed requests', async () => {
    const mesh = await meshOf(`services:\n  api: { replicas: 3, latency: 1ms, errorRate: 0.4 }\nmesh:\n  policies:\n    - to: api\n      timeout: 5s\n      retries: { attempts: 3, retryOn: 5xx }`);
    const outcomes = await drive(mesh, 60, 10); // 10 ms apart: Envoy's default of 3 retries at once (max_retries) is not the limit here
    const edge = mesh.edges.get('test->api')!.metrics;
    expect(outcomes.ok).toBeGreaterThanOrEqual(48); // 1 − 0.4⁴ ≈ 97% with retries; 60% (36) without
    expect(edge.attempts).toBeGreaterThan(edge.requests);
  });

  it('a retry budget denies retries beyond its share', async () => {
    const mesh = await meshOf(
      `services:\n  api: { replicas: 2, latency: 1ms, errorRate: 0.9 }\nmesh:\n  policies:\n    - to: api\n      timeout: 5s\n      retries: { attempts: 3, retryOn: 5xx }\n      retryBudget: { type: envoy, percent: 10, minRetryConcurrency: 1 }`,
    );
    await drive(mesh, 60, 0);
    const stats = mesh.edges.get('test->api')!.toStats(mesh.clock.now());
    expect(stats.policy.retries_denied).toBeGreaterThan(0);
  });

  it('outlier detection ejects a host whose answers are all 503', async () => {
    const mesh = await meshOf(
      `services:\n  api: { replicas: 3, latency: 1ms }\nmesh:\n  policies:\n    - to: api\n      timeout: 5s\n      outlierDetection: { consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 50 }\nfaults:\n  - { kind: abort, service: api, instance: 0, status: 503, at: 0s, for: 1h }`,
    );
    await drive(mesh, 60, 2);
    expect(mesh.edges.get('test->api')!.toStats(mesh.clock.now()).policy.ejections).toBeGreaterThanOrEqual(1);
    expect(mesh.timeline.events.some((e) => e.kind === 'host-ejected')).toBe(true);
  });

  it("the callee's sidecar answers 429 beyond its rate limit, and the caller counts it as rate-limited", async () => {
    const mesh = await meshOf(`services:\n  api: { latency: 1ms }\nmesh:\n  policies:\n    - to: api\n      rateLimit: { requestsPerUnit: 5, unit: minute }`);
    const outcomes = await drive(mesh, 20, 0);
    expect(outcomes).toEqual({ ok: 5, 'rate-limited': 15 });
  });

  it('an AuthorizationPolicy DENY answers 403 before any work, counted as authz-denied with its code', async () => {
    const mesh = await meshOf(
      `services:\n  api: { latency: 1ms }\nsecurity:\n  authorization:\n    - service: api\n      action: DENY\n      rules:\n        - to: [ { operation: { paths: [/admin] } } ]`,
    );
    expect(await drive(mesh, 5, 0, { path: '/admin' })).toEqual({ 'authz-denied': 5 });
    expect(await drive(mesh, 5, 0, { path: '/orders' })).toEqual({ ok: 5 });
    expect(mesh.services.get('api')!.instances[0].completed).toBe(5);
    expect(mesh.edges.get('test->api')!.toStats(mesh.clock.now()).error_details).toEqual({ FL_AUTHZ_DENY_MATCHED: 5 });
  });

  it('a full queue overflows with 503 and Envoy\'s overload flag, counted as overflow', async () => {
    const mesh = await meshOf(`services:\n  api: { concurrency: 1, queue: 1, latency: 300ms }`);
    const outcomes = await drive(mesh, 6, 0);
    expect(outcomes.overflow).toBeGreaterThanOrEqual(3);
    expect(outcomes.ok).toBeGreaterThanOrEqual(1);
  });
});
