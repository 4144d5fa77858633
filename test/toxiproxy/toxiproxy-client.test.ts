/**
 * toxiproxy-node-client 4.1.0, unchanged, against the fault proxy: every call it has, with
 * the expectations of its own test suite (src/tests/*.spec.ts) — and, where its tests would
 * pass without a rejection, with `rejects` so that a missing error fails here. Its quirks are
 * part of the contract: updates go by POST, any non-2xx is "Request failed with status code N".
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness } from './toxiproxy-harness.js';

const harness = new Harness();
let toxiproxy: Toxiproxy;

beforeEach(async () => {
  toxiproxy = new Toxiproxy((await harness.toxiproxy()).url);
});
afterEach(() => harness.close());

const withDefaults = (type: string, attributes: object) => ({ type, attributes }) as never;

describe('toxiproxy-node-client: the server', () => {
  it('getVersion gives the /version body as text', async () => {
    expect(await toxiproxy.getVersion()).toBe('{"version": "2.12.0"}\n');
  });

  it('createProxy with localhost:0 listens on a real port and accepts an upstream nobody serves', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: 'localhost:0', upstream: 'localhost:6379' });
    expect(proxy.name).toBe('redis');
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
    expect(proxy.upstream).toBe('localhost:6379');
    expect(proxy.enabled).toBe(true);
    expect((await toxiproxy.get('redis')).name).toBe('redis');
  });

  it('a second proxy of the same name is refused with 409', async () => {
    await toxiproxy.createProxy({ name: 'twice', listen: '127.0.0.1:0', upstream: 'localhost:6379' });
    await expect(toxiproxy.createProxy({ name: 'twice', listen: '127.0.0.1:0', upstream: 'localhost:6379' })).rejects.toThrow('Request failed with status code 409');
  });

  it('get of a missing proxy is a 404', async () => {
    await expect(toxiproxy.get('missing')).rejects.toThrow('Request failed with status code 404');
  });

  it('populate creates the proxies; getAll lists them with listen byte-identical to the input', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const populated = await toxiproxy.populate([
      { name: 'one', listen: `127.0.0.1:${a}`, upstream: 'localhost:6379' },
      { name: 'two', listen: `127.0.0.1:${b}`, upstream: 'localhost:6380' },
    ]);
    expect(Object.keys(populated).sort()).toEqual(['one', 'two']);
    const all = await toxiproxy.getAll();
    expect(Object.keys(all).sort()).toEqual(['one', 'two']);
    expect(all.one.listen).toBe(`127.0.0.1:${a}`);
    expect(all.two.listen).toBe(`127.0.0.1:${b}`);
    expect(all.two.upstream).toBe('localhost:6380');
    for (const proxy of Object.values(populated)) await proxy.remove();
    expect(await toxiproxy.getAll()).toEqual({});
  });

  it('reset resolves and re-enables a disabled proxy', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'r', listen: '127.0.0.1:0', upstream: 'localhost:6379', enabled: false } as never);
    expect(proxy.enabled).toBe(false);
    await toxiproxy.reset();
    expect((await toxiproxy.get('r')).enabled).toBe(true);
  });
});

describe('toxiproxy-node-client: a proxy', () => {
  it('update (by POST) disables, then re-enables it on a new upstream', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'u', listen: '127.0.0.1:0', upstream: 'localhost:6379' });
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    const moved = await disabled.update({ enabled: true, listen: proxy.listen, upstream: 'somehost:12345' });
    expect(moved.enabled).toBe(true);
    expect(moved.upstream).toBe('somehost:12345');
  });

  it('remove deletes it', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'gone', listen: '127.0.0.1:0', upstream: 'localhost:6379' });
    await proxy.remove();
    await expect(toxiproxy.get('gone')).rejects.toThrow('status code 404');
    await expect(proxy.remove()).rejects.toThrow('status code 404');
  });
});

describe('toxiproxy-node-client: toxics', () => {
  it('addToxic with the defaults: named <type>_downstream, toxicity 1, attributes echoed', async () => {
    const proxy = await toxiproxy.createProxy({ name: 't', listen: '127.0.0.1:0', upstream: 'localhost:6379' });
    const toxic = await proxy.addToxic(withDefaults('latency', { latency: 1000, jitter: 100 }));
    expect(toxic.name).toBe('latency_downstream');
    expect(toxic.type).toBe('latency');
    expect(toxic.stream).toBe('downstream');
    expect(toxic.toxicity).toBe(1);
    expect(toxic.attributes).toEqual({ latency: 1000, jitter: 100 });
    const again = await proxy.getToxic('latency_downstream');
    expect([again.name, again.type, again.stream, again.toxicity]).toEqual(['latency_downstream', 'latency', 'downstream', 1]);
  });

  it('update (by POST) changes the attributes; remove deletes; a second of the same name is a 409', async () => {
    const proxy = await toxiproxy.createProxy({ name: 't', listen: '127.0.0.1:0', upstream: 'localhost:6379' });
    const toxic = await proxy.addToxic(withDefaults('latency', { latency: 1000, jitter: 100 }));
    await expect(proxy.addToxic(withDefaults('latency', { latency: 1 }))).rejects.toThrow('Request failed with status code 409');
    const updated = await toxic.update({ attributes: { latency: 12345, jitter: 42 } } as never);
    expect(updated.attributes).toEqual({ latency: 12345, jitter: 42 });
    await updated.remove();
    await expect(proxy.getToxic('latency_downstream')).rejects.toThrow('Request failed with status code 404');
    await expect(updated.remove()).rejects.toThrow('status code 404');
  });

  it('creates every toxic type it knows and echoes the attributes (ToxicTypes.spec)', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'types', listen: '127.0.0.1:0', upstream: 'localhost:6379' });
    const cases: Array<[string, Record<string, number>]> = [
      ['latency', { latency: 1000, jitter: 100 }],
      ['bandwidth', { rate: 1000 }],
      ['slow_close', { delay: 1000 }],
      ['timeout', { timeout: 5000 }],
      ['slicer', { average_size: 1000, size_variation: 1000, delay: 1000 }],
      ['reset_peer', { timeout: 1000 }],
      ['limit_data', { bytes: 42 }],
    ];
    for (const [type, attributes] of cases) {
      const toxic = await proxy.addToxic(withDefaults(type, attributes));
      expect(toxic.attributes).toEqual(attributes);
      await toxic.remove();
    }
  });

  it("the 'down' type its types list is no toxic (a 400): down is enabled: false", async () => {
    const proxy = await toxiproxy.createProxy({ name: 'down', listen: '127.0.0.1:0', upstream: 'localhost:6379' });
    await expect(proxy.addToxic(withDefaults('down', {}))).rejects.toThrow('status code 400');
  });
});

/** A port free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
