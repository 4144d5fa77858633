/**
 * Every toxic end to end through real sockets: a client on 127.0.0.1, the fault proxy, and
 * an upstream server, in the spirit of Toxiproxy's own toxics/*_test.go (its tolerance of
 * ±10 ms per hop; here measured as the least of several round trips, so that a busy
 * machine's noise delays a sample without failing the test). Toxics are added through
 * toxiproxy-node-client, as a user would.
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import type { Proxy as ClientProxy } from 'toxiproxy-node-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, minRoundTrip, readBytes, readUntilEnd, roundTrip, sleep } from './toxiproxy-harness.js';

const harness = new Harness();
afterEach(() => harness.close());

/** A proxy in front of `upstream`, through the HTTP API. */
async function proxyTo(upstream: string, name = 'p'): Promise<{ proxy: ClientProxy; client: Toxiproxy }> {
  const server = await harness.toxiproxy();
  const client = new Toxiproxy(server.url);
  const proxy = await client.createProxy({ name, listen: '127.0.0.1:0', upstream });
  return { proxy, client };
}

/** `addToxic` with the node client's required fields filled with Toxiproxy's defaults. */
function toxic(type: string, attributes: Record<string, number>, stream: 'upstream' | 'downstream' = 'downstream', toxicity = 1, name = `${type}_${stream}`) {
  return { name, type, stream, toxicity, attributes } as never;
}

describe('latency', () => {
  it('delays each round trip by latency, within 10 ms (least of 8)', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    const base = await minRoundTrip(socket, 8);
    await proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }));
    const delayed = await minRoundTrip(socket, 8);
    expect(delayed).toBeGreaterThanOrEqual(100);
    expect(delayed - base).toBeLessThanOrEqual(110);
    expect(delayed).toBeLessThanOrEqual(110);
  });

  it('upstream delays the request, downstream the answer, both add up', async () => {
    const arrivals: number[] = [];
    const upstream = await harness.upstream((socket) => socket.on('data', (data) => (arrivals.push(performance.now()), socket.write(data))));
    const { proxy } = await proxyTo(upstream);
    const socket = await harness.connect(proxy.listen);
    const oneWay = async (): Promise<{ there: number; back: number }> => {
      const sent = performance.now();
      const rtt = await roundTrip(socket, 'x');
      const there = arrivals.at(-1)! - sent;
      return { there, back: rtt - there };
    };
    const up = await proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }, 'upstream'));
    const upOnly = await oneWay();
    expect(upOnly.there).toBeGreaterThanOrEqual(100);
    expect(upOnly.back).toBeLessThan(50);
    await up.remove();
    const down = await proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }, 'downstream'));
    const downOnly = await oneWay();
    expect(downOnly.there).toBeLessThan(50);
    expect(downOnly.back).toBeGreaterThanOrEqual(100);
    await proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }, 'upstream'));
    expect(await minRoundTrip(socket, 4, 'y')).toBeGreaterThanOrEqual(200);
    await down.remove();
  });

  it('jitter spreads the delays over [latency − jitter, latency + jitter)', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('latency', { latency: 60, jitter: 40 }));
    const samples: number[] = [];
    for (let i = 0; i < 12; i++) samples.push(await roundTrip(socket));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(20);
    expect(Math.min(...samples)).toBeLessThan(60); // 12 draws from [20, 100): one below 60 but with chance 2^-12
    expect(new Set(samples.map((ms) => Math.round(ms / 5))).size).toBeGreaterThan(3);
  });

  it('two latency toxics in one direction add up', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('latency', { latency: 60, jitter: 0 }, 'downstream', 1, 'first'));
    await proxy.addToxic(toxic('latency', { latency: 60, jitter: 0 }, 'downstream', 1, 'second'));
    const ms = await minRoundTrip(socket, 4);
    expect(ms).toBeGreaterThanOrEqual(120);
    expect(ms).toBeLessThanOrEqual(130);
  });

  it('does not cut throughput: chunks in flight are delayed side by side', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }));
    const payload = Buffer.alloc(4 * 1024 * 1024, 7);
    const start = performance.now();
    const back = readBytes(socket, payload.length);
    socket.write(payload);
    expect((await back).equals(payload)).toBe(true);
    // 4 MiB in 64 KiB reads, each held 100 ms: one after another that would be ~6 s.
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('bandwidth', () => {
  it('limits a transfer to rate KB/s (1 KB = 1000 bytes), within 10%', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('bandwidth', { rate: 100 }));
    const payload = Buffer.alloc(200_000, 3);
    const start = performance.now();
    const back = readBytes(socket, payload.length);
    socket.write(payload);
    expect((await back).equals(payload)).toBe(true);
    const ms = performance.now() - start;
    expect(ms).toBeGreaterThanOrEqual(1800);
    expect(ms).toBeLessThanOrEqual(2200);
  });

  it('holds everything at rate 0 until removed, then lets it all through', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    const stall = await proxy.addToxic(toxic('bandwidth', { rate: 0 }));
    const back = readBytes(socket, 5);
    socket.write('stall');
    await sleep(200);
    expect(socket.bytesRead).toBe(0);
    await stall.remove();
    expect((await back).toString()).toBe('stall');
  });
});

