import type { Progress } from './virtual-clock.js';
import type { CallMetrics } from '../reports/call-metrics.js';
import { withLoadAttempts } from '../reports/entry-attempts.js';
import type { FaultSpan } from '../reports/fault-span.js';
import type { MetricSource, StatsView } from '../reports/metric-source.js';
import { faultRecoveries } from '../reports/fault-recoveries.js';
import { REPORT_SCHEMA, type TimeSpan, type EdgeStats, type FaultRecovery, type RunReport, type ServiceStats } from '../reports/report.js';
import { longestRecoveryMs } from '../reports/recovery.js';
import { evaluateThresholds } from '../reports/thresholds.js';
import { round3 } from '../reports/time-series.js';
import type { Scenario } from '../scenarios/schema.js';
import { faultSpans } from './fault-spans.js';
import { EntryMetrics, type LoadRunner } from './load-runner.js';
import { createLoad } from './loads.js';
import { plannedEndMs } from './planned-end.js';
import type { ServiceModel } from './service-model.js';
import { World, type CallLedger } from './world.js';

/** Where a scenario came from, for the report. */
export interface ScenarioSource {
  file: string;
  sha256: string;
}

/** Options of one simulated run. */
export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Called every so many events, e.g. to draw a progress bar. */
  progress?: Progress;
  /** Wall-clock milliseconds, for `engine.wall_ms` only (the simulation never reads it). */
  wallClock?: () => number;
  /** Hears every call dispatched and settled (a test's ledger). */
  ledger?: CallLedger;
  /** Called with the world once the run has ended, before the report is built (a test's inspection). */
  afterRun?: (world: World) => void;
}

/**
 * Runs a scenario in virtual time and returns its report, a pure function of (scenario,
 * seed) but for `engine.wall_ms`. The run lasts until every load has stopped starting
 * requests and the requests in flight have finished, or until the longest `gracefulStop`
 * after the load has passed.
 */
export function runSimulation(scenario: Scenario, source: ScenarioSource, options: SimulationOptions = {}): RunReport {
  const run = new SimulationRun(scenario, source, options);
  run.advance(Infinity);
  return run.report();
}

/**
 * One simulated run that can be advanced in slices, so that a caller can do other work
 * between them (the CLI hears SIGINT and SIGTERM there) and stop early: the report of a run
 * stopped before its end says `interrupted: true`. Slicing changes nothing in the result: the
 * same events fire in the same order.
 */
export class SimulationRun {
  private readonly world: World;
  private readonly entry: EntryMetrics;
  private readonly faults: FaultSpan[];
  private readonly loads: LoadRunner[];
  private readonly loadEnd: number;
  private readonly hardEnd: number;
  private readonly wall: () => number;
  private readonly startedWall: number;
  private readonly seed: number;
  private draining = false;
  private done = false;
  /** Events left until the next progress report. */
  private countdown: number;

  constructor(
    private readonly scenario: Scenario,
    private readonly source: ScenarioSource,
    private readonly options: SimulationOptions = {},
  ) {
    this.wall = options.wallClock ?? (() => 0);
    this.startedWall = this.wall();
    this.seed = options.seed ?? scenario.seed;
    const world = (this.world = new World(scenario, this.seed));
    world.ledger = options.ledger ?? null;
    this.faults = faultSpans(scenario, world);
    this.entry = new EntryMetrics(world.resolutionMs, this.faults);
    this.loads = Object.entries(scenario.load).map(([name, spec]) => createLoad(name, spec, world, this.entry));
    for (const load of this.loads) load.start();
    this.loadEnd = plannedEndMs(scenario);
    this.hardEnd = this.loadEnd + Math.max(0, ...Object.values(scenario.load).map((l) => l.gracefulStop));
    this.countdown = options.progress?.everyEvents ?? Infinity;
  }

  /** Whether the run has reached its end. */
  get ended(): boolean {
    return this.done;
  }

  /**
   * Fires up to `maxEvents` events: while the load runs, everything due up to its end; then,
   * while calls are in flight, until the longest graceful stop. Returns true once the run
   * has ended.
   */
  advance(maxEvents: number): boolean {
    const queue = this.world.clock.queue;
    let budget = maxEvents;
    if (!this.draining) {
      while (queue.size > 0 && queue.nextTime() <= this.loadEnd) {
        if (budget-- <= 0) return false;
        this.fire();
      }
      if (this.loadEnd > queue.now) queue.now = this.loadEnd;
      this.draining = true;
    }
    while (this.world.inFlight > 0 && queue.size > 0 && queue.nextTime() <= this.hardEnd) {
      if (budget-- <= 0) return false;
      this.fire();
    }
    if (this.world.inFlight > 0) queue.now = Math.max(queue.now, this.hardEnd);
    this.done = true;
    return true;
  }

  private fire(): void {
    const queue = this.world.clock.queue;
    queue.fireNext();
    if (--this.countdown === 0) {
      const progress = this.options.progress!;
      progress.report(queue.now, queue.fired);
      this.countdown = progress.everyEvents;
    }
  }

