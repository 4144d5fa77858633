/**
 * The policies of live mode over one protocol, end to end through `LiveMesh`: the callee
 * `api` serves `protocol`, the test is the load (as test/live/live-mesh.test.ts), and the
 * counters read are the report's. Each protocol's test file runs these; bounds are wide (a
 * busy 2-core machine).
 */
import { afterEach, expect, it } from 'vitest';
import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import { simulatedKeySet } from '../../../proxy-core/identity/simulated-jws.js';
import { parseScenario } from '../../../scenarios/parse-scenario.js';
import type { LiveCall } from '../../../sim/live/live-call.js';
import { LiveMesh } from '../../../sim/live/live-mesh.js';
import type { Protocol } from '../../../sim/live/transport/protocol-transport.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Handles a mesh opens (sockets, servers, timers), as `process.getActiveResourcesInfo()` names them. */
export function openHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'Timeout').length;
}

/** A running mesh for `yaml` (services and the rest, without `load`: the test is the load). */
export async function meshOf(yaml: string): Promise<LiveMesh> {
  const scenario = parseScenario(`version: 1\nname: t\n${yaml}\nload:\n  test: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: api }\n`, 'test.yaml');
  const mesh = new LiveMesh(scenario, { seed: 7, keysOf: () => simulatedKeySet([]) });
  await mesh.start();
  mesh.begin();
  return mesh;
}

/** Sends `n` calls from the load into `api`, `gapMs` apart, and resolves with their outcomes once all have one. */
export async function drive(mesh: LiveMesh, n: number, gapMs: number, request: { path?: string; headers?: Record<string, string> } = {}): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  let done = 0;
  const origin = { onCallDone: (_call: LiveCall, outcome: Outcome) => ((outcomes[outcome] = (outcomes[outcome] ?? 0) + 1), done++) };
  const edge = mesh.edge('test', 'api');
  for (let i = 0; i < n; i++) {
    mesh.enter(edge, 'GET', request.path ?? '/', request.headers ?? {}, -1, mesh.clock.now(), origin);
    if (gapMs > 0) await sleep(gapMs);
  }
  for (let i = 0; i < 3000 && done < n; i++) await sleep(5);
  expect(done).toBe(n);
  return outcomes;
}

