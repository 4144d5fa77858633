/**
 * Real mTLS handshakes on loopback between workloads of a real CA: every bad certificate is
 * refused with its own FL_TLS_ code whichever side presents it, and a good pair connects with
 * the server reading the client's SPIFFE ID.
 */
import { Client, credentials, Metadata, type StatusObject } from '@grpc/grpc-js';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCallError } from '../../../proxy-core/call/call-error.js';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import { HANDSHAKE_FAILURE_CODES } from '../../../proxy-core/identity/mtls-handshake.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { BAD_CERTIFICATE_KINDS, BadCertificates, type BadCertificateKind } from '../../../sim/live/identity/bad-certificates.js';
import { handshakeFailureOf } from '../../../sim/live/identity/tls-failures.js';
import { failureOfGrpcStatus } from '../../../sim/live/transport/protocol-status.js';
import type { WorkloadTls } from '../../../sim/live/identity/workload-tls.js';
import { X509Authority } from '../../../sim/live/identity/x509-authority.js';
import { FRONTEND, ORDERS, TRUST_DOMAIN, connect, readAll, recordingListener, startWorkload, stuckWorkload, type RecordingListener } from './pki-fixture.js';

const clock = new RealClock();
let authority: X509Authority;
let orders: WorkloadTls;
let frontend: WorkloadTls;
let strict: RecordingListener;
let runRoots: string[];
const badServers = new Map<BadCertificateKind, RecordingListener>();
const badClients = new Map<BadCertificateKind, WorkloadTls>();
const workloads: WorkloadTls[] = [];
const listeners: RecordingListener[] = [];

beforeAll(async () => {
  authority = await X509Authority.create(clock, { trustDomain: TRUST_DOMAIN });
  [orders, frontend] = await Promise.all([startWorkload(clock, authority, ORDERS), startWorkload(clock, authority, FRONTEND)]);
  const bad = await BadCertificates.create(authority, clock);
  runRoots = [authority.root.certPem, bad.foreignRootPem];
  for (const kind of BAD_CERTIFICATE_KINDS) {
    const [server, client] = await Promise.all([bad.mint(kind, ORDERS), bad.mint(kind, FRONTEND)]);
    const [serverTls, clientTls] = await Promise.all([stuckWorkload(clock, authority, server), stuckWorkload(clock, authority, client)]);
    badClients.set(kind, clientTls);
    badServers.set(kind, await recordingListener({ mode: 'STRICT', tls: serverTls }));
    workloads.push(serverTls, clientTls);
  }
  strict = await recordingListener({ mode: 'STRICT', tls: orders });
  workloads.push(orders, frontend);
  listeners.push(strict, ...badServers.values());
});

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.listener.close()));
  for (const w of workloads) w.stop();
  clock.cancelAll();
});

/** The FL_TLS_ code the core gives each bad kind. */
const CODE: Record<BadCertificateKind, string> = {
  expired: HANDSHAKE_FAILURE_CODES.expired,
  'not-yet-valid': HANDSHAKE_FAILURE_CODES['not-yet-valid'],
  'wrong-trust-domain': HANDSHAKE_FAILURE_CODES['wrong-trust-domain'],
  'untrusted-issuer': HANDSHAKE_FAILURE_CODES['untrusted-issuer'],
};

