/**
 * Toxics changing under open connections, as in Toxiproxy's toxic_test.go and link_test.go:
 * adding, updating and removing toxics mid-stream loses and reorders no byte; a proxy that
 * is disabled, moved or deleted drops its connections; a slow toxic slows the sender
 * through TCP instead of buffering in the proxy; and closing the server leaves no handle.
 */
import type { Socket } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { Proxy as ClientProxy } from 'toxiproxy-node-client';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, Harness, readBytes, readUntilEnd, roundTrip, sleep } from './toxiproxy-harness.js';

const harness = new Harness();
afterEach(() => harness.close());

async function proxyTo(upstream: string): Promise<{ proxy: ClientProxy; client: Toxiproxy; url: string }> {
  const server = await harness.toxiproxy();
  const client = new Toxiproxy(server.url);
  return { proxy: await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream }), client, url: server.url };
}

function toxic(name: string, type: string, stream: 'upstream' | 'downstream', attributes: Record<string, number>, toxicity = 1) {
  return { name, type, stream, toxicity, attributes } as never;
}

/** `size` bytes that tell their own position, so a lost or swapped chunk shows. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) bytes.writeUInt32BE(i / 4, i);
  return bytes;
}

/** Writes `payload` in `pieceSize` writes, one per turn of the event loop, then resolves. */
async function stream(socket: Socket, payload: Buffer, pieceSize: number): Promise<void> {
  for (let at = 0; at < payload.length; at += pieceSize) {
    if (!socket.write(payload.subarray(at, at + pieceSize))) await new Promise((resolve) => socket.once('drain', resolve));
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('toxics added, changed and removed under traffic', () => {
  it('loses and reorders no byte, in either direction', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    const payload = pattern(2 * 1024 * 1024);
    const back = readBytes(socket, payload.length);
    let sending = true;
    const writer = stream(socket, payload, 8192).then(() => (sending = false));
    const kinds = [
      ['latency', { latency: 5, jitter: 3 }],
      ['slicer', { average_size: 700, size_variation: 300, delay: 0 }],
      ['bandwidth', { rate: 20_000 }],
      ['latency', { latency: 1, jitter: 0 }],
      ['noop', {}],
      ['slow_close', { delay: 1 }],
    ] as const;
    const present: Array<{ remove(): Promise<void>; update(body: never): Promise<unknown> }> = [];
    let changes = 0;
    for (let i = 0; sending; i++) {
      const [type, attributes] = kinds[i % kinds.length];
      const stream = i % 3 === 0 ? 'upstream' : 'downstream';
      if (present.length < 4) present.push(await proxy.addToxic(toxic(`t${i}`, type, stream, attributes, (i % 5) / 4)));
      if (i % 2 === 1) await present[i % present.length].update({ toxicity: 1 } as never);
      if (i % 3 === 2) await present.splice(i % present.length, 1)[0].remove();
      changes++;
      await sleep(2);
    }
    await writer;
    const received = await back;
    expect(changes).toBeGreaterThan(10);
    expect(received.length).toBe(payload.length);
    expect(received.equals(payload)).toBe(true);
  });

  it('hands on what a removed latency held at once, before what came after it', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    const latency = await proxy.addToxic(toxic('slow', 'latency', 'downstream', { latency: 1000, jitter: 0 }));
    const back = readBytes(socket, 6);
    socket.write('abc');
    await sleep(100);
    const removed = performance.now();
    await latency.remove();
    socket.write('def');
    expect((await back).toString()).toBe('abcdef');
    expect(performance.now() - removed).toBeLessThan(500);
  });

  it('a toxic added behind a holding latency lets the held chunk go first', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('first', 'latency', 'downstream', { latency: 300, jitter: 0 }));
    const back = readBytes(socket, 6);
    socket.write('abc');
    await sleep(50);
    await proxy.addToxic(toxic('second', 'slicer', 'downstream', { average_size: 1, size_variation: 0, delay: 0 }));
    socket.write('def');
    expect((await back).toString()).toBe('abcdef');
  });

  it('an update restarts the toxic with its new attributes on open connections', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    const latency = await proxy.addToxic(toxic('l', 'latency', 'downstream', { latency: 20, jitter: 0 }));
    expect(await roundTrip(socket)).toBeLessThan(150);
    await latency.update({ attributes: { latency: 200 } } as never);
    expect(await roundTrip(socket)).toBeGreaterThanOrEqual(200);
  });
});

