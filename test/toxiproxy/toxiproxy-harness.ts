/**
 * What the fault-proxy tests share: a Toxiproxy-compatible server on a free loopback port,
 * upstream servers (an echo, or any handler), client sockets, and helpers that read and time
 * them. Everything a test opens is closed by {@link Harness.close}, so no handle outlives it.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { startToxiproxyServer } from '../../sim/toxiproxy/toxiproxy-server.js';
import type { ToxiproxyServer, ToxiproxyServerOptions } from '../../sim/toxiproxy/toxiproxy-server.js';

/** Opens servers and sockets for one test and closes them all at its end. */
export class Harness {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly proxies: ToxiproxyServer[] = [];

  /** A fault-proxy server on 127.0.0.1, a free port, seeded unless told otherwise. */
  async toxiproxy(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    const server = await startToxiproxyServer({ port: 0, seed: 1, ...options });
    this.proxies.push(server);
    return server;
  }

  /** An upstream on 127.0.0.1 answering each connection with `handle`; its `host:port`. */
  async upstream(handle: (socket: Socket) => void): Promise<string> {
    const server = createServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      handle(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers.push(server);
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** An upstream echoing every byte back. */
  echo(): Promise<string> {
    return this.upstream((socket) => socket.pipe(socket));
  }

  /** A client connection to `address` (`host:port`), once connected. */
  async connect(address: string): Promise<Socket> {
    const [host, port] = splitAddress(address);
    const socket = connect({ host, port, noDelay: true });
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  /** A client connection that may fail; resolves with its error code, or 'connected'. */
  async tryConnect(address: string): Promise<string> {
    const [host, port] = splitAddress(address);
    const socket = connect({ host, port });
    this.sockets.add(socket);
    return new Promise((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
  }

  /** Closes everything opened. */
  async close(): Promise<void> {
    const sockets = [...this.sockets];
    this.sockets.clear();
    for (const socket of sockets) socket.destroy();
    await Promise.all(sockets.map((socket) => (socket.closed ? undefined : new Promise((resolve) => socket.once('close', resolve)))));
    await Promise.all(this.proxies.splice(0).map((server) => server.close()));
    await Promise.all(this.servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** `host:port` split; the port as a number. */
export function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

/** Resolves with exactly `n` bytes read from `socket` (the data events after the call), or rejects if it ends first. */
export function readBytes(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (data: Buffer): void => {
      chunks.push(data);
      size += data.length;
      if (size >= n) {
        cleanup();
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`the socket ended after ${size} of ${n} bytes`));
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}

/** What a socket received until it closed, and how it closed. */
export interface Ending {
  readonly data: Buffer;
  /** The error it closed with (`ECONNRESET`…), if any. */
  readonly error?: string;
  /** ms from the call until the end of input (or the error). */
  readonly ms: number;
  /** ms from the call until the first data, if any came. */
  readonly firstDataMs?: number;
}

/** Reads `socket` until its input ends or it fails. */
export function readUntilEnd(socket: Socket): Promise<Ending> {
  const start = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let firstDataMs: number | undefined;
    let done = false;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      resolve({ data: Buffer.concat(chunks), error, ms: performance.now() - start, firstDataMs });
    };
    socket.on('data', (data: Buffer) => {
      firstDataMs ??= performance.now() - start;
      chunks.push(data);
    });
    socket.once('end', () => finish());
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.once('close', () => finish());
  });
}

/** Writes `payload` and resolves with the ms until as many bytes came back (an echo upstream). */
export async function roundTrip(socket: Socket, payload: Buffer | string = 'ping'): Promise<number> {
  const bytes = Buffer.from(payload);
  const start = performance.now();
  const reply = readBytes(socket, bytes.length);
  socket.write(bytes);
  await reply;
  return performance.now() - start;
}

/** The smallest of `n` round trips, one after another: the toxic's own delay, with the machine's noise mostly left out. */
export async function minRoundTrip(socket: Socket, n: number, payload: Buffer | string = 'ping'): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < n; i++) min = Math.min(min, await roundTrip(socket, payload));
  return min;
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 10 ms until it holds, at most `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}
