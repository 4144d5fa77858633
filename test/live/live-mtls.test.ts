/**
 * The mesh's mTLS on real sockets with real certificates: the identity the callee's
 * authorization reads comes from the caller's certificate, a workload of an untrusted trust
 * domain cannot call into a STRICT mesh, and a plaintext-only callee is still reached.
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

async function secureMesh(yaml: string): Promise<LiveMesh> {
  const scenario = parseScenario(`version: 1\nname: t\n${yaml}`, 'mtls.yaml');
  const mesh = new LiveMesh(scenario, { seed: 3, keysOf: () => ({ verify: () => false }) });
  meshes.push(mesh);
  mesh.secure(await LiveSecurity.create(scenario, mesh.clock, mesh.timeline));
  await mesh.start();
  mesh.begin();
  return mesh;
}

/** Sends `n` calls from load `from` into its target and waits for their outcomes. */
async function drive(mesh: LiveMesh, from: string, to: string, n: number): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  let done = 0;
  const origin = { onCallDone: (_call: LiveCall, outcome: Outcome) => ((outcomes[outcome] = (outcomes[outcome] ?? 0) + 1), done++) };
  for (let i = 0; i < n; i++) mesh.enter(mesh.edge(from, to), 'GET', '/', {}, -1, mesh.clock.now(), origin);
  for (let i = 0; i < 3000 && done < n; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return outcomes;
}

describe('live mTLS between sidecars', () => {
  it("authorizes by the caller's certificate: only the allowed principal gets through", async () => {
    const mesh = await secureMesh(`services:
  front: { calls: [ { to: ledger } ] }
  other: { calls: [ { to: ledger } ] }
  ledger: { latency: 1ms }
security:
  mtls: STRICT
  authorization:
    - service: ledger
      action: ALLOW
      rules: [ { from: [ { source: { principals: [cluster.local/ns/default/sa/front] } } ] } ]
load:
  a: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: front }
  b: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: other }`);
    expect(await drive(mesh, 'a', 'front', 5)).toEqual({ ok: 5 });
    expect(await drive(mesh, 'b', 'other', 5)).toEqual({ '5xx': 5 });
    expect(mesh.edges.get('other->ledger')!.toStats(mesh.clock.now()).error_details).toEqual({ FL_AUTHZ_NO_ALLOW_MATCHED: 5 });
  }, 30_000);

  it('a workload of another trust domain fails the handshake with the code the simulator gives it', async () => {
    const mesh = await secureMesh(`services:
  front: { calls: [ { to: api } ] }
  api: { trustDomain: partner.example, latency: 1ms }
security:
  mtls: STRICT
load:
  a: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: front }`);
    await drive(mesh, 'a', 'front', 4);
    const stats = mesh.edges.get('front->api')!.toStats(mesh.clock.now());
    expect(stats.errors.tls).toBe(4);
    expect(Object.keys(stats.error_details)).toEqual(['FL_TLS_WRONG_TRUST_DOMAIN']); // the simulator's code for the same scenario
    expect(mesh.services.get('api')!.instances[0].completed).toBe(0);
  }, 30_000);

  it('DISABLE: a callee that takes plaintext only is called in plaintext, and its chain sees no principal', async () => {
    const mesh = await secureMesh(`services:
  front: { calls: [ { to: legacy } ] }
  legacy: { latency: 1ms }
security:
  peerAuthentication: [ { service: legacy, mode: DISABLE } ]
load:
  a: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: front }`);
    expect(await drive(mesh, 'a', 'front', 3)).toEqual({ ok: 3 });
  }, 30_000);
});