  /** The run's report, as it stands: `interrupted` when the run was stopped before its end. */
  report(): RunReport {
    const { world, entry, loads, scenario, source } = this;
    const endMs = world.clock.now();
    this.options.afterRun?.(world);
    const report: RunReport = {
      schema: REPORT_SCHEMA,
      scenario: { name: scenario.name, description: scenario.description, file: source.file, sha256: source.sha256 },
      mode: 'sim',
      seed: this.seed,
      ...(this.done ? {} : { interrupted: true }),
      engine: { events: world.clock.queue.fired, simulated_ms: round3(endMs), wall_ms: 0 },
      entry: entry.all.toStats(endMs),
      load: Object.fromEntries(loads.map((l) => [l.name, l.stats()])),
      services: Object.fromEntries([...world.services.values()].map((s) => [s.name, serviceStats(s, endMs)])),
      edges: Object.fromEntries([...world.edges.values()].map((e) => [e.name, e.toStats(endMs)])),
      events: world.timeline.events,
      events_dropped: world.timeline.dropped,
      recovery: [],
      thresholds: [],
      ok: true,
    };
    report.entry = withLoadAttempts(report.entry, loadEdges(report, scenario));
    report.recovery = faultRecoveries(this.faults, entry.recovery.finish(endMs), report);
    report.thresholds = evaluateThresholds(scenario.thresholds, metricSource(world, entry, loads, endMs, report.recovery));
    report.ok = report.thresholds.every((t) => t.ok);
    report.engine.wall_ms = Math.round(this.wall() - this.startedWall);
    return report;
  }
}

/** Mean fraction of the service's workers busy over its active interval. */
function utilization(service: ServiceModel, endMs: number): number {
  let busy = 0;
  for (const i of service.instances) {
    i.account();
    busy += i.busyArea;
  }
  return round6(busy / (activeSpan(activeInterval(service, endMs)) * service.instances.length * service.concurrency));
}

/**
 * From the first request's arrival at one of the service's instances to the last one's
 * departure (the run's end when some are still there); null when none arrived. Nothing is
 * at the service outside it, so its time averages are taken over it.
 */
function activeInterval(service: ServiceModel, endMs: number): TimeSpan | null {
  let from = Infinity;
  let to = -Infinity;
  for (const i of service.instances) {
    if (i.firstArrivalMs < 0) continue;
    from = Math.min(from, i.firstArrivalMs);
    to = Math.max(to, i.busy + i.waiting.length > 0 ? endMs : i.lastDepartureMs);
  }
  return from === Infinity ? null : { from_ms: round3(from), to_ms: round3(to) };
}

/** The length of an active interval in ms, at least 1 so that an empty one averages to 0. */
function activeSpan(active: TimeSpan | null): number {
  return active === null ? 1 : Math.max(1, active.to_ms - active.from_ms);
}

function serviceStats(service: ServiceModel, endMs: number): ServiceStats {
  let inSystem = 0;
  let completed = 0;
  let sojourn = 0;
  for (const i of service.instances) {
    i.account();
    inSystem += i.inSystemArea;
    completed += i.completed;
    sojourn += i.sojournSum;
  }
  const active = activeInterval(service, endMs);
  const span = activeSpan(active);
  return {
    ...service.metrics.toStats(endMs),
    instances: service.instances.length,
    active,
    utilization: utilization(service, endMs),
    mean_in_system: round6(inSystem / span),
    mean_sojourn_ms: round3(completed ? sojourn / completed : 0),
    throughput_per_s: round6((completed / span) * 1000),
  };
}

/** The stats of the edges the loads send on (their caller is a load, not a service). */
function loadEdges(report: RunReport, scenario: Scenario): EdgeStats[] {
  return Object.entries(report.edges)
    .filter(([name]) => Object.hasOwn(scenario.load, name.slice(0, name.indexOf('->'))))
    .map(([, stats]) => stats);
}

/** Attempts ÷ requests over some edges; null without requests. */
function amplificationOf(edges: Iterable<{ metrics: CallMetrics }>): number | null {
  let attempts = 0;
  let requests = 0;
  for (const e of edges) {
    attempts += e.metrics.attempts;
    requests += e.metrics.requests;
  }
  return requests > 0 ? attempts / requests : null;
}

function metricSource(world: World, entry: EntryMetrics, loads: readonly LoadRunner[], endMs: number, recovery: readonly FaultRecovery[]): MetricSource {
  const view = (m: CallMetrics | undefined): StatsView | undefined =>
    m && { requests: m.requests, ok: m.ok, errors: m.errors, latency: m.latency };
  return {
    stats: (s) =>
      s.service !== undefined
        ? view(world.services.get(s.service)?.metrics)
        : s.edge !== undefined
          ? view(world.edges.get(s.edge)?.metrics)
          : s.class !== undefined
            ? view(entry.classes.get(s.class))
            : view(entry.all),
    utilization: (name) => {
      const service = world.services.get(name);
      return service && utilization(service, endMs);
    },
    amplification: (s) => {
      if (s.edge !== undefined) {
        const edge = world.edges.get(s.edge);
        return edge && amplificationOf([edge]);
      }
      if (s.service !== undefined) {
        const service = world.services.get(s.service);
        return service && (service.metrics.requests > 0 ? service.metrics.attempts / service.metrics.requests : null);
      }
      return amplificationOf(world.edges.values());
    },
    recoveryTimeMs: () => longestRecoveryMs(recovery),
    dropped: () => loads.reduce((n, l) => n + l.dropped, 0),
    durationMs: () => endMs,
  };
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}
