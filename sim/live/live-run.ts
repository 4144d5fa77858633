import { availableParallelism } from 'node:os';
import type { JwtSignatureVerifier } from '../../proxy-core/identity/jwt-verifier.js';
import type { LiveLoadStats, LiveRunStats, RunReport } from '../../reports/report.js';
import type { Scenario } from '../../scenarios/schema.js';
import { faultSpans } from '../fault-spans.js';
import { shortenScenario } from '../shorten-scenario.js';
import { EntryMetrics } from '../load-runner.js';
import { buildRunReport } from '../run-report.js';
import type { ScenarioSource } from '../run-simulation.js';
import { LiveMesh } from './live-mesh.js';
import { createLiveLoad, EventLoopDelay, type LiveLoad, type LiveLoadReport } from './load/index.js';
import { MeshTarget } from './mesh-target.js';
import { LiveSecurity } from './live-security.js';

/** The mesh's key sets come from its security; this refuses every token before it has one. */
const REFUSE_TOKENS: JwtSignatureVerifier = { verify: () => false };

/** Connections each edge's sidecar opens to each callee instance before the run. */
export const PRECONNECTED_PER_HOST = 16;

/** How long requests in flight may finish after a SIGINT or SIGTERM, before they are cancelled. */
export const INTERRUPT_GRACE_MS = 1000;

/** Options of one live run. */
export interface LiveRunOptions {
  /** Overrides the scenario's seed (arrivals, classes, own work, errors, faults draw from it). */
  readonly seed?: number;
  /**
   * How long to drive a throwaway copy of the mesh (no faults, nothing reported) before the
   * run, so that the run does not measure the JIT compiling the code paths, nor the first
   * connections (default {@link DEFAULT_WARM_UP_MS}; 0: none).
   */
  readonly warmUpMs?: number;
  /** Hears the load begin: servers up, certificates issued, connections open, warm-up done. */
  readonly onLoadStart?: () => void;
}

/**
 * The default warm-up. Measured on a 2-core machine (bench/RESULTS.md): without one, the
 * first 3 s of three-tier-shop at 200 req/s had a p99 of 0.8–3.3 s against ~230 ms after.
 */
export const DEFAULT_WARM_UP_MS = 3000;

/**
 * One run of a scenario in live mode: the mesh's servers start on 127.0.0.1, each load
 * drives its target in real time with its own open- or closed-loop generator, the fault
 * schedule runs on the real clock, and when the loads are done (their graceful stops
 * included) everything is stopped and the report is built by the same code as the
 * simulator's, with `mode: "live"` and an account of how far the machine kept up.
 */