describe('slow_close', () => {
  it('passes the data at once and the close delay ms late', async () => {
    const upstream = await harness.upstream((socket) => socket.end('bye'));
    const { proxy } = await proxyTo(upstream);
    await proxy.addToxic(toxic('slow_close', { delay: 200 }));
    const socket = await harness.connect(proxy.listen);
    const ending = await readUntilEnd(socket);
    expect(ending.data.toString()).toBe('bye');
    expect(ending.firstDataMs!).toBeLessThan(100);
    expect(ending.ms).toBeGreaterThanOrEqual(200);
  });

  it('without it the close comes at once', async () => {
    const upstream = await harness.upstream((socket) => socket.end('bye'));
    const { proxy } = await proxyTo(upstream);
    const ending = await readUntilEnd(await harness.connect(proxy.listen));
    expect(ending.data.toString()).toBe('bye');
    expect(ending.ms).toBeLessThan(150);
  });
});

describe('timeout', () => {
  it('drops the data and closes the connection timeout ms after the last chunk', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    await proxy.addToxic(toxic('timeout', { timeout: 200 }));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    socket.write('lost');
    const { data, ms } = await ending;
    expect(data.length).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(195);
  });

  it('with timeout 0 holds the connection open and silent; removing the toxic closes it', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const hold = await proxy.addToxic(toxic('timeout', { timeout: 0 }));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    socket.write('held');
    await sleep(300);
    expect(socket.destroyed || socket.readableEnded).toBe(false);
    expect(socket.bytesRead).toBe(0);
    await hold.remove();
    const { data } = await ending;
    expect(data.length).toBe(0);
  });
});

describe('reset_peer', () => {
  it('resets the connection (ECONNRESET) timeout ms after the first data', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    await proxy.addToxic(toxic('reset_peer', { timeout: 100 }));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    socket.write('hello');
    const { error, data, ms } = await ending;
    expect(error).toBe('ECONNRESET');
    expect(data.length).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(95);
  });

  it('resets the upstream side too', async () => {
    let upstreamEnding: Promise<{ error?: string }> = new Promise(() => undefined);
    const upstream = await harness.upstream((socket) => {
      upstreamEnding = readUntilEnd(socket);
    });
    const { proxy } = await proxyTo(upstream);
    await proxy.addToxic(toxic('reset_peer', { timeout: 0 }, 'upstream'));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    await sleep(50);
    socket.write('hello');
    expect((await ending).error).toBe('ECONNRESET');
    expect((await upstreamEnding).error).toBe('ECONNRESET');
  });
});

