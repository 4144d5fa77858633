/**
 * The undici target on its own, against a node:http server on loopback: outcomes by status
 * and by failure, its per-request timeout, cancel, and close.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import { LoadRequest } from '../../../sim/live/load/load-request.js';
import { UndiciTarget } from '../../../sim/live/load/undici-target.js';
import { outcomeOfError } from '../../../sim/live/load/undici-outcome.js';
import { clock, handlesBackTo, openHandles, sleep, startServer, type TestServer } from './load-fixture.js';

let ids = 0;
const request = (path: string, headers: Record<string, string> = {}): LoadRequest => new LoadRequest(ids++, 0, 'GET', path, headers, clock.now());

/** Sends one request and resolves with what `done` said. */
function send(target: UndiciTarget, r: LoadRequest): Promise<{ outcome: Outcome; status: number }> {
  return new Promise((resolve) => target.send(r, (_r, outcome, status) => resolve({ outcome, status })));
}

describe('UndiciTarget', () => {
  let server: TestServer;
  const closed: string[] = [];
  const seenHeaders: Record<string, string | string[] | undefined>[] = [];
  beforeAll(async () => {
    server = await startServer((req, res) => {
      req.on('close', () => closed.push(req.url!));
      seenHeaders.push(req.headers);
      const code = Number(req.url!.slice(1));
      if (code >= 200) res.writeHead(code).end('x'.repeat(100_000));
      else if (req.url === '/reset') req.socket.destroy();
      else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('x'), 50);
      // '/hang': never answered
    });
  });
  afterAll(() => server.close());

  it('answers by status: 2xx ok, 404 4xx, 429 rate-limited, 503 5xx; the body is read and dropped', async () => {
    const target = new UndiciTarget(server.origin, { clock });
    const got = await Promise.all(['/200', '/404', '/429', '/503'].map((p) => send(target, request(p, { 'x-tier': 'gold' }))));
    expect(got).toEqual([
      { outcome: 'ok', status: 200 },
      { outcome: '4xx', status: 404 },
      { outcome: 'rate-limited', status: 429 },
      { outcome: '5xx', status: 503 },
    ]);
    expect(seenHeaders.at(-1)!['x-tier']).toBe('gold');
    await target.close();
  });

  it('a reset connection is `reset`, a refused one `connect-failure`', async () => {
    const target = new UndiciTarget(server.origin, { clock });
    expect(await send(target, request('/reset'))).toEqual({ outcome: 'reset', status: 0 });
    await target.close();
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    const refused = new UndiciTarget(`http://127.0.0.1:${port}`, { clock });
    expect(await send(refused, request('/200'))).toEqual({ outcome: 'connect-failure', status: 0 });
    await refused.close();
  });

  it('times a request out on its own timer (not undici\'s 1 s resolution) and resets its stream', async () => {
    const target = new UndiciTarget(server.origin, { clock, timeoutMs: 150 });
    const started = clock.now();
    expect(await send(target, request('/hang'))).toEqual({ outcome: 'timeout', status: 0 });
    const took = clock.now() - started;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(900);
    for (let i = 0; i < 100 && !closed.includes('/hang'); i++) await sleep(5);
    expect(closed).toContain('/hang');
    // A request answered in time is not timed out later.
    expect(await send(target, request('/200'))).toEqual({ outcome: 'ok', status: 200 });
    await target.close();
  });

  it('a request queued behind busy connections times out from its send, not from its connection', async () => {
    const target = new UndiciTarget(server.origin, { clock, timeoutMs: 100, connections: 1 });
    const first = send(target, request('/hang'));
    // Answered 50 ms after it reaches the server: counted from its send, it expires first (at
    // 100 ms, the connection still busy or just freed); counted from its connection, at ~150 ms
    // it would be answered in time.
    const queued = send(target, request('/slow'));
    expect(await queued).toEqual({ outcome: 'timeout', status: 0 });
    expect(await first).toEqual({ outcome: 'timeout', status: 0 });
    await target.close();
  });

  it('cancel aborts without an answer; close ends what is in flight as cancelled and leaves no socket', async () => {
    const before = openHandles();
    const target = new UndiciTarget(server.origin, { clock, timeoutMs: 0 });
    const outcomes: Outcome[] = [];
    const r = request('/hang');
    target.send(r, (_r, outcome) => outcomes.push(outcome));
    await sleep(50);
    closed.length = 0;
    target.cancel(r);
    for (let i = 0; i < 100 && !closed.includes('/hang'); i++) await sleep(5);
    expect(closed).toContain('/hang');
    expect(outcomes).toEqual([]);
    const pending = send(target, request('/hang'));
    await sleep(50);
    await target.close();
    expect(await pending).toEqual({ outcome: 'cancelled', status: 0 });
    expect(await send(target, request('/200'))).toEqual({ outcome: 'cancelled', status: 0 });
    expect(await handlesBackTo(before)).toEqual({});
  });

  it('maps undici error codes to failure causes', () => {
    const err = (code?: string): Error => Object.assign(new Error('x'), code === undefined ? {} : { code });
    expect(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_DESTROYED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'UND_ERR_SOCKET', 'ECONNRESET', undefined].map((c) => outcomeOfError(err(c)))).toEqual([
      'connect-failure',
      'connect-failure',
      'timeout',
      'cancelled',
      'tls',
      'tls',
      'reset',
      'reset',
      'reset',
    ]);
  });
});
