/**
 * The fault kinds on real sockets that test/live/live-run.test.ts (crash, latency, abort)
 * does not cover: a latency fault injected as a Toxiproxy toxic, a partition and a blackhole lose requests until the caller's timeout, a
 * slowdown stretches the instance's own work, and a CA outage that outlasts a certificate
 * makes new handshakes fail with the simulator's code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import type { LiveCall } from '../../sim/live/live-call.js';
import { LiveMesh } from '../../sim/live/live-mesh.js';
import { LiveSecurity } from '../../sim/live/live-security.js';

const meshes: LiveMesh[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((m) => m.stop()));
});

async function meshOf(yaml: string, secure = false): Promise<LiveMesh> {
  const scenario = parseScenario(`version: 1\nname: t\n${yaml}\nload:\n  u: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: front }\n`, 'faults.yaml');
  const mesh = new LiveMesh(scenario, { seed: 5, keysOf: () => ({ verify: () => false }) });
  meshes.push(mesh);
  if (secure) mesh.secure(await LiveSecurity.create(scenario, mesh.clock, mesh.timeline));
  await mesh.start();
  mesh.begin();
  return mesh;
}

/** One call from the load into `front`; resolves with its outcome and latency. */
function call(mesh: LiveMesh): Promise<{ outcome: Outcome; ms: number }> {
  return new Promise((resolve) => {
    const start = mesh.clock.now();
    mesh.enter(mesh.edge('u', 'front'), 'GET', '/', {}, -1, start, { onCallDone: (_c: LiveCall, outcome: Outcome) => resolve({ outcome, ms: mesh.clock.now() - start }) });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CHAIN = `services:\n  front: { latency: 1ms, calls: [ { to: db } ] }\n  db: { latency: 10ms }\nmesh:\n  policies:\n    - { from: front, to: db, timeout: 300ms }`;

describe('live faults', () => {
  it('a latency fault goes through a Toxiproxy proxy in front of each callee instance: its toxic on for the window, in the timeline', async () => {
    const mesh = await meshOf(`${CHAIN}\nfaults:\n  - { kind: latency, service: db, delay: 150ms, at: 1s, for: 2s }`);
    await call(mesh); // a first call opens the connections (through the proxy) before the fault
    await sleep(1200 - mesh.clock.now());
    const during = await call(mesh);
    expect(during.ms).toBeGreaterThanOrEqual(150); // db's answer waited for the toxic
    expect(mesh.faults.anyRule).toBe(false); // and the sidecar's own latency rule is not also applied
    await sleep(3100 - mesh.clock.now());
    expect((await call(mesh)).outcome).toBe('ok');
    const toxics = mesh.timeline.events.filter((e) => e.kind === 'toxic-added' || e.kind === 'toxic-removed');
    expect(toxics.map((e) => [e.kind, e.service, e.proxy, e.toxic])).toEqual([
      ['toxic-added', 'db', 'front->db#0', 'fault0-downstream'],
      ['toxic-removed', 'db', 'front->db#0', 'fault0-downstream'],
    ]);
    expect(toxics[0].at_ms).toBeGreaterThanOrEqual(1000);
    expect(toxics[1].at_ms).toBeGreaterThanOrEqual(3000);
  }, 30_000);

  it('a partition between two services loses their calls: the caller times out, and recovers after it', async () => {
    const mesh = await meshOf(`${CHAIN}\nfaults:\n  - { kind: partition, service: db, at: 0s, for: 1500ms }`);
    const during = await call(mesh);
    expect(during.outcome).toBe('5xx'); // front's required call to db timed out
    expect(mesh.edges.get('front->db')!.metrics.errors.timeout).toBe(1);
    expect(during.ms).toBeGreaterThanOrEqual(300);
    await sleep(1600);
    expect((await call(mesh)).outcome).toBe('ok');
  }, 30_000);

  it('a blackhole accepts nothing back: the caller times out', async () => {
    const mesh = await meshOf(`${CHAIN}\nfaults:\n  - { kind: blackhole, service: db, at: 0s, for: 1h }`);
    expect((await call(mesh)).outcome).toBe('5xx');
    expect(mesh.edges.get('front->db')!.metrics.errors.timeout).toBe(1);
  }, 30_000);

  it("a slowdown stretches the instance's own work by its factor", async () => {
    const mesh = await meshOf(`${CHAIN}\nfaults:\n  - { kind: slowdown, service: db, factor: 20, at: 0s, for: 1h }`);
    const slowed = await call(mesh); // db's 10 ms become 200 ms, under front's 300 ms timeout
    expect(slowed.outcome).toBe('ok');
    expect(slowed.ms).toBeGreaterThanOrEqual(200);
  }, 30_000);

  it('a CA outage that outlasts a 2 s certificate: once it expires, new handshakes fail with FL_TLS_CERT_EXPIRED', async () => {
    const mesh = await meshOf(
      `services:\n  front: { latency: 1ms, calls: [ { to: db } ] }\n  db: { latency: 1ms }\nsecurity:\n  certificates: { ttl: 2s }\nfaults:\n  - { kind: ca-outage, at: 0s, for: 1h }`,
      true,
    );
    expect((await call(mesh)).outcome).toBe('ok');
    await sleep(3200); // past notAfter (whole seconds), with no CA to rotate
    expect((await call(mesh)).outcome).not.toBe('ok');
    const details = { ...mesh.edges.get('front->db')!.toStats(mesh.clock.now()).error_details, ...mesh.edges.get('u->front')!.toStats(mesh.clock.now()).error_details };
    expect(Object.keys(details)).toContain('FL_TLS_CERT_EXPIRED');
  }, 30_000);
});