describe('a slow toxic slows the sender', () => {
  it('does not read ahead of a bandwidth limit: the client is held back by TCP', async () => {
    const { proxy } = await proxyTo(await harness.upstream((socket) => socket.resume()));
    await proxy.addToxic(toxic('slow', 'bandwidth', 'upstream', { rate: 100 }));
    const socket = await harness.connect(proxy.listen);
    socket.write(Buffer.alloc(32 * 1024 * 1024));
    await sleep(500);
    // Kernel buffers on loopback take a few MB; had the proxy read on, the client's queue would be empty.
    expect(socket.writableLength).toBeGreaterThan(16 * 1024 * 1024);
  });
});

describe('proxies changed under open connections', () => {
  it('disabling a proxy closes its connections and refuses new ones; enabling it serves again', async () => {
    const { proxy, client } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    expect(await roundTrip(socket)).toBeLessThan(1000);
    const ending = readUntilEnd(socket);
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    await ending;
    expect(await harness.tryConnect(proxy.listen)).toBe('ECONNREFUSED');
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(enabled.enabled).toBe(true);
    expect(enabled.listen).toBe(proxy.listen);
    expect(await roundTrip(await harness.connect(enabled.listen))).toBeLessThan(1000);
    expect((await client.get('p')).enabled).toBe(true);
  });

  it('deleting a proxy closes its connections', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    await proxy.remove();
    await ending;
    expect(await harness.tryConnect(proxy.listen)).toBe('ECONNREFUSED');
  });

  it('a new upstream drops the open connections and sends new ones there', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const other = await harness.upstream((socket) => socket.end('other'));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    const moved = await proxy.update({ enabled: true, listen: proxy.listen, upstream: other });
    await ending;
    expect(moved.upstream).toBe(other);
    expect(moved.listen).toBe(proxy.listen);
    const { data } = await readUntilEnd(await harness.connect(moved.listen));
    expect(data.toString()).toBe('other');
  });

  it('an unreachable upstream: the connection is accepted, then closed', async () => {
    const { proxy } = await proxyTo('127.0.0.1:1');
    const { data, error } = await readUntilEnd(await harness.connect(proxy.listen));
    expect(data.length).toBe(0);
    expect(error === undefined || error === 'ECONNRESET').toBe(true);
  });

  it('/reset re-enables every proxy and removes every toxic, open connections included', async () => {
    const { proxy, client } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('l', 'latency', 'downstream', { latency: 300, jitter: 0 }));
    expect(await roundTrip(socket)).toBeGreaterThanOrEqual(300);
    await client.reset();
    expect(await roundTrip(socket)).toBeLessThan(150);
    await (await client.get('p')).update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await client.reset();
    expect((await client.get('p')).enabled).toBe(true);
  });
});

describe('closing the server', () => {
  it('leaves no socket, listener or timer behind, even with toxics holding data', async () => {
    const tcp = () => process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout' || name === 'Immediate').length;
    await eventually(() => tcp() === 0, 2000); // the sockets of earlier tests finish closing
    const before = { tcp: tcp(), timers: timers() };
    const local = new Harness();
    const server = await local.toxiproxy();
    const client = new Toxiproxy(server.url);
    const echo = await local.echo();
    const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: echo });
    await proxy.addToxic(toxic('l', 'latency', 'downstream', { latency: 60_000, jitter: 0 }));
    await proxy.addToxic(toxic('t', 'timeout', 'upstream', { timeout: 60_000 }));
    const sockets = await Promise.all([1, 2, 3].map(() => local.connect(proxy.listen)));
    for (const socket of sockets) socket.write('held');
    await sleep(50);
    expect(tcp()).toBeGreaterThan(before.tcp);
    await server.close();
    for (const socket of sockets) socket.destroy();
    await local.close();
    await eventually(() => tcp() === 0 && timers() <= before.timers, 2000);
  });
});
