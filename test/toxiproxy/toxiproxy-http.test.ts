/**
 * Toxiproxy 2.12's HTTP contract at the byte level, with plain `fetch` for what
 * toxiproxy-node-client hides or lacks: status codes, headers, error bodies, /version,
 * /metrics, /populate's errors, the browser block, PATCH, listing toxics, and the quirks a
 * compatible server has to copy (api.go, api_test.go, and a real 2.12 server's answers).
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToxiproxyServer } from '../../sim/toxiproxy/toxiproxy-server.js';
import { Harness, roundTrip } from './toxiproxy-harness.js';

const harness = new Harness();
let server: ToxiproxyServer;
const busy: Server[] = [];

beforeEach(async () => {
  server = await harness.toxiproxy();
});
afterEach(async () => {
  await harness.close();
  await Promise.all(busy.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(server.url + path, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers,
    redirect: 'manual',
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

const json = (answer: Answer): any => JSON.parse(answer.body);

async function createProxy(name = 'p', extra: object = {}): Promise<any> {
  const answer = await call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: '127.0.0.1:6379', ...extra });
  expect(answer.status).toBe(201);
  return json(answer);
}

/** A port held by another listener. */
async function takenPort(): Promise<number> {
  const other = createServer();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  busy.push(other);
  return (other.address() as AddressInfo).port;
}

