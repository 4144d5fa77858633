/**
 * What the Toxiproxy-compatible proxy (sim/toxiproxy/) costs on the data path with no toxic
 * (bench/RESULTS.md, "Toxiproxy-compatible proxy"). Request/response over keep-alive TCP
 * connections to an echo server in its own process (every byte sent comes back), 1 KiB and
 * 64 KiB requests, through
 *
 *   direct   the echo server itself;
 *   pipe     the floor for any proxy in Node: a net server doing
 *            `client.pipe(upstream).pipe(client)` (noDelay on both sockets, as ours);
 *   pipe-b   a second, identical plain pipe: the control. What it measures against `pipe`
 *            is the method's noise: a difference of ours no larger is no difference;
 *   ours     a proxy of ToxiproxyState, no toxic;
 *   chain    the same with a `noop` toxic on each stream: the per-chunk path a toxic runs on
 *            (informative, no target).
 *
 * Both proxies run in this process, which does nothing else; the client runs in its own
 * process. On a shared machine the load of other processes swings from second to second,
 * so the targets take turns at a fine grain and see the same conditions:
 *
 *   latency     one connection per target, one request at a time, the targets in turn request
 *               by request (the first target rotating): p50, p99 of each target's round trips;
 *   throughput  N connections per target (default 16), each with one request at a time, the
 *               targets in turn in 250 ms slices: requests answered within each slice.
 *
 * A warm-up pass is thrown away first. Targets (issue 10): ours ≥ 90% of pipe's throughput
 * and ≤ 0.2 ms added p99 over pipe.
 *
 *   npx tsx bench/toxiproxy-throughput.ts [--seconds 10] [--connections 16]
 *   (--seconds: per target and scenario)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ToxiproxyState } from '../sim/toxiproxy/toxiproxy-state.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
  },
});

/** Latency: one connection per target, one request at a time, the targets taking turns request by request. */
interface LatencyRequest {
  kind: 'latency';
  ports: number[];
  size: number;
  ms: number;
}

/** Throughput: `connections` per target, the targets taking turns slice by slice. */
interface ThroughputRequest {
  kind: 'throughput';
  ports: number[];
  size: number;
  connections: number;
  sliceMs: number;
  slices: number;
}

/** Round trips in ms, per target. */
type LatencyResult = number[][];
/** Requests answered in each of a target's slices, per target. */
type ThroughputResult = number[][];

if (values.role === 'echo') runEcho();
else if (values.role === 'client') runClient();
else await main();

/** The upstream: every byte back, keep-alive, its own process. */
function runEcho(): void {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

/** The client: runs what the parent asks, answers with the figures. */
function runClient(): void {
  process.on('message', (request: LatencyRequest | ThroughputRequest) => {
    const done = request.kind === 'latency' ? latency(request) : throughput(request);
    void done.then((result) => process.send!(result));
  });
  process.on('disconnect', () => process.exit(0));
}

/** A connection that sends `size` bytes and resolves once they are back. */
class Exchanger {
  private got = 0;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly payload: Buffer,
  ) {
    socket.on('data', (data: Buffer) => {
      this.got += data.length;
      if (this.got >= payload.length && this.wake) {
        const wake = this.wake;
        this.wake = null;
        wake();
      }
    });
  }

  static open(port: number, payload: Buffer): Promise<Exchanger> {
    return new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(new Exchanger(socket, payload)));
    });
  }

  /** One round trip. */
  exchange(): Promise<void> {
    this.got = 0;
    const back = new Promise<void>((resolve) => (this.wake = resolve));
    this.socket.write(this.payload);
    return back;
  }

  close(): void {
    this.socket.destroy();
  }
}

async function latency({ ports, size, ms }: LatencyRequest): Promise<LatencyResult> {
  const payload = Buffer.alloc(size, 0x61);
  const exchangers = await Promise.all(ports.map((port) => Exchanger.open(port, payload)));
  const times: number[][] = ports.map(() => []);
  const end = performance.now() + ms;
  for (let turn = 0; performance.now() < end; turn++) {
    for (let i = 0; i < ports.length; i++) {
      const target = (i + turn) % ports.length;
      const start = performance.now();
      await exchangers[target].exchange();
      times[target].push(performance.now() - start);
    }
  }
  for (const exchanger of exchangers) exchanger.close();
  return times;
}

async function throughput({ ports, size, connections, sliceMs, slices }: ThroughputRequest): Promise<ThroughputResult> {
  const payload = Buffer.alloc(size, 0x61);
  const pools = await Promise.all(ports.map((port) => Promise.all(Array.from({ length: connections }, () => Exchanger.open(port, payload)))));
  const counts: number[][] = ports.map(() => []);
  for (let slice = 0; slice < slices; slice++) {
    for (let i = 0; i < ports.length; i++) {
      const target = (i + slice) % ports.length;
      const end = performance.now() + sliceMs;
      let answered = 0;
      await Promise.all(
        pools[target].map(async (exchanger) => {
          while (performance.now() < end) {
            await exchanger.exchange();
            if (performance.now() <= end) answered++;
          }
        }),
      );
      counts[target].push(answered);
    }
  }
  for (const pool of pools) for (const exchanger of pool) exchanger.close();
  return counts;
}

