/**
 * What one sidecar pair costs in live mode (bench/RESULTS.md, "Sidecar overhead"): the same
 * load generator (sim/live/load/, open loop, uniform arrivals) drives, one after the other in
 * this one process,
 *
 *   direct        a node:http server on 127.0.0.1 answering `200 ok` at once (UndiciTarget,
 *                 keep-alive, no TLS);
 *   direct+timer  the same server answering after `setTimeout(0)`: what live mode's own-work
 *                 timer of a 0 ms service costs (Node waits at least 1 ms);
 *   mesh          a one-service scenario (1 replica, own work 0 ms, no network delay, mTLS
 *                 STRICT) through live mode's LiveRun: the ingress sidecar's router, an undici
 *                 pool over mTLS, the callee's sniff + TLS + inbound chain, the service model.
 *
 * then a closed loop (constant-vus, no think time) through the mesh and direct, for the
 * throughput of one sidecar pair. Everything shares one thread with the generator, as live
 * mode does. Not part of `npm test` nor of a plain `npm run bench`.
 *
 *   npx tsx bench/sidecar-overhead.ts [--rate 1000] [--seconds 20] [--vus 64] [--closed-seconds 10]
 *     [--only mesh,direct,direct-timer,mesh-closed,direct-closed,direct-timer-closed]
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { RealClock } from '../proxy-core/clock/real-clock.js';
import { parseScenario } from '../scenarios/parse-scenario.js';
import { LiveRun } from '../sim/live/live-run.js';
import { createLiveLoad } from '../sim/live/load/create-live-load.js';
import type { LiveLoadReport } from '../sim/live/load/load-stats.js';
import { UndiciTarget } from '../sim/live/load/undici-target.js';
import { SeededRng } from '../sim/seeded-rng.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    vus: { type: 'string', default: '64' },
    'closed-seconds': { type: 'string', default: '10' },
    only: { type: 'string', default: '' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const VUS = Number(values.vus);
const CLOSED_SECONDS = Number(values['closed-seconds']);

function scenarioText(load: string): string {
  return `
version: 1
name: sidecar overhead
seed: 1
services:
  echo:
    replicas: 1
    concurrency: 512
    queue: 512
    latency: 0ms
security:
  mtls: STRICT
load:
${load}
`;
}

const openLoad = (seconds: number) => `  bench:
    executor: constant-arrival-rate
    rate: ${RATE}/s
    duration: ${seconds}s
    arrivals: uniform
    target: echo`;
const closedLoad = (seconds: number) => `  bench:
    executor: constant-vus
    vus: ${VUS}
    duration: ${seconds}s
    target: echo`;

async function startServer(timer: boolean): Promise<{ server: Server; origin: string }> {
  const server = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => {
    if (timer) setTimeout(() => res.end('ok'), 0);
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Figures {
  what: string;
  load1: number;
  perS: number;
  ok: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  loopP99: number;
  cpuPctOfCore: number;
  note?: string;
}

async function direct(timer: boolean, spec: (s: number) => string, what: string, warmS: number, seconds: number): Promise<Figures> {
  const load1 = loadavg()[0];
  const { server, origin } = await startServer(timer);
  const clock = new RealClock();
  const target = new UndiciTarget(origin, { connections: 64, clock });
  const run = async (s: number): Promise<LiveLoadReport> => {
    const parsed = parseScenario(scenarioText(spec(s)), 'sidecar-overhead.yaml').load.bench;
    const load = createLiveLoad(parsed, { clock, rng: new SeededRng(1).fork('load/bench'), target });
    load.start();
    return load.done;
  };
  await run(warmS);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const r = await run(seconds);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - t0;
  await target.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return {
    what,
    load1,
    perS: r.achievedPerS,
    ok: r.ok,
    requests: r.answered,
    p50: r.latencyMs.p50,
    p90: r.latencyMs.p90,
    p99: r.latencyMs.p99,
    loopP99: r.eventLoopDelayMs.p99,
    cpuPctOfCore: ((used.user + used.system) / 1000 / wall) * 100,
  };
}

async function mesh(spec: (s: number) => string, what: string, seconds: number): Promise<Figures> {
  const load1 = loadavg()[0];
  const text = scenarioText(spec(seconds));
  const scenario = parseScenario(text, 'sidecar-overhead.yaml');
  const run = new LiveRun(scenario, { file: 'sidecar-overhead.yaml', sha256: '' }, { warmUpMs: 3000 });
  try {
    await run.run();
    const report = run.report();
    const l = report.live!;
    const load = Object.values(l.loads)[0];
    return {
      what,
      load1,
      perS: load.achieved_per_s,
      ok: report.entry.ok,
      requests: report.entry.requests,
      p50: report.entry.latency_ms.p50,
      p90: report.entry.latency_ms.p90,
      p99: report.entry.latency_ms.p99,
      loopP99: l.event_loop_delay_ms.p99,
      cpuPctOfCore: l.cpu.utilization * l.cpu.cores * 100,
      note: `service echo p50 ${report.services.echo.latency_ms.p50.toFixed(3)} ms; send lag p99 ${load.send_lag_ms.p99.toFixed(2)} ms; ${l.warnings.join('; ')}`,
    };
  } finally {
    await run.close();
  }
}

const f = (x: number) => x.toFixed(3);
async function main(): Promise<void> {
  const rows: Figures[] = [];
  const show = (r: Figures) => {
    rows.push(r);
    console.log(`${r.what}: load ${r.load1.toFixed(2)}, ${r.perS.toFixed(1)}/s, ok ${r.ok}/${r.requests}, p50 ${f(r.p50)} p90 ${f(r.p90)} p99 ${f(r.p99)} ms, loop p99 ${r.loopP99.toFixed(2)} ms, CPU ${r.cpuPctOfCore.toFixed(0)}% of a core${r.note ? `; ${r.note}` : ''}`);
  };
  const phases: [string, () => Promise<Figures>][] = [
    ['direct', () => direct(false, openLoad, `direct, open ${RATE}/s`, 2, SECONDS)],
    ['direct-timer', () => direct(true, openLoad, `direct+timer, open ${RATE}/s`, 2, SECONDS)],
    ['mesh', () => mesh(openLoad, `mesh (mTLS), open ${RATE}/s`, SECONDS)],
    ['direct', () => direct(false, openLoad, `direct again, open ${RATE}/s`, 2, SECONDS)],
    ['mesh-closed', () => mesh(closedLoad, `mesh (mTLS), closed ${VUS} VUs`, CLOSED_SECONDS)],
    ['direct-closed', () => direct(false, closedLoad, `direct, closed ${VUS} VUs`, 2, CLOSED_SECONDS)],
    ['direct-timer-closed', () => direct(true, closedLoad, `direct+timer, closed ${VUS} VUs`, 2, CLOSED_SECONDS)],
  ];
  const only = values.only ? values.only.split(',') : null;
  const seen = new Set<string>();
  for (const [name, phase] of phases) {
    if (only !== null && (!only.includes(name) || seen.has(name))) continue;
    seen.add(name);
    show(await phase());
  }
  process.exit(0);
}

void main();
