/**
 * The live load generator (sim/live/load/) against a trivial node:http server in another
 * process (bench/live-load-server.ts, forked):
 *
 * (a) **open loop**: `constant-arrival-rate` with uniform arrivals, 2,000/s for 60 s by
 *     default, after a 2 s warm-up on the same connections; achieved rate against planned
 *     (target: within 1%), send-time error (actual − intended send) p50/p99/max (target: p99
 *     ≤ 1 ms), the event loop's delay and the generator's CPU. Run once with timers only
 *     (`spinMs` 0, the default) and once polling the last millisecond (`spinMs` 1).
 * (b) **closed loop, maximum throughput**: `constant-vus` without think time against
 *     autocannon's programmatic API, same server, same connections, alternating runs;
 *     the ratio of requests per second (target ≥ 1.0×).
 *
 * `npx tsx bench/live-load-generator.ts [--seconds 60] [--rate 2000] [--closed-seconds 10]
 * [--connections 32] [--rounds 4]`, or `npm run bench -- live-load` (an opt-in suite,
 * shortened: 10 s open loop, 2 rounds of 5 s). bench/RESULTS.md records a full run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { RealClock } from '../proxy-core/clock/real-clock.js';
import { Load } from '../scenarios/schema.js';
import { createLiveLoad } from '../sim/live/load/create-live-load.js';
import type { LiveLoadReport } from '../sim/live/load/load-stats.js';
import { UndiciTarget } from '../sim/live/load/undici-target.js';
import { SeededRng } from '../sim/seeded-rng.js';
import type { BenchFigure } from './bench-figure.js';

const SERVER = fileURLToPath(new URL('./live-load-server.ts', import.meta.url));
const SUITE = 'live-load';

/** What one benchmark run covers. */
export interface LiveLoadBenchOptions {
  /** Open loop: seconds measured (after a 2 s warm-up). */
  seconds: number;
  /** Open loop: requests per second. */
  rate: number;
  /** Closed loop: seconds of each run. */
  closedSeconds: number;
  /** Closed loop: connections (our VUs, autocannon's connections). */
  connections: number;
  /** Closed loop: runs of each generator, alternating. */
  rounds: number;
}

const DEFAULTS: LiveLoadBenchOptions = { seconds: 60, rate: 2000, closedSeconds: 10, connections: 32, rounds: 4 };

/** A forked server and its origin. */
interface ServerProcess {
  origin: string;
  child: ChildProcess;
}

function startServer(): Promise<ServerProcess> {
  const child = fork(SERVER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ origin: `http://127.0.0.1:${m.port}`, child }));
    child.once('exit', (code) => reject(new Error(`live-load server exited (${code}) before listening`)));
  });
}

function stopServer(server: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.disconnect();
  });
}

/** Runs one live load of `spec` against `target` to its end. */
async function runLoad(spec: Load, target: UndiciTarget, clock: RealClock, spinMs = 0): Promise<LiveLoadReport> {
  const load = createLiveLoad(spec, { clock, rng: new SeededRng(1).fork('load/bench'), target, spinMs });
  load.start();
  return load.done;
}

/** An open-loop run and the generator's CPU over it. */
interface OpenLoopRun {
  spinMs: number;
  report: LiveLoadReport;
  cpuPercent: number;
}

async function openLoop(origin: string, o: LiveLoadBenchOptions, spinMs: number): Promise<OpenLoopRun> {
  const clock = new RealClock();
  const target = new UndiciTarget(origin, { connections: 64, clock });
  const spec = (seconds: number): Load =>
    Load.parse({ executor: 'constant-arrival-rate', rate: `${o.rate}/s`, duration: `${seconds}s`, arrivals: 'uniform', target: 'server' });
  await runLoad(spec(2), target, clock, spinMs); // warm-up: JIT, connections
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await runLoad(spec(o.seconds), target, clock, spinMs);
  const used = process.cpuUsage(cpu);
  await target.close();
  return { spinMs, report, cpuPercent: ((used.user + used.system) / 1000 / (performance.now() - started)) * 100 };
}