async function main(): Promise<void> {
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const echo = await forkRole('echo');
  const echoPort = ((await nextMessage(echo)) as { port: number }).port;
  const client = await forkRole('client');
  const pipe = await plainPipe(echoPort);
  const pipeB = await plainPipe(echoPort);
  const state = new ToxiproxyState({ seed: 1 });
  const ours = await state.createProxy({ name: 'ours', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
  const chain = await state.createProxy({ name: 'chain', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
  state.addToxic('chain', { name: 'up', type: 'noop', stream: 'upstream' });
  state.addToxic('chain', { name: 'down', type: 'noop', stream: 'downstream' });
  const names = ['direct', 'pipe', 'ours', 'chain', 'pipe-b'];
  const ports = [echoPort, (pipe.address() as AddressInfo).port, port(ours.listen), port(chain.listen), (pipeB.address() as AddressInfo).port];
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model}), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // Warm-up (the JIT, the sockets), thrown away.
  await ask<LatencyResult>(client, { kind: 'latency', ports, size: 65536, ms: 1000 });
  await ask<ThroughputResult>(client, { kind: 'throughput', ports, size: 65536, connections, sliceMs: 100, slices: 4 });

  for (const size of [1024, 65536]) {
    const times = await ask<LatencyResult>(client, { kind: 'latency', ports, size, ms: seconds * 1000 * names.length });
    console.log(`\nlatency, ${size / 1024} KiB, 1 connection per target, targets in turn request by request (${times[0].length} round trips each)`);
    for (let t = 0; t < names.length; t++) {
      console.log(`  ${names[t].padEnd(7)} p50 ${quantile(times[t], 0.5).toFixed(3)} ms  p90 ${quantile(times[t], 0.9).toFixed(3)} ms  p99 ${quantile(times[t], 0.99).toFixed(3)} ms  p99.9 ${quantile(times[t], 0.999).toFixed(3)} ms`);
    }
    for (const t of [2, 3, 4]) {
      const blocks = blockwise(times[t], times[1], 10, (a, b) => quantile(a, 0.99) - quantile(b, 0.99));
      console.log(
        `  ${names[t]} − pipe: p50 ${signed(quantile(times[t], 0.5) - quantile(times[1], 0.5))} ms, p99 ${signed(quantile(times[t], 0.99) - quantile(times[1], 0.99))} ms (over 10 blocks of the run: median ${signed(median(blocks))}, range ${signed(Math.min(...blocks))} … ${signed(Math.max(...blocks))})`,
      );
    }
  }

  for (const size of [1024, 65536]) {
    const sliceMs = 250;
    const slices = Math.max(4, Math.round((seconds * 1000) / sliceMs));
    const counts = await ask<ThroughputResult>(client, { kind: 'throughput', ports, size, connections, sliceMs, slices });
    console.log(`\nthroughput, ${size / 1024} KiB, ${connections} connections per target, targets in turn in ${slices} slices of ${sliceMs} ms each`);
    for (let t = 0; t < names.length; t++) {
      const total = counts[t].reduce((a, b) => a + b, 0);
      const rate = total / ((slices * sliceMs) / 1000);
      console.log(`  ${names[t].padEnd(7)} ${((rate * size) / 1e6).toFixed(1).padStart(7)} MB/s  ${rate.toFixed(0).padStart(7)} req/s`);
    }
    for (const t of [2, 3, 4]) {
      const ratios = counts[t].map((c, i) => c / counts[1][i]);
      const total = counts[t].reduce((a, b) => a + b, 0) / counts[1].reduce((a, b) => a + b, 0);
      console.log(`  ${names[t]} / pipe: ${(total * 100).toFixed(1)}% (per slice: median ${(median(ratios) * 100).toFixed(1)}%, quartiles ${(quantile(ratios, 0.25) * 100).toFixed(1)}% … ${(quantile(ratios, 0.75) * 100).toFixed(1)}%)`);
    }
  }
  client.disconnect();
  echo.disconnect();
  await state.close();
  pipe.close();
  pipeB.close();
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** `f` over `blocks` consecutive blocks of two series taken side by side. */
function blockwise(a: readonly number[], b: readonly number[], blocks: number, f: (a: number[], b: number[]) => number): number[] {
  const n = Math.min(a.length, b.length);
  const size = Math.floor(n / blocks);
  return Array.from({ length: blocks }, (_, i) => f(a.slice(i * size, (i + 1) * size), b.slice(i * size, (i + 1) * size)));
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
}

/** The plain-pipe proxy: the floor. */
async function plainPipe(upstreamPort: number): Promise<Server> {
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function forkRole(role: string): Promise<ChildProcess> {
  const child = fork(new URL(import.meta.url).pathname, ['--role', role], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => child.once('spawn', () => resolve(child)));
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => child.once('message', resolve));
}

async function ask<T>(client: ChildProcess, request: LatencyRequest | ThroughputRequest): Promise<T> {
  const answer = nextMessage(client);
  client.send(request);
  return (await answer) as T;
}

function port(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}
