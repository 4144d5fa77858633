/**
 * The mesh's mTLS on real sockets with real certificates, on every protocol (HTTP/1.1,
 * HTTP/2 over ALPN h2, gRPC): the identity the callee's authorization reads comes from the
 * caller's certificate, a workload of an untrusted trust domain cannot call into a STRICT
 * mesh, a plaintext-only callee is still reached, and a PERMISSIVE port takes both.
 */
import * as grpc from '@grpc/grpc-js';
import { Client, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import type { LiveCall } from '../../sim/live/live-call.js';
import { LiveMesh } from '../../sim/live/live-mesh.js';
import { LiveSecurity } from '../../sim/live/live-security.js';
import { ECHO_CALL_PATH } from '../../sim/live/transport/grpc-echo.js';

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

describe.each(['http1', 'http2', 'grpc'])('live mTLS between sidecars over %s', (protocol) => {
  it("authorizes by the caller's certificate: only the allowed principal gets through", async () => {
    const mesh = await secureMesh(`services:
  front: { protocol: ${protocol}, calls: [ { to: ledger } ] }
  other: { protocol: ${protocol}, calls: [ { to: ledger } ] }
  ledger: { protocol: ${protocol}, latency: 1ms }
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
  front: { protocol: ${protocol}, calls: [ { to: api } ] }
  api: { protocol: ${protocol}, trustDomain: partner.example, latency: 1ms }
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
  front: { protocol: ${protocol}, calls: [ { to: legacy } ] }
  legacy: { protocol: ${protocol}, latency: 1ms }
security:
  peerAuthentication: [ { service: legacy, mode: DISABLE } ]
load:
  a: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: front }`);
    expect(await drive(mesh, 'a', 'front', 3)).toEqual({ ok: 3 });
  }, 30_000);

  it('PERMISSIVE: one port takes the mesh caller over mTLS (its principal authorized) and a plaintext caller outside the mesh', async () => {
    const mesh = await secureMesh(`services:
  front: { protocol: ${protocol}, calls: [ { to: ledger } ] }
  ledger: { protocol: ${protocol}, latency: 1ms }
security:
  peerAuthentication: [ { service: ledger, mode: PERMISSIVE } ]
  authorization:
    - service: ledger
      action: ALLOW
      rules: [ { from: [ { source: { principals: [cluster.local/ns/default/sa/front] } } ] } ]
load:
  a: { executor: constant-arrival-rate, rate: 1/s, duration: 1s, target: front }`);
    expect(await drive(mesh, 'a', 'front', 3)).toEqual({ ok: 3 });
    const server = mesh.services.get('ledger')!.instances[0].server!;
    const plaintext = await plaintextStatus(protocol, server.port);
    expect(plaintext).toBe(protocol === 'grpc' ? 7 /* PERMISSION_DENIED */ : 403); // admitted as plaintext, so no principal: the ALLOW rule does not match
  }, 30_000);
});

/** Calls a callee's port in plaintext (an HTTP/1.1 request, h2c, or an insecure gRPC channel) and resolves with the status. */
async function plaintextStatus(protocol: string, port: number): Promise<number> {
  if (protocol === 'http1') return (await request(`http://127.0.0.1:${port}/`)).statusCode;
  if (protocol === 'http2') {
    const client = new Client(`http://127.0.0.1:${port}`, { allowH2: true, connect: { useH2c: true } } as Client.Options);
    try {
      return (await client.request({ path: '/', method: 'GET' })).statusCode;
    } finally {
      await client.close();
    }
  }
  const channel = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise<number>((resolve) => {
      const call = channel.makeUnaryRequest(ECHO_CALL_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, () => {});
      call.on('status', (status: grpc.StatusObject) => resolve(status.code));
    });
  } finally {
    channel.close();
  }
}