export class LiveRun {
  readonly mesh: LiveMesh;
  private readonly entry: EntryMetrics;
  private readonly faults;
  private readonly loads: { name: string; load: LiveLoad; report: LiveLoadReport | null }[] = [];
  private readonly eventLoop = new EventLoopDelay();
  private readonly seed: number;
  private stopped = false;
  private warming: LiveRun | null = null;
  private cpuAtStart = process.cpuUsage();
  private wallAtStart = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly source: ScenarioSource,
    private readonly options: LiveRunOptions,
  ) {
    this.seed = options.seed ?? scenario.seed;
    this.mesh = new LiveMesh(scenario, { seed: this.seed, keysOf: () => REFUSE_TOKENS });
    this.faults = faultSpans(scenario, this.mesh);
    this.entry = new EntryMetrics(scenario.report.resolution, this.faults);
  }

  /** Warms up, starts the servers, then the loads and the fault schedule from the same origin; resolves when every load is done. */
  async run(): Promise<void> {
    await this.warmUp();
    if (this.stopped) return;
    const mesh = this.mesh;
    const security = await LiveSecurity.create(this.scenario, mesh.clock, mesh.timeline);
    mesh.secure(security);
    const tokens = await signTokens(this.scenario, security);
    await mesh.start();
    await mesh.preconnect(PRECONNECTED_PER_HOST);
    // A signal heard while the mesh started (certificates, servers, connections take seconds
    // on a busy machine) ends the run before its load: it must not start an hour of it.
    if (this.stopped) return;
    for (const [name, spec] of Object.entries(this.scenario.load)) {
      const rng = mesh.rng.fork(`load/${name}`);
      const load = createLiveLoad(spec, {
        clock: mesh.clock,
        rng,
        target: new MeshTarget(mesh, name, spec.target, rng.fork('split')),
        tokenOf: (name) => tokens.get(name)!,
        eventLoop: this.eventLoop,
        onResult: (request, outcome, _status, latencyMs, nowMs) => {
          this.entry.all.record(nowMs, latencyMs, outcome);
          this.entry.recovery.record(nowMs, latencyMs, outcome === 'ok');
          if (request.classIndex >= 0) this.entry.classMetrics(spec.classes[request.classIndex].name).record(nowMs, latencyMs, outcome);
        },
      });
      this.loads.push({ name, load, report: null });
    }
    this.eventLoop.start();
    this.cpuAtStart = process.cpuUsage();
    this.wallAtStart = performance.now();
    mesh.begin();
    for (const l of this.loads) l.load.start(0);
    this.options.onLoadStart?.();
    await Promise.all(this.loads.map(async (l) => (l.report = await l.load.done)));
    if (mesh.failure) throw mesh.failure;
  }

  /** Stops the loads early (SIGINT, SIGTERM): requests in flight get {@link INTERRUPT_GRACE_MS} to finish. */
  stop(): void {
    this.stopped = true;
    this.warming?.stop();
    for (const l of this.loads) l.load.stop(INTERRUPT_GRACE_MS);
  }

  /**
   * Drives a copy of the mesh without faults for the warm-up time, then stops it. Its
   * open-loop loads run at {@link WARM_UP_MIN_RATE_PER_MS} at least, all from the start: a
   * 2 req/s scenario warmed for 3 s would send 6 requests, and the JIT compiles code paths by
   * how often they run, not for how long (a hop measured 1.9 ms cold at 2 req/s against
   * 0.9 ms warm at 200 req/s).
   */
  private async warmUp(): Promise<void> {
    const ms = this.options.warmUpMs ?? DEFAULT_WARM_UP_MS;
    if (ms <= 0) return;
    const scenario = shortenScenario({ ...this.scenario, faults: [], load: warmUpLoads(this.scenario) }, ms);
    const warming = (this.warming = new LiveRun(scenario, this.source, { seed: this.options.seed, warmUpMs: 0 }));
    try {
      await warming.run();
    } finally {
      await warming.close();
      this.warming = null;
    }
  }

  /** The run's report; call after {@link LiveRun.run} has resolved (or been stopped). */
  report(): RunReport {
    const mesh = this.mesh;
    const endMs = mesh.clock.now();
    const report = buildRunReport({
      scenario: this.scenario,
      source: this.source,
      mode: 'live',
      seed: this.seed,
      ended: !this.stopped,
      endMs,
      events: [...mesh.services.values()].reduce((n, s) => n + s.instances.reduce((m, i) => m + i.completed, 0), 0),
      mesh,
      entry: this.entry,
      loads: this.loads.map((l) => ({ name: l.name, dropped: l.report?.dropped ?? 0, stats: () => loadStats(this.scenario, l.name, l.report) })),
      faults: this.faults,
    });
    report.engine.wall_ms = Math.round(performance.now() - this.wallAtStart);
    report.live = this.liveStats(report.engine.wall_ms);
    return report;
  }

  /** Stops every server, client, timer and monitor. */
  async close(): Promise<void> {
    this.eventLoop.stop();
    await this.mesh.stop();
  }

  private liveStats(wallMs: number): LiveRunStats {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const cores = availableParallelism();
    const loop = this.eventLoop.stats();
    const loads: Record<string, LiveLoadStats> = {};
    const warnings: string[] = [];
    for (const { name, report } of this.loads) {
      if (report === null) continue;
      loads[name] = {
        planned: report.planned,
        sent: report.sent,
        planned_per_s: report.plannedPerS,
        achieved_per_s: report.achievedPerS,
        send_lag_ms: report.sendLagMs,
        fell_behind: report.fellBehind,
      };
      for (const why of report.behind) warnings.push(`load ${name}: ${why}; latencies include the generator's own delay`);
    }
    const utilization = wallMs > 0 ? (cpu.user + cpu.system) / 1000 / (wallMs * cores) : 0;
    if (loop.p99 > 20) warnings.push(`the event loop ran up to ${loop.p99.toFixed(0)} ms late (p99): latencies include this machine's own delay`);
    // Everything runs on one thread: near a whole core busy, the thread is the bottleneck.
    if (utilization * cores > 0.9) warnings.push(`the run kept its one thread ${(utilization * cores * 100).toFixed(0)}% busy: the machine, not the mesh, may be the bottleneck`);
    return {
      loads,
      event_loop_delay_ms: { p50: loop.p50, p99: loop.p99, max: loop.max },
      cpu: { user_ms: Math.round(cpu.user / 1000), system_ms: Math.round(cpu.system / 1000), cores, utilization: Number(utilization.toFixed(3)) },
      warnings,
    };
  }
}

/** The least rate (per ms) an open-loop load runs at during the warm-up: 200 req/s. */
export const WARM_UP_MIN_RATE_PER_MS = 0.2;

/** The scenario's loads as the warm-up drives them: from its start, open loops at {@link WARM_UP_MIN_RATE_PER_MS} at least. */
function warmUpLoads(scenario: Scenario): Scenario['load'] {
  const out: Scenario['load'] = {};
  for (const [name, spec] of Object.entries(scenario.load)) {
    if (spec.executor === 'constant-arrival-rate') out[name] = { ...spec, startTime: 0, rate: Math.max(spec.rate, WARM_UP_MIN_RATE_PER_MS) };
    else if (spec.executor === 'ramping-arrival-rate') out[name] = { ...spec, startTime: 0, startRate: Math.max(spec.startRate, WARM_UP_MIN_RATE_PER_MS), stages: spec.stages.map((st) => ({ ...st, target: Math.max(st.target, WARM_UP_MIN_RATE_PER_MS) })) };
    else out[name] = { ...spec, startTime: 0 };
  }
  return out;
}

/** The tokens the loads' request classes send, signed for real once at the start (as the simulator signs its own once). */
async function signTokens(scenario: Scenario, security: LiveSecurity): Promise<Map<string, string>> {
  const names = new Set(Object.values(scenario.load).flatMap((l) => l.classes.flatMap((c) => (c.token === undefined ? [] : [c.token]))));
  const tokens = new Map<string, string>();
  for (const name of names) tokens.set(name, await security.tokens.token(name));
  return tokens;
}

/** The report's load block from a live load's own report. */
function loadStats(scenario: Scenario, name: string, report: LiveLoadReport | null) {
  const spec = scenario.load[name];
  return { executor: spec.executor, target: spec.target, requests: report?.sent ?? 0, dropped: report?.dropped ?? 0, interrupted: report?.interrupted ?? 0 };
}