describe('live mTLS between workloads of a real CA', () => {
  it('connects a good pair: the client verified the server by its SPIFFE ID, the server reads the client\'s', async () => {
    const admission = strict.nextAdmission();
    const { error, socket, verdict } = await connect(frontend, strict.port, ORDERS);
    expect(error).toBeNull();
    expect(verdict).toMatchObject({ ok: true, identity: { principal: 'cluster.local/ns/shop/sa/orders' } });
    expect(socket!.isSessionReused()).toBe(false);
    expect(await readAll(socket!)).toBe('cluster.local/ns/shop/sa/frontend\n');
    const { peer } = await admission;
    expect(peer?.identity).toMatchObject({ principal: 'cluster.local/ns/shop/sa/frontend', namespace: 'shop', id: { uri: FRONTEND.uri } });
  });

  it.each(BAD_CERTIFICATE_KINDS)('the client refuses a server certificate that is %s, with its own code', async (kind) => {
    const { error, socket, verdict } = await connect(frontend, badServers.get(kind)!.port, ORDERS);
    expect(socket).toBeNull();
    expect(isCallError(error) && error.code === 'FL_TLS' && error.detail).toBe(CODE[kind]);
    expect(verdict).toMatchObject({ ok: false, failure: kind, peer: 'server', code: CODE[kind] });
  });

  it.each(BAD_CERTIFICATE_KINDS)('the server refuses a client certificate that is %s, with its own code', async (kind) => {
    const refusal = strict.nextRefusal();
    const { socket } = await connect(badClients.get(kind)!, strict.port, ORDERS);
    // TLS 1.3: the client finishes first; the server's verdict closes the connection after.
    if (socket !== null) await readAll(socket);
    expect(await refusal).toMatchObject({ failure: kind, code: CODE[kind], transport: 'tls' });
  });

  it('the server refuses a TLS client without a certificate (no-client-certificate)', async () => {
    const refusal = strict.nextRefusal();
    const socket = tlsConnect({ host: '127.0.0.1', port: strict.port, ca: authority.trust.caPems(), checkServerIdentity: () => undefined });
    await readAll(socket);
    expect(await refusal).toMatchObject({ failure: 'no-client-certificate', code: 'FL_TLS_NO_CLIENT_CERT' });
  });

  it('the client refuses a valid server that is not the workload it meant to reach (secure naming)', async () => {
    const { error, verdict } = await connect(frontend, strict.port, workloadId(TRUST_DOMAIN, 'shop', 'payments'));
    expect(isCallError(error) && error.detail).toBe('FL_TLS_WRONG_SERVER_IDENTITY');
    expect(verdict).toMatchObject({ ok: false, failure: 'wrong-server-identity' });
  });

  it.each([
    ['expired', 'expired'],
    ['not-yet-valid', 'not-yet-valid'],
    ['untrusted-issuer', 'untrusted-issuer'],
    // node's chain check comes first and knows no trust domains: a foreign CA is an unknown CA.
    ['wrong-trust-domain', 'untrusted-issuer'],
  ] as const)('clientOptions (node rejecting on its own, as undici would): a %s server fails as %s through handshakeFailureOf', async (kind, failure) => {
    const error = await new Promise<Error>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: badServers.get(kind)!.port, ...frontend.clientOptions(ORDERS) });
      socket.on('secureConnect', () => resolve(new Error('connected')));
      socket.on('error', resolve);
    });
    expect(handshakeFailureOf(error as Error & { code?: string })).toBe(failure);
  });

  it('clientOptions: a good server passes, and the SPIFFE check refuses another workload with FL_TLS_WRONG_SERVER_IDENTITY', async () => {
    const outcome = (expected = ORDERS) =>
      new Promise<string>((resolve) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: strict.port, ...frontend.clientOptions(expected) });
        socket.on('secureConnect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message));
      });
    expect(await outcome()).toBe('connected');
    expect(await outcome(workloadId(TRUST_DOMAIN, 'shop', 'payments'))).toBe('FL_TLS_WRONG_SERVER_IDENTITY');
  });

  it.each(BAD_CERTIFICATE_KINDS)('a grpc-js channel with opaqueClientOptions refuses a server certificate that is %s, and its status reads as that code', async (kind) => {
    const { secureContext, checkServerIdentity } = frontend.opaqueClientOptions(ORDERS, runRoots);
    const client = new Client(`127.0.0.1:${badServers.get(kind)!.port}`, credentials.createFromSecureContext(secureContext!, { checkServerIdentity }), {
      'grpc.ssl_target_name_override': 'orders',
    });
    try {
      const status = await new Promise<StatusObject>((resolve) => {
        const call = client.makeUnaryRequest('/x.Y/Z', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new Metadata(), { deadline: Date.now() + 10_000 }, () => {});
        call.on('status', resolve);
      });
      expect(failureOfGrpcStatus(status.details)).toEqual({ cause: 'tls', detail: CODE[kind] });
    } finally {
      client.close();
    }
  });
});
