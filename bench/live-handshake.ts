/**
 * What an mTLS handshake costs live, next to what the simulator charges for one
 * (sim/handshake-cost.ts). `npm run bench -- live-handshake`, or `npx tsx bench/live-handshake.ts`.
 *
 * Method: one process, both ends on 127.0.0.1 (so a handshake's time holds both sides' CPU
 * one after the other, plus loopback: the simulator's "CPU of both sides" plus its round
 * trip), ECDSA P-256 certificates of a real CA (sim/live/identity/), secure contexts built
 * once. Sequential handshakes, each a new TCP connection timed from `connect` until both
 * sides hold their verdict, then closed: 50 warm-up per kind, then 5 rounds of 100 timed per
 * kind, the kinds taking turns within each round (tinybench times each round), so a machine
 * whose speed drifts slows every kind alike. Figures pool the 500 samples of each kind.
 *
 * - `live full`: what live mode runs: WorkloadTls.connect (SPIFFE verification on the
 *   client) ↔ MeshListener STRICT (first-byte sniff, tls.Server, verification of the client).
 * - `node full`: plain node:tls with the same prebuilt contexts, `rejectUnauthorized`, no
 *   faultline code: the floor under `live full`.
 * - `node resumed`: the same, resuming a TLS 1.3 session ticket (PSK with ECDHE); every
 *   handshake is checked to have been resumed. Live servers issue no tickets
 *   (LIVE_TLS_SECURE_OPTIONS): this is what resumption would save.
 * - `tcp connect`: a bare TCP connect on loopback, for scale.
 *
 * CPU per handshake is `process.cpuUsage()` (user + system, both sides) over the timed
 * handshakes. For scale, the same run times the primitives sim/handshake-cost.ts built its
 * charge from (node:crypto, synchronous): ECDSA P-256 sign and verify, X25519 key pair and
 * derivation. Stubbed: nothing; loopback has no network delay, so compare the CPU part.
 */
import { diffieHellman, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { createServer as createNetServer, connect as netConnect, type AddressInfo, type Server as NetServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import { connect as tlsConnect, createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { Bench } from 'tinybench';
import { RealClock } from '../proxy-core/clock/real-clock.js';
import { newHandshakeResult } from '../proxy-core/identity/mtls-handshake.js';
import { workloadId } from '../proxy-core/identity/spiffe-id.js';
import { DEFAULT_HANDSHAKE_COST, handshakeDelayMs } from '../sim/handshake-cost.js';
import { MeshListener } from '../sim/live/identity/mesh-listener.js';
import { WorkloadTls } from '../sim/live/identity/workload-tls.js';
import { X509Authority } from '../sim/live/identity/x509-authority.js';
import type { BenchFigure } from './bench-figure.js';

const SUITE = 'live-handshake';
const WARMUP = 50;
const ROUNDS = 5;
const PER_ROUND = 100;
const SERVER_ID = workloadId('cluster.local', 'shop', 'orders');
const CLIENT_ID = workloadId('cluster.local', 'shop', 'frontend');

/** One kind of handshake: how to make one, and the servers it needs. */
interface Kind {
  readonly name: string;
  readonly note: string;
  /** Resolves once both ends hold their verdict; the connection is closed after. */
  once(): Promise<void>;
}

/** Measured latency and CPU of one kind. */
interface Measured {
  readonly kind: Kind;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  readonly cpuMs: number;
}

/** The live-handshake suite's figures, printed next to the simulator's charges. */
export async function benchLiveHandshake(): Promise<BenchFigure[]> {
  const clock = new RealClock();
  const authority = await X509Authority.create(clock, { trustDomain: 'cluster.local' });
  const [server, client] = await Promise.all([WorkloadTls.start(clock, authority, SERVER_ID), WorkloadTls.start(clock, authority, CLIENT_ID)]);
  const servers = await startServers(server);
  try {
    const kinds = [liveFull(client, servers.live), nodeFull(client, servers.node), await nodeResumed(client, servers.node), tcpConnect(servers.tcp)];
    const measured = await measureInTurns(kinds);
    const primitives = await timePrimitives();
    const figures = [...measured.flatMap(toFigures), ...primitives, ...simulatorCharges()];
    printComparison(measured, primitives);
    return figures;
  } finally {
    await servers.close();
    server.stop();
    client.stop();
    clock.cancelAll();
  }
}

/** Times every kind in turns: a warm-up each, then {@link ROUNDS} rounds of {@link PER_ROUND} each. */
async function measureInTurns(kinds: readonly Kind[]): Promise<Measured[]> {
  const samples = kinds.map((): number[] => []);
  const cpuMicros = kinds.map(() => 0);
  for (const kind of kinds) await timeRound(kind, WARMUP);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < kinds.length; k++) {
      const cpuAtStart = process.cpuUsage();
      samples[k].push(...(await timeRound(kinds[k], PER_ROUND)));
      const cpu = process.cpuUsage(cpuAtStart);
      cpuMicros[k] += cpu.user + cpu.system;
    }
  }
  return kinds.map((kind, k) => {
    const sorted = samples[k].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    return { kind, mean, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), samples: sorted.length, cpuMs: cpuMicros[k] / 1000 / sorted.length };
  });
}

