/**
 * One port, Istio's three PeerAuthentication modes, for node:http and node:http2 servers fed
 * through `emit('connection')`: PERMISSIVE takes mTLS and plaintext (sniffing the first
 * byte), STRICT refuses plaintext, DISABLE serves plaintext only.
 */
import { createServer as createHttpServer, request, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { connect as http2Connect, createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import type { PeerAuthMode } from '../../../proxy-core/identity/peer-authentication.js';
import { connectionPeer, serveWith } from '../../../sim/live/identity/mesh-listener.js';
import type { WorkloadTls } from '../../../sim/live/identity/workload-tls.js';
import { X509Authority } from '../../../sim/live/identity/x509-authority.js';
import { FRONTEND, ORDERS, TRUST_DOMAIN, connect, recordingListener, startWorkload, type RecordingListener } from './pki-fixture.js';

const clock = new RealClock();
let orders: WorkloadTls;
let frontend: WorkloadTls;
let h1: HttpServer;
let h2: Http2Server;
const listeners: RecordingListener[] = [];

/** Who the server saw: the client's principal on mTLS, `plaintext` otherwise. */
function seen(socket: Socket): string {
  return connectionPeer(socket)?.identity.principal ?? 'plaintext';
}

beforeAll(async () => {
  const authority = await X509Authority.create(clock, { trustDomain: TRUST_DOMAIN });
  [orders, frontend] = await Promise.all([startWorkload(clock, authority, ORDERS), startWorkload(clock, authority, FRONTEND)]);
  h1 = createHttpServer((req, res) => res.end(`h1 ${seen(req.socket)}`));
  h2 = createHttp2Server();
  h2.on('stream', (stream) => {
    stream.on('error', () => {});
    stream.respond({ ':status': 200 });
    stream.end(`h2 ${seen(stream.session!.socket as Socket)}`);
  });
});

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.listener.close()));
  h1.close();
  h2.close();
  orders.stop();
  frontend.stop();
  clock.cancelAll();
});

async function listen(mode: PeerAuthMode, server: 'h1' | 'h2'): Promise<RecordingListener> {
  const l = await recordingListener({ mode, tls: orders, onConnection: serveWith(server === 'h1' ? h1 : h2), ALPNProtocols: server === 'h2' ? ['h2'] : undefined });
  listeners.push(l);
  return l;
}

function body(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

/** GET / over HTTP/1.1: plaintext, or over a verified mTLS connection of the frontend. Resolves with the body or the error's code. */
async function get1(port: number, tls: boolean): Promise<string> {
  let createConnection: (() => Socket) | undefined;
  if (tls) {
    const { socket, error } = await connect(frontend, port, ORDERS);
    if (socket === null) return `connect: ${(error as Error & { code?: string }).code}`;
    createConnection = () => socket;
  }
  return new Promise((resolve) => {
    // node:http uses createConnection only without an agent (agent: false would make one).
    const via = createConnection === undefined ? { agent: false as const } : { createConnection };
    const req = request({ host: '127.0.0.1', port, path: '/', ...via, headers: { connection: 'close' } }, (res) => body(res).then(resolve, (e: Error) => resolve(e.message)));
    req.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message));
    req.end();
  });
}

/** GET / over HTTP/2: h2c, or h2 over a verified mTLS connection (ALPN h2). */
async function get2(port: number, tls: boolean): Promise<string> {
  let options = {};
  if (tls) {
    const { socket, error } = await connect(frontend, port, ORDERS, ['h2']);
    if (socket === null) return `connect: ${(error as Error & { code?: string }).code}`;
    options = { createConnection: () => socket };
  }
  return new Promise((resolve) => {
    const session = http2Connect(`${tls ? 'https' : 'http'}://127.0.0.1:${port}`, options);
    const done = (text: string): void => {
      session.destroy();
      resolve(text);
    };
    session.on('error', (e: Error & { code?: string }) => done(e.code ?? e.message));
    const req = session.request({ ':path': '/' });
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => done(text));
    req.on('error', (e: Error & { code?: string }) => done(e.code ?? e.message));
    req.end();
  });
}

describe('MeshListener', () => {
  it('PERMISSIVE takes mTLS and plaintext on one port, for node:http', async () => {
    const l = await listen('PERMISSIVE', 'h1');
    expect(await get1(l.port, false)).toBe('h1 plaintext');
    expect(await get1(l.port, true)).toBe('h1 cluster.local/ns/shop/sa/frontend');
    expect(l.listener.admitted).toEqual({ tls: 1, plaintext: 1 });
  });

  it('PERMISSIVE takes h2 over mTLS and h2c on one port, for node:http2 (createServer, fed both kinds of socket)', async () => {
    const l = await listen('PERMISSIVE', 'h2');
    expect(await get2(l.port, false)).toBe('h2 plaintext');
    expect(await get2(l.port, true)).toBe('h2 cluster.local/ns/shop/sa/frontend');
    expect(l.listener.admitted).toEqual({ tls: 1, plaintext: 1 });
  });

  it('STRICT refuses plaintext (closed, counted as no client certificate) and serves mTLS', async () => {
    const l = await listen('STRICT', 'h1');
    const refusal = l.nextRefusal();
    expect(await get1(l.port, false)).toMatch(/ECONNRESET|socket hang up/);
    expect(await refusal).toEqual({ failure: 'no-client-certificate', code: 'FL_TLS_NO_CLIENT_CERT', detail: 'plaintext connection to a STRICT port', transport: 'plaintext' });
    expect(await get1(l.port, true)).toBe('h1 cluster.local/ns/shop/sa/frontend');
    const h2strict = await listen('STRICT', 'h2');
    expect(await get2(h2strict.port, false)).not.toBe('h2 plaintext');
    expect(await get2(h2strict.port, true)).toBe('h2 cluster.local/ns/shop/sa/frontend');
    expect([l.listener.refused, h2strict.listener.refused]).toEqual([1, 1]);
  });

  it('DISABLE serves plaintext and never terminates TLS: a TLS client gets no handshake', async () => {
    const l = await listen('DISABLE', 'h1');
    expect(await get1(l.port, false)).toBe('h1 plaintext');
    const failed = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: l.port, ...frontend.clientOptions(ORDERS) });
      socket.on('secureConnect', () => resolve('connected'));
      socket.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message));
    });
    expect(failed).not.toBe('connected');
    expect(l.listener.admitted).toEqual({ tls: 0, plaintext: 2 });
  });

  it('close() ends the connections it took, so no handle is left open', async () => {
    const l = await listen('PERMISSIVE', 'h1');
    const { socket } = await connect(frontend, l.port, ORDERS);
    const closed = new Promise((resolve) => socket!.on('close', resolve));
    socket!.on('error', () => {});
    await l.nextAdmission();
    await l.listener.close();
    await closed;
    expect(l.listener.server.listening).toBe(false);
  });
});