/** A closed-loop run: requests per second, and this process's CPU per request (µs). */
interface ClosedLoopRun {
  perS: number;
  cpuUsPerRequest: number;
}

/** Runs `work`, which answers how many requests it made in how many ms, and measures this process's CPU over it. */
async function measured(work: () => Promise<{ requests: number; ms: number }>): Promise<ClosedLoopRun> {
  const cpu = process.cpuUsage();
  const { requests, ms } = await work();
  const used = process.cpuUsage(cpu);
  return { perS: (requests * 1000) / ms, cpuUsPerRequest: (used.user + used.system) / requests };
}

/** Our closed loop: `connections` VUs, no think time. */
function oursClosed(origin: string, o: LiveLoadBenchOptions): Promise<ClosedLoopRun> {
  return measured(async () => {
    const clock = new RealClock();
    const target = new UndiciTarget(origin, { connections: o.connections, clock });
    const spec = Load.parse({ executor: 'constant-vus', vus: o.connections, duration: `${o.closedSeconds}s`, target: 'server' });
    const report = await runLoad(spec, target, clock);
    await target.close();
    if (report.ok !== report.answered) throw new Error(`closed loop: ${report.answered - report.ok} failures`);
    return { requests: report.answered, ms: report.windowMs };
  });
}

/** autocannon with the same connections. */
function autocannonClosed(origin: string, o: LiveLoadBenchOptions): Promise<ClosedLoopRun> {
  return measured(async () => {
    const r = await autocannon({ url: origin, connections: o.connections, pipelining: 1, duration: o.closedSeconds });
    if (r.errors || r.non2xx) throw new Error(`autocannon: ${r.errors} errors, ${r.non2xx} non-2xx`);
    return { requests: r.requests.total, ms: r.duration * 1000 };
  });
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function openLoopFigures(run: OpenLoopRun, o: LiveLoadBenchOptions): BenchFigure[] {
  const r = run.report;
  const mode = run.spinMs > 0 ? `spin ${run.spinMs} ms` : 'timers';
  const name = (what: string): string => `open ${o.rate}/s, ${mode}: ${what}`;
  const note = `${o.seconds} s, planned ${r.planned}, sent ${r.sent}, ok ${r.ok}`;
  return [
    { suite: SUITE, name: name('achieved ÷ planned rate'), value: round(r.achievedPerS / r.plannedPerS!, 4), unit: '×', note: `${round(r.achievedPerS, 1)}/s of ${round(r.plannedPerS!, 1)}/s; ${note}` },
    { suite: SUITE, name: name('send error p50'), value: round(r.sendLagMs.p50), unit: 'ms' },
    { suite: SUITE, name: name('send error p99'), value: round(r.sendLagMs.p99), unit: 'ms', note: 'target ≤ 1 ms' },
    { suite: SUITE, name: name('send error max'), value: round(r.sendLagMs.max), unit: 'ms' },
    { suite: SUITE, name: name('latency p50 / p99'), value: round(r.latencyMs.p50), unit: 'ms', note: `p99 ${round(r.latencyMs.p99)} ms, max ${round(r.latencyMs.max)} ms, from the intended send` },
    { suite: SUITE, name: name('event-loop delay p99'), value: round(r.eventLoopDelayMs.p99), unit: 'ms', note: `max ${round(r.eventLoopDelayMs.max)} ms, net of the 10 ms resolution` },
    { suite: SUITE, name: name('generator CPU'), value: round(run.cpuPercent, 1), unit: '% of a core', note: r.fellBehind ? `fell behind: ${r.behind.join('; ')}` : 'kept up' },
  ];
}

/** The suite's figures. */
export async function benchLiveLoadGenerator(options: Partial<LiveLoadBenchOptions> = {}): Promise<BenchFigure[]> {
  const o = { ...DEFAULTS, ...options };
  const server = await startServer();
  try {
    const figures: BenchFigure[] = [];
    for (const spinMs of [0, 1]) {
      const run = await openLoop(server.origin, o, spinMs);
      console.log(`open loop, spinMs ${spinMs}: ${JSON.stringify({ ...run.report, cpuPercent: round(run.cpuPercent, 1) })}`);
      figures.push(...openLoopFigures(run, o));
    }
    const ours: ClosedLoopRun[] = [];
    const theirs: ClosedLoopRun[] = [];
    await oursClosed(server.origin, { ...o, closedSeconds: 2 }); // warm-up of both
    await autocannonClosed(server.origin, { ...o, closedSeconds: 2 });
    for (let i = 0; i < o.rounds; i++) {
      // Alternate which goes first, so that a drift of the machine's speed favours neither.
      const pair = i % 2 === 0 ? [oursClosed, autocannonClosed] : [autocannonClosed, oursClosed];
      const first = await pair[0](server.origin, o);
      const second = await pair[1](server.origin, o);
      ours.push(i % 2 === 0 ? first : second);
      theirs.push(i % 2 === 0 ? second : first);
      console.log(`closed loop round ${i + 1}: ours ${JSON.stringify(ours.at(-1))}, autocannon ${JSON.stringify(theirs.at(-1))}`);
    }
    const runs = (xs: ClosedLoopRun[]): string => xs.map((x) => Math.round(x.perS)).join(', ');
    const note = `${o.connections} connections, ${o.rounds} × ${o.closedSeconds} s each, alternating`;
    const ratios = ours.map((x, i) => x.perS / theirs[i].perS);
    figures.push(
      { suite: SUITE, name: 'closed loop: ours', value: Math.round(median(ours.map((x) => x.perS))), unit: 'req/s', note: `median; runs ${runs(ours)}` },
      { suite: SUITE, name: 'closed loop: autocannon', value: Math.round(median(theirs.map((x) => x.perS))), unit: 'req/s', note: `median; runs ${runs(theirs)}` },
      { suite: SUITE, name: 'closed loop: ours ÷ autocannon', value: round(median(ratios)), unit: '×', note: `median of paired rounds (${ratios.map((r) => round(r, 2)).join(', ')}); ${note}; target ≥ 1.0` },
      { suite: SUITE, name: 'closed loop: client CPU per request, ours', value: round(median(ours.map((x) => x.cpuUsPerRequest)), 1), unit: 'µs', note: 'this process: generator + undici target' },
      { suite: SUITE, name: 'closed loop: client CPU per request, autocannon', value: round(median(theirs.map((x) => x.cpuUsPerRequest)), 1), unit: 'µs', note: 'this process' },
    );
    return figures;
  } finally {
    await stopServer(server);
  }
}

/** `npx tsx bench/live-load-generator.ts [--seconds N] ...`: runs the suite and prints its figures. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      rate: { type: 'string' },
      'closed-seconds': { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
    },
  });
  const num = (v: string | undefined, fallback: number): number => {
    const n = v === undefined ? fallback : Number(v);
    if (!(n > 0)) throw new Error(`not a positive number: ${v}`);
    return n;
  };
  const options: LiveLoadBenchOptions = {
    seconds: num(values.seconds, DEFAULTS.seconds),
    rate: num(values.rate, DEFAULTS.rate),
    closedSeconds: num(values['closed-seconds'], DEFAULTS.closedSeconds),
    connections: num(values.connections, DEFAULTS.connections),
    rounds: num(values.rounds, DEFAULTS.rounds),
  };
  const [load1] = loadavg();
  console.log(`node ${process.version}, ${availableParallelism()} cores, 1-minute load average ${load1.toFixed(2)}; ${JSON.stringify(options)}`);
  for (const f of await benchLiveLoadGenerator(options)) console.log(`${f.name}: ${f.value} ${f.unit}${f.note ? `  (${f.note})` : ''}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