/** `n` sequential handshakes of `kind`, timed one by one (ms). */
async function timeRound(kind: Kind, n: number): Promise<number[]> {
  const bench = new Bench({ time: 0, iterations: n, warmup: false, throws: true });
  // An async function: tinybench calls any other kind of task once, untimed, to see whether it returns a promise.
  bench.add(kind.name, async () => kind.once());
  await bench.run();
  const latency = bench.getTask(kind.name)?.result?.latency;
  if (latency === undefined || latency.samples.length !== n) throw new Error(`${SUITE}: ${kind.name} gave no result`);
  return [...latency.samples];
}

/** Linear interpolation between order statistics, as tinybench. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return lo + 1 < sorted.length ? sorted[lo] + (at - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

/** The servers: a STRICT mesh listener, a plain node:tls server with session tickets, a TCP server. */
async function startServers(tls: WorkloadTls): Promise<{ live: Admissions; node: Admissions; tcp: number; close(): Promise<void> }> {
  const live = new Admissions();
  const listener = new MeshListener({ mode: 'STRICT', tls, onConnection: () => live.admitted(), onRefused: (r) => live.failed(new Error(r.detail)) });
  live.port = (await listener.listen()).port;
  const node = new Admissions();
  const options = tls.serverContextOptions()!;
  const tlsServer: TlsServer = createTlsServer({ key: options.key, cert: options.cert, ca: options.ca, requestCert: true, rejectUnauthorized: true }, () => node.admitted());
  tlsServer.on('tlsClientError', (e) => node.failed(e));
  node.port = await listenOn(tlsServer);
  const tcpServer: NetServer = createNetServer((s) => s.destroy());
  const tcp = await listenOn(tcpServer);
  return {
    live,
    node,
    tcp,
    close: async () => {
      await listener.close();
      await Promise.all([closeServer(tlsServer), closeServer(tcpServer)]);
    },
  };
}

/** The server side's verdicts, one handshake at a time. */
class Admissions {
  port = 0;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private early = 0;

  /** Resolves at the server's next admission. */
  next(): Promise<void> {
    if (this.early > 0) {
      this.early -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  admitted(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w === null) this.early += 1;
    else w.resolve();
  }

  failed(error: Error): void {
    const w = this.waiter;
    this.waiter = null;
    w?.reject(error);
  }
}

function liveFull(client: WorkloadTls, server: Admissions): Kind {
  return {
    name: 'live full',
    note: 'WorkloadTls.connect ↔ MeshListener STRICT, both verdicts',
    once: async () => {
      const admitted = server.next();
      const socket = await new Promise<TLSSocket>((resolve, reject) =>
        client.connect({ host: '127.0.0.1', port: server.port, expected: SERVER_ID }, (error, s) => (s ? resolve(s) : reject(error))),
      );
      await admitted;
      socket.destroy();
    },
  };
}

function nodeFull(client: WorkloadTls, server: Admissions): Kind {
  return {
    name: 'node full',
    note: 'node:tls, prebuilt contexts, rejectUnauthorized, SPIFFE checkServerIdentity',
    once: async () => {
      const socket = await nodeHandshake(client, server, undefined);
      socket.destroy();
    },
  };
}

async function nodeResumed(client: WorkloadTls, server: Admissions): Promise<Kind> {
  const first = await nodeHandshake(client, server, undefined);
  const session = await new Promise<Buffer>((resolve) => first.once('session', resolve)); // TLS 1.3: the ticket comes after the handshake
  first.destroy();
  let resumed = 0;
  let total = 0;
  return {
    name: 'node resumed',
    note: 'node:tls resuming a TLS 1.3 ticket (PSK + ECDHE)',
    once: async () => {
      const socket = await nodeHandshake(client, server, session);
      total += 1;
      if (socket.isSessionReused()) resumed += 1;
      else throw new Error(`${SUITE}: handshake ${total} was not resumed (${resumed} were)`);
      socket.destroy();
    },
  };
}

function nodeHandshake(client: WorkloadTls, server: Admissions, session: Buffer | undefined): Promise<TLSSocket> {
  const admitted = server.next();
  return new Promise<TLSSocket>((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ...client.clientOptions(SERVER_ID), session });
    socket.once('secureConnect', () => admitted.then(() => resolve(socket), reject));
    socket.once('error', reject);
  });
}