function expectApiError(answer: Answer, status: number, message: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toBe(`{"error":${JSON.stringify(message)},"status":${status}}\n`);
  expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('proxies', () => {
  it('create answers 201 with the proxy, its stray "Logger":{} and its toxics, keys in Go order', async () => {
    const answer = await call('POST', '/proxies', { name: 'redis', listen: 'localhost:0', upstream: 'localhost:6379' });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.body).toMatch(/^\{"name":"redis","listen":"127\.0\.0\.1:\d+","upstream":"localhost:6379","enabled":true,"Logger":\{\},"toxics":\[\]\}$/);
  });

  it('a disabled proxy keeps its listen address as written', async () => {
    expect((await createProxy('off', { listen: 'localhost:0', enabled: false })).listen).toBe('localhost:0');
  });

  it('missing name, missing upstream, bad JSON and an empty body are 400s in Go words', async () => {
    expectApiError(await call('POST', '/proxies', { listen: '127.0.0.1:0', upstream: 'x:1' }), 400, 'missing required field: name');
    expectApiError(await call('POST', '/proxies', { name: 'n', listen: '127.0.0.1:0' }), 400, 'missing required field: upstream');
    expectApiError(await call('POST', '/proxies', '{"name": "n", bad'), 400, "bad request body: invalid character 'b' looking for beginning of object key string");
    expectApiError(await call('POST', '/proxies', ''), 400, 'bad request body: EOF');
    expectApiError(await call('POST', '/proxies', 'null'), 400, 'missing required field: name');
    expectApiError(await call('POST', '/proxies', { name: 5 }), 400, 'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string');
  });

  it('reads JSON as Go does: the first value only, keys in any case, unknown keys ignored', async () => {
    const answer = await call('POST', '/proxies', '{"Name": "lenient", "LISTEN": "127.0.0.1:0", "upstream": "x:1", "extra": [1]} trailing garbage');
    expect(answer.status).toBe(201);
    expect(json(answer).name).toBe('lenient');
  });

  it('a duplicate is 409; a busy port is 500 with the listen error, and the proxy is not kept', async () => {
    await createProxy('dup');
    expectApiError(await call('POST', '/proxies', { name: 'dup', listen: '127.0.0.1:0', upstream: 'x:1' }), 409, 'proxy already exists');
    const port = await takenPort();
    expectApiError(await call('POST', '/proxies', { name: 'busy', listen: `127.0.0.1:${port}`, upstream: 'x:1' }), 500, `listen tcp 127.0.0.1:${port}: bind: address already in use`);
    expect((await call('GET', '/proxies/busy')).status).toBe(404);
  });

  it('GET /proxies is an object keyed by name, sorted; names are HTML-escaped as Go does', async () => {
    expect((await call('GET', '/proxies')).body).toBe('{}');
    await createProxy('b');
    await createProxy('a<&>');
    const answer = await call('GET', '/proxies');
    expect(Object.keys(json(answer))).toEqual(['a<&>', 'b']);
    expect(answer.body).toContain('"a\\u003c\\u0026\\u003e":{"name":"a\\u003c\\u0026\\u003e"');
  });

  it('PATCH and the deprecated POST update; missing fields keep their values; name is ignored', async () => {
    const proxy = await createProxy('u');
    const patched = await call('PATCH', '/proxies/u', { enabled: false, name: 'renamed' });
    expect(patched.status).toBe(200);
    expect(json(patched)).toMatchObject({ name: 'u', enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    const posted = await call('POST', '/proxies/u', { upstream: 'elsewhere:1' });
    expect(json(posted)).toMatchObject({ enabled: false, upstream: 'elsewhere:1' });
  });

  it('an update to a busy address is a 500 and leaves the proxy disabled with the new address', async () => {
    await createProxy('mv');
    const port = await takenPort();
    expectApiError(await call('PATCH', '/proxies/mv', { listen: `127.0.0.1:${port}` }), 500, `listen tcp 127.0.0.1:${port}: bind: address already in use`);
    expect(json(await call('GET', '/proxies/mv'))).toMatchObject({ enabled: false, listen: `127.0.0.1:${port}` });
  });

  it('DELETE answers 204 with no body; a missing proxy is 404 everywhere', async () => {
    await createProxy('d');
    const deleted = await call('DELETE', '/proxies/d');
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect(deleted.headers.get('content-type')).toBeNull();
    for (const [method, path] of [
      ['GET', '/proxies/d'],
      ['PATCH', '/proxies/d'],
      ['DELETE', '/proxies/d'],
      ['GET', '/proxies/d/toxics'],
      ['POST', '/proxies/d/toxics'],
      ['GET', '/proxies/d/toxics/t'],
      ['DELETE', '/proxies/d/toxics/t'],
    ]) {
      expectApiError(await call(method, path, method === 'GET' || method === 'DELETE' ? undefined : '{}'), 404, 'proxy not found');
    }
  });
});

describe('toxics', () => {
  it('create answers 200 (not 201) with the toxic; defaults: downstream, toxicity 1, <type>_<stream>, zero attributes', async () => {
    await createProxy();
    const answer = await call('POST', '/proxies/p/toxics', { type: 'latency' });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}');
  });

  it('keeps the stream as written and prints the toxicity as a float32 does, unchecked', async () => {
    await createProxy();
    const upper = json(await call('POST', '/proxies/p/toxics', { type: 'latency', stream: 'UPSTREAM', toxicity: 0.1 }));
    expect(upper).toMatchObject({ name: 'latency_UPSTREAM', stream: 'UPSTREAM', toxicity: 0.1 });
    expect((await call('GET', '/proxies/p/toxics/latency_UPSTREAM')).body).toContain('"toxicity":0.1}');
    expect(json(await call('POST', '/proxies/p/toxics', { name: 'x', type: 'noop', toxicity: 2.5 })).toxicity).toBe(2.5);
    expect(json(await call('POST', '/proxies/p/toxics', { name: 'y', type: 'noop', toxicity: -1 })).toxicity).toBe(-1);
  });

  it('refuses a bad stream, an unknown type, a name taken in either stream, and non-integer attributes', async () => {
    await createProxy();
    expectApiError(await call('POST', '/proxies/p/toxics', { type: 'latency', stream: 'sideways' }), 400, 'stream was invalid, can be either upstream or downstream');
    expectApiError(await call('POST', '/proxies/p/toxics', { type: 'latency', stream: '' }), 400, 'stream was invalid, can be either upstream or downstream');
    expectApiError(await call('POST', '/proxies/p/toxics', { type: 'packet_loss' }), 400, 'invalid toxic type');
    expectApiError(await call('POST', '/proxies/p/toxics', {}), 400, 'invalid toxic type');
    await call('POST', '/proxies/p/toxics', { name: 'same', type: 'latency', stream: 'upstream' });
    expectApiError(await call('POST', '/proxies/p/toxics', { name: 'same', type: 'bandwidth', stream: 'downstream' }), 409, 'toxic already exists');
    expectApiError(await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 1.5 } }), 400, 'bad request body: json: cannot unmarshal number 1.5 into Go struct field .attributes.latency of type int64');
    expect((await call('POST', '/proxies/p/toxics', '{"type": "latency", "attributes": {"latency": 1e3}}')).status).toBe(400);
    expect((await call('POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: '100' } })).status).toBe(400);
    expect(json(await call('GET', '/proxies/p/toxics')).map((t: { name: string }) => t.name)).toEqual(['same']);
  });

  it('lists toxics upstream first, then downstream, in the order added ([] when none)', async () => {
    await createProxy();
    expect((await call('GET', '/proxies/p/toxics')).body).toBe('[]');
    await call('POST', '/proxies/p/toxics', { name: 'd1', type: 'latency' });
    await call('POST', '/proxies/p/toxics', { name: 'u1', type: 'latency', stream: 'upstream' });
    await call('POST', '/proxies/p/toxics', { name: 'd2', type: 'slicer' });
    await call('POST', '/proxies/p/toxics', { name: 'u2', type: 'bandwidth', stream: 'upstream' });
    expect(json(await call('GET', '/proxies/p/toxics')).map((t: { name: string }) => t.name)).toEqual(['u1', 'u2', 'd1', 'd2']);
    expect(json(await call('GET', '/proxies/p')).toxics.map((t: { name: string }) => t.name)).toEqual(['u1', 'u2', 'd1', 'd2']);
  });

  it('PATCH merges attributes and keeps the toxicity unless given; name, type and stream cannot change', async () => {
    await createProxy();
    await call('POST', '/proxies/p/toxics', { type: 'latency', toxicity: 0.5, attributes: { latency: 100, jitter: 10 } });
    const patched = await call('PATCH', '/proxies/p/toxics/latency_downstream', { attributes: { latency: 200 }, name: 'x', type: 'timeout', stream: 'upstream' });
    expect(patched.status).toBe(200);
    expect(json(patched)).toEqual({ attributes: { latency: 200, jitter: 10 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 0.5 });
    expect(json(await call('POST', '/proxies/p/toxics/latency_downstream', { toxicity: 1 })).toxicity).toBe(1);
    expectApiError(await call('PATCH', '/proxies/p/toxics/nope', {}), 404, 'toxic not found');
    expect((await call('PATCH', '/proxies/p/toxics/latency_downstream', { attributes: { jitter: 'x' } })).status).toBe(400);
    expect(json(await call('GET', '/proxies/p/toxics/latency_downstream')).attributes).toEqual({ latency: 200, jitter: 10 });
  });

  it('DELETE answers 204; a missing toxic is 404', async () => {
    await createProxy();
    await call('POST', '/proxies/p/toxics', { type: 'timeout' });
    const deleted = await call('DELETE', '/proxies/p/toxics/timeout_downstream');
    expect([deleted.status, deleted.body]).toEqual([204, '']);
    expectApiError(await call('DELETE', '/proxies/p/toxics/timeout_downstream'), 404, 'toxic not found');
    expectApiError(await call('GET', '/proxies/p/toxics/timeout_downstream'), 404, 'toxic not found');
  });

  it('accepts the noop toxic Toxiproxy registers', async () => {
    await createProxy();
    expect(json(await call('POST', '/proxies/p/toxics', { name: 'foobar', type: 'noop' }))).toMatchObject({ name: 'foobar', type: 'noop', attributes: {} });
  });
});

describe('/populate', () => {
  it('[] answers 201 {"proxies":null}; a list answers its proxies', async () => {
    const empty = await call('POST', '/populate', []);
    expect([empty.status, empty.body]).toEqual([201, '{"proxies":null}']);
    const answer = await call('POST', '/populate', [{ name: 'a', listen: '127.0.0.1:0', upstream: 'x:1' }, { name: 'b', listen: '127.0.0.1:0', upstream: 'x:2', enabled: false }]);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(json(answer).proxies.map((p: { name: string; enabled: boolean }) => [p.name, p.enabled])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('a missing name answers 400 as JSON with "proxies":null and creates nothing', async () => {
    const answer = await call('POST', '/populate', [{ name: 'ok', listen: '127.0.0.1:0', upstream: 'x:1' }, { listen: '127.0.0.1:0', upstream: 'x:1' }]);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.body).toBe('{"error":"missing required field: name at proxy 2","status":400,"proxies":null}');
    expect((await call('GET', '/proxies')).body).toBe('{}');
    expect(json(await call('POST', '/populate', '{}')).status).toBe(400);
  });

  it('keeps an unchanged proxy as it is (toxics, enabled), replaces a changed one', async () => {
    const first = json(await call('POST', '/populate', [{ name: 'keep', listen: '127.0.0.1:0', upstream: 'x:1' }, { name: 'move', listen: '127.0.0.1:0', upstream: 'x:1' }])).proxies;
    await call('POST', '/proxies/keep/toxics', { type: 'latency' });
    await call('POST', '/proxies/move/toxics', { type: 'latency' });
    await call('PATCH', '/proxies/keep', { enabled: false });
    await call('PATCH', '/proxies/keep', { enabled: true });
    const second = json(await call('POST', '/populate', [{ name: 'keep', listen: first[0].listen, upstream: 'x:1', enabled: false }, { name: 'move', listen: '127.0.0.1:0', upstream: 'x:2' }])).proxies;
    expect(second[0]).toMatchObject({ name: 'keep', enabled: true });
    expect(second[0].toxics).toHaveLength(1);
    expect(second[1]).toMatchObject({ name: 'move', upstream: 'x:2', toxics: [] });
  });

  it('stops at a proxy that cannot listen: 500, the proxies before it kept and listed, those after never made', async () => {
    const port = await takenPort();
    const answer = await call('POST', '/populate', [
      { name: 'one', listen: '127.0.0.1:0', upstream: 'x:1' },
      { name: 'two', listen: `127.0.0.1:${port}`, upstream: 'x:1' },
      { name: 'three', listen: '127.0.0.1:0', upstream: 'x:1' },
    ]);
    expect(answer.status).toBe(500);
    expect(json(answer)).toMatchObject({ error: `listen tcp 127.0.0.1:${port}: bind: address already in use`, status: 500, proxies: [{ name: 'one' }] });
    expect(Object.keys(json(await call('GET', '/proxies')))).toEqual(['one']);
  });
});

describe('the rest of the contract', () => {
  it('/version is {"version": "2.12.0"} and a newline, as application/json;charset=utf-8', async () => {
    const answer = await call('GET', '/version');
    expect([answer.status, answer.body, answer.headers.get('content-type')]).toEqual([200, '{"version": "2.12.0"}\n', 'application/json;charset=utf-8']);
  });

  it('/reset answers 204 with no body', async () => {
    const answer = await call('POST', '/reset', 'ignored');
    expect([answer.status, answer.body]).toEqual([204, '']);
  });

  it('every routed request gets a fresh 20-character X-Toxiproxy-Request-Id; the client’s is ignored', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await call('GET', '/version', undefined, { 'X-Toxiproxy-Request-Id': 'mine' })).headers.get('x-toxiproxy-request-id')!);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^[0-9a-v]{20}$/);
  });

  it('a browser (User-Agent Mozilla/…) is refused with 403, request id included; other agents pass', async () => {
    const refused = await call('GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect([refused.status, refused.body, refused.headers.get('content-type')]).toEqual([403, 'User agent not allowed\n', 'text/plain; charset=utf-8']);
    expect(refused.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-v]{20}$/);
    expect((await call('GET', '/proxies', undefined, { 'User-Agent': 'mozilla/5.0' })).status).toBe(200);
    expect((await call('GET', '/proxies', undefined, { 'User-Agent': 'Mozilla' })).status).toBe(200);
  });

  it('outside the routes: 404 page not found, an empty 405 for a wrong method, 301 to the clean path; no request id', async () => {
    const missing = await call('GET', '/nope');
    expect([missing.status, missing.body, missing.headers.get('content-type')]).toEqual([404, '404 page not found\n', 'text/plain; charset=utf-8']);
    expect(missing.headers.get('x-toxiproxy-request-id')).toBeNull();
    const wrong = await call('PUT', '/proxies');
    expect([wrong.status, wrong.body]).toEqual([405, '']);
    expect((await call('HEAD', '/version')).status).toBe(405);
    expect((await call('GET', '/proxies/')).status).toBe(404);
    const unclean = await call('GET', '//version?x=1');
    expect(unclean.status).toBe(301);
    expect(unclean.headers.get('location')).toBe('/version?x=1');
  });

  it('/metrics is a 404 unless asked for; with proxy metrics it counts the bytes of each direction', async () => {
    expect((await call('GET', '/metrics')).status).toBe(404);
    server = await harness.toxiproxy({ metrics: { proxy: true } });
    const echo = await harness.echo();
    const proxy = json(await call('POST', '/proxies', { name: 'm', listen: '127.0.0.1:0', upstream: echo }));
    const socket = await harness.connect(proxy.listen);
    await roundTrip(socket, Buffer.alloc(1000));
    const answer = await call('GET', '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const labels = `listener="${proxy.listen}",proxy="m",upstream="${echo}"`;
    expect(answer.body).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",${labels}} 1000`);
    expect(answer.body).toContain(`toxiproxy_proxy_sent_bytes_total{direction="downstream",${labels}} 1000`);
    socket.destroy();
  });

  it('/metrics with runtime metrics shows the process', async () => {
    server = await harness.toxiproxy({ metrics: { runtime: true } });
    expect((await call('GET', '/metrics')).body).toMatch(/^process_resident_memory_bytes \d+$/m);
  });
});