describe('slicer', () => {
  it('delivers the bytes intact in many small reads', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('slicer', { average_size: 1024, size_variation: 512, delay: 10 }));
    const payload = Buffer.from(Array.from({ length: 480_000 }, (_, i) => i % 251));
    let reads = 0;
    socket.on('data', () => reads++);
    const back = readBytes(socket, payload.length);
    socket.write(payload);
    expect((await back).equals(payload)).toBe(true);
    // At most 1536 bytes a piece: at least 313 pieces. Without the toxic, 64 KiB reads: about 8.
    // Reads may merge pieces on a busy machine, so only a quarter of them are required apart.
    expect(reads).toBeGreaterThanOrEqual(78);
  });

  it('spaces the pieces delay µs apart', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const socket = await harness.connect(proxy.listen);
    await proxy.addToxic(toxic('slicer', { average_size: 100, size_variation: 0, delay: 20_000 }));
    const start = performance.now();
    const back = readBytes(socket, 400);
    socket.write(Buffer.alloc(400, 1));
    await back;
    // 4 pieces of 100 bytes, 20 ms after each of the first three at least.
    expect(performance.now() - start).toBeGreaterThanOrEqual(60);
  });
});

describe('limit_data', () => {
  it('lets exactly `bytes` through downstream, then closes', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    await proxy.addToxic(toxic('limit_data', { bytes: 1000 }));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    socket.write(Buffer.alloc(600, 1));
    await sleep(30);
    socket.write(Buffer.alloc(5000, 2));
    const { data } = await ending;
    expect(data.length).toBe(1000);
    expect(data.subarray(0, 600).every((b) => b === 1)).toBe(true);
    expect(data.subarray(600).every((b) => b === 2)).toBe(true);
  });

  it('counts upstream bytes exactly at the server', async () => {
    let received: Promise<{ data: Buffer }> = new Promise(() => undefined);
    const upstream = await harness.upstream((socket) => {
      received = readUntilEnd(socket);
    });
    const { proxy } = await proxyTo(upstream);
    await proxy.addToxic(toxic('limit_data', { bytes: 12_345 }, 'upstream'));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    socket.write(Buffer.alloc(100_000, 9));
    await ending;
    expect((await received).data.length).toBe(12_345);
  });

  it('keeps its count across an update of the toxic', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const limit = await proxy.addToxic(toxic('limit_data', { bytes: 100 }));
    const socket = await harness.connect(proxy.listen);
    const ending = readUntilEnd(socket);
    expect((await readBytesAfterWrite(socket, 60)).length).toBe(60);
    await limit.update({ attributes: { bytes: 150 } } as never);
    socket.write(Buffer.alloc(200, 5));
    const { data } = await ending;
    expect(data.length).toBe(150); // 60 before, 90 after: the count did not start again
  });
});

describe('toxicity and streams', () => {
  it('toxicity 0 never applies; raising it to 1 re-rolls open connections', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    const latency = await proxy.addToxic(toxic('latency', { latency: 200, jitter: 0 }, 'downstream', 0));
    const socket = await harness.connect(proxy.listen);
    expect(await roundTrip(socket)).toBeLessThan(100);
    await latency.update({ toxicity: 1 } as never);
    expect(await roundTrip(socket)).toBeGreaterThanOrEqual(200);
  });

  it('a toxicity of 0.5 applies to about half the connections (seeded)', async () => {
    const { proxy } = await proxyTo(await harness.echo());
    await proxy.addToxic(toxic('latency', { latency: 60, jitter: 0 }, 'downstream', 0.5));
    let delayed = 0;
    for (let i = 0; i < 30; i++) {
      const socket = await harness.connect(proxy.listen);
      if ((await roundTrip(socket)) >= 60) delayed++;
      socket.destroy();
    }
    expect(delayed).toBeGreaterThanOrEqual(8);
    expect(delayed).toBeLessThanOrEqual(22);
  });
});

async function readBytesAfterWrite(socket: import('node:net').Socket, n: number): Promise<Buffer> {
  const back = readBytes(socket, n);
  socket.write(Buffer.alloc(n, 4));
  return back;
}