function tcpConnect(port: number): Kind {
  return {
    name: 'tcp connect',
    note: 'bare TCP connect on loopback',
    once: () =>
      new Promise<void>((resolve, reject) => {
        const socket = netConnect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      }),
  };
}

function toFigures(m: Measured): BenchFigure[] {
  const how = `${m.samples} sequential handshakes (${ROUNDS} rounds of ${PER_ROUND}, in turns) after ${WARMUP} warm-up; ${m.kind.note}`;
  return [
    { suite: SUITE, name: `${m.kind.name}: mean`, value: round3(m.mean), unit: 'ms', note: how },
    { suite: SUITE, name: `${m.kind.name}: p50`, value: round3(m.p50), unit: 'ms' },
    { suite: SUITE, name: `${m.kind.name}: p99`, value: round3(m.p99), unit: 'ms' },
    { suite: SUITE, name: `${m.kind.name}: CPU/handshake`, value: round3(m.cpuMs), unit: 'ms', note: 'user + system, both ends, process.cpuUsage' },
  ];
}

/** What sim/handshake-cost.ts charges on loopback (one-way 0) and at a 0.2 ms one-way same-zone latency. */
function simulatorCharges(): BenchFigure[] {
  const full = { ...newHandshakeResult(), state: 'established' as const, outcome: 'ok' as const };
  const resumed = { ...full, resumed: true };
  const c = DEFAULT_HANDSHAKE_COST;
  return [
    { suite: SUITE, name: 'simulator: full, one-way 0', value: handshakeDelayMs(full, 0), unit: 'ms', note: `${c.fullRoundTrips} RTT + ${c.fullCpuMs} ms CPU` },
    { suite: SUITE, name: 'simulator: full, one-way 0.2 ms', value: round3(handshakeDelayMs(full, 0.2)), unit: 'ms' },
    { suite: SUITE, name: 'simulator: resumed', value: handshakeDelayMs(resumed, 0), unit: 'ms', note: `${c.resumedRoundTrips} RTT + ${c.resumedCpuMs} ms CPU` },
  ];
}

/** The primitives the simulator's charge was built from, timed now (µs each, mean of 200 after 20). */
async function timePrimitives(): Promise<BenchFigure[]> {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const peer = generateKeyPairSync('x25519');
  const data = randomBytes(32);
  const signature = sign('sha256', data, ec.privateKey);
  const tasks: [string, () => unknown][] = [
    ['ECDSA P-256 sign', () => sign('sha256', data, ec.privateKey)],
    ['ECDSA P-256 verify', () => verify('sha256', data, ec.publicKey, signature)],
    ['X25519 key pair + derive', () => diffieHellman({ privateKey: generateKeyPairSync('x25519').privateKey, publicKey: peer.publicKey })],
  ];
  const bench = new Bench({ time: 0, iterations: 200, warmupTime: 0, warmupIterations: 20, throws: true });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  return tasks.map(([name]) => ({
    suite: SUITE,
    name: `primitive: ${name}`,
    value: round3(bench.getTask(name)!.result!.latency.mean * 1000),
    unit: 'µs',
    note: 'node:crypto, sync, mean of 200',
  }));
}

function printComparison(measured: readonly Measured[], primitives: readonly BenchFigure[]): void {
  console.log(`${SUITE}: primitives now: ${primitives.map((p) => `${p.name.slice('primitive: '.length)} ${p.value} µs`).join(', ')}`);
  const full = { ...newHandshakeResult(), state: 'established' as const, outcome: 'ok' as const };
  const simFull = handshakeDelayMs(full, 0);
  const simResumed = handshakeDelayMs({ ...full, resumed: true }, 0);
  for (const m of measured) {
    const charge = m.kind.name.includes('resumed') ? simResumed : m.kind.name.includes('full') ? simFull : null;
    const vs = charge === null ? '' : `; the simulator charges ${charge} ms on loopback (${(m.mean / charge).toFixed(1)}× less than measured)`;
    console.log(`${SUITE}: ${m.kind.name}: mean ${round3(m.mean)} ms, p50 ${round3(m.p50)}, p99 ${round3(m.p99)}, CPU ${round3(m.cpuMs)} ms/handshake${vs}`);
  }
}

function listenOn(server: NetServer | TlsServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: NetServer | TlsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function round3(x: number): number {
  return Number(x.toFixed(3));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchLiveHandshake()) console.log(`${f.name.padEnd(36)} ${String(f.value).padStart(8)} ${f.unit}  ${f.note ?? ''}`);
}