/** The suite every protocol passes; `denyPath` is the path an authorization rule matches on that protocol. */
export function policiesOver(protocol: Protocol, denyPath: string): { track: (mesh: LiveMesh) => LiveMesh } {
  const meshes: LiveMesh[] = [];
  const track = (mesh: LiveMesh) => (meshes.push(mesh), mesh);
  const open = (yaml: string) => meshOf(yaml).then(track);
  let before = 0;
  afterEach(async () => {
    await Promise.all(meshes.splice(0).map((m) => m.stop()));
    for (let i = 0; i < 100 && openHandles() > before; i++) await sleep(10);
    expect(openHandles()).toBeLessThanOrEqual(before);
  });
  const api = (fields: string) => `api: { protocol: ${protocol}, ${fields} }`;

  it(`${protocol}: a call crosses two sidecars and a downstream call`, async () => {
    before = openHandles();
    const mesh = await open(`services:\n  ${api('replicas: 2, latency: 1ms, calls: [ { to: db } ]')}\n  db: { protocol: ${protocol}, replicas: 2, latency: 1ms }`);
    expect(await drive(mesh, 20, 1)).toEqual({ ok: 20 });
    expect(mesh.edges.get('api->db')!.metrics.ok).toBe(20);
  });

  it(`${protocol}: retries a 5xx (500 ↔ INTERNAL) on another host`, async () => {
    before = openHandles();
    const mesh = await open(`services:\n  ${api('replicas: 3, latency: 1ms, errorRate: 0.4')}\nmesh:\n  policies:\n    - to: api\n      timeout: 5s\n      retries: { attempts: 3, retryOn: 5xx }`);
    const outcomes = await drive(mesh, 40, 5);
    const edge = mesh.edges.get('test->api')!.metrics;
    expect(outcomes.ok).toBeGreaterThanOrEqual(33); // 1 − 0.4⁴ ≈ 97% with retries; 60% (24) without
    expect(edge.attempts).toBeGreaterThan(edge.requests);
  });

  it(`${protocol}: the callee's rate limit answers 429 ↔ RESOURCE_EXHAUSTED, counted as rate-limited`, async () => {
    before = openHandles();
    const mesh = await open(`services:\n  ${api('latency: 1ms')}\nmesh:\n  policies:\n    - to: api\n      rateLimit: { requestsPerUnit: 5, unit: minute }`);
    expect(await drive(mesh, 20, 0)).toEqual({ ok: 5, 'rate-limited': 15 });
  });

  it(`${protocol}: an AuthorizationPolicy DENY answers 403 ↔ PERMISSION_DENIED, counted as authz-denied with its code`, async () => {
    before = openHandles();
    const mesh = await open(
      `services:\n  ${api('latency: 1ms')}\nsecurity:\n  authorization:\n    - service: api\n      action: DENY\n      rules:\n        - to: [ { operation: { paths: ['${denyPath}'] } } ]\n          when: [ { key: 'request.headers[x-role]', values: [intruder] } ]`,
    );
    expect(await drive(mesh, 5, 0, { path: denyPath, headers: { 'x-role': 'intruder' } })).toEqual({ 'authz-denied': 5 });
    expect(await drive(mesh, 5, 0, { path: denyPath, headers: { 'x-role': 'friend' } })).toEqual({ ok: 5 });
    expect(mesh.services.get('api')!.instances[0].completed).toBe(5);
    expect(mesh.edges.get('test->api')!.toStats(mesh.clock.now()).error_details).toEqual({ FL_AUTHZ_DENY_MATCHED: 5 });
  });

  it(`${protocol}: a full queue overflows with 503 ↔ UNAVAILABLE and the overload flag, counted as overflow`, async () => {
    before = openHandles();
    const mesh = await open(`services:\n  ${api('concurrency: 1, queue: 1, latency: 300ms')}`);
    const outcomes = await drive(mesh, 6, 0);
    expect(outcomes.overflow).toBeGreaterThanOrEqual(3);
    expect(outcomes.ok).toBeGreaterThanOrEqual(1);
  });

  it(`${protocol}: a crashed instance resets its calls and refuses new ones, then serves again on its port`, async () => {
    before = openHandles();
    const mesh = await open(
      `services:\n  ${api('latency: 200ms')}\nmesh:\n  policies:\n    - to: api\n      timeout: 5s\n      retries: { attempts: 0 }\nfaults:\n  - { kind: crash, service: api, at: 100ms, for: 400ms }`,
    );
    const port = mesh.services.get('api')!.instances[0].server!.port;
    const held = drive(mesh, 3, 0); // held by the instance when it crashes
    await sleep(250);
    const refused = drive(mesh, 3, 0);
    expect(await held).toEqual({ reset: 3 });
    expect(await refused).toEqual({ 'connect-failure': 3 });
    while (mesh.clock.now() < 1800) await sleep(20); // back at 500 ms; a gRPC channel reconnects within its 1 s backoff
    expect(await drive(mesh, 3, 0)).toEqual({ ok: 3 });
    expect(mesh.services.get('api')!.instances[0].server!.port).toBe(port);
  });

  it(`${protocol}: a caller that answers early cancels its call in flight, and the callee drops the work`, async () => {
    before = openHandles();
    // db's attempt has 5 s to go: only the cancel on the wire (RST_STREAM, call.cancel()) tells db its caller left.
    const mesh = await open(
      `services:\n  ${api('latency: 1ms, deadlinePropagation: true, calls: [ { parallel: [ { to: db }, { to: bad } ] } ]')}\n  db: { protocol: ${protocol}, latency: 1s, deadlinePropagation: true }\n  bad: { protocol: ${protocol}, latency: 20ms, errorRate: 1 }\nmesh:\n  policies:\n    - to: '*'\n      timeout: 5s\n      retries: { attempts: 0 }`,
    );
    const started = Date.now();
    expect(await drive(mesh, 3, 0)).toEqual({ '5xx': 3 });
    const db = mesh.services.get('db')!.instances[0];
    for (let i = 0; i < 50 && db.busy > 0; i++) await sleep(10);
    expect(db.busy).toBe(0);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it(`${protocol}: a per-try timeout abandons a slow attempt (the callee sees it go) and retries, then counts a timeout`, async () => {
    before = openHandles();
    const mesh = await open(
      `services:\n  ${api('latency: 400ms, deadlinePropagation: true')}\nmesh:\n  policies:\n    - to: api\n      timeout: 5s\n      retries: { attempts: 1, perTryTimeout: 100ms, retryOn: 5xx }`,
    );
    const started = Date.now();
    expect(await drive(mesh, 3, 0)).toEqual({ timeout: 3 });
    expect(Date.now() - started).toBeLessThan(400); // two tries of 100 ms, not the callee's 400 ms
    const edge = mesh.edges.get('test->api')!.metrics;
    expect(edge.attempts).toBe(6);
    await sleep(50);
    const api0 = mesh.services.get('api')!.instances[0];
    expect(api0.busy).toBe(0); // the abandoned work was dropped (deadline propagation)
  });

  return { track };
}
