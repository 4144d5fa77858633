import type { CallMetrics } from '../reports/call-metrics.js';
import { withLoadAttempts } from '../reports/entry-attempts.js';
import type { FaultSpan } from '../reports/fault-span.js';
import { faultRecoveries } from '../reports/fault-recoveries.js';
import type { MetricSource, StatsView } from '../reports/metric-source.js';
import { longestRecoveryMs } from '../reports/recovery.js';
import { REPORT_SCHEMA, type EdgeStats, type FaultRecovery, type LoadStats, type RunReport, type ServiceStats, type ThresholdResult, type TimeSpan } from '../reports/report.js';
import { evaluateThresholds, parseMetricSelector } from '../reports/thresholds.js';
import { round3 } from '../reports/time-series.js';
import type { Scenario } from '../scenarios/schema.js';
import { thresholdExpressions } from '../scenarios/threshold-entries.js';
import type { Instance, InstanceWork } from './instance.js';
import type { EntryMetrics } from './load-runner.js';
import type { ScenarioSource } from './run-simulation.js';
import type { Timeline } from './timeline.js';

/** A service as the report reads it, in either engine. */
export interface ReportedService {
  readonly name: string;
  readonly concurrency: number;
  readonly metrics: CallMetrics;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the work type does not matter to the report
  readonly instances: readonly Instance<InstanceWork<any>, any>[];
}

/** An edge as the report reads it, in either engine. */
export interface ReportedEdge {
  readonly name: string;
  readonly metrics: CallMetrics;
  toStats(endMs: number): EdgeStats;
}

/** A load as the report reads it. */
export interface ReportedLoad {
  readonly name: string;
  readonly dropped: number;
  stats(): LoadStats;
}

/** Everything a run's report is built from: the simulator's world or live mode's mesh, and what ran on it. */
export interface RunOutcome {
  readonly scenario: Scenario;
  readonly source: ScenarioSource;
  readonly mode: RunReport['mode'];
  readonly seed: number;
  /** The run reached its end (false: interrupted). */
  readonly ended: boolean;
  /** The run's length on its clock, ms. */
  readonly endMs: number;
  /** Events processed (the simulator's), or requests served (live). */
  readonly events: number;
  readonly mesh: {
    readonly services: ReadonlyMap<string, ReportedService>;
    readonly edges: ReadonlyMap<string, ReportedEdge>;
    readonly timeline: Timeline;
  };
  readonly entry: EntryMetrics;
  readonly loads: readonly ReportedLoad[];
  readonly faults: readonly FaultSpan[];
}

/**
 * The run's report (`faultline.report/v1`) from what the run counted: the same function
 * for the simulator and live mode, so both speak the same schema and judge the same
 * thresholds the same way. `engine.wall_ms` is the caller's to fill in.
 */
export function buildRunReport(run: RunOutcome): RunReport {
  const { mesh, entry, loads, scenario, source, endMs } = run;
  const report: RunReport = {
    schema: REPORT_SCHEMA,
    scenario: { name: scenario.name, description: scenario.description, file: source.file, sha256: source.sha256 },
    mode: run.mode,
    seed: run.seed,
    ...(run.ended ? {} : { interrupted: true }),
    engine: { events: run.events, simulated_ms: round3(endMs), wall_ms: 0 },
    entry: entry.all.toStats(endMs),
    load: Object.fromEntries(loads.map((l) => [l.name, l.stats()])),
    services: Object.fromEntries([...mesh.services.values()].map((s) => [s.name, serviceStats(s, endMs)])),
    edges: Object.fromEntries([...mesh.edges.values()].map((e) => [e.name, e.toStats(endMs)])),
    events: mesh.timeline.events,
    events_dropped: mesh.timeline.dropped,
    recovery: [],
    thresholds: [],
    ok: true,
  };
  report.entry = withLoadAttempts(report.entry, loadEdges(report, scenario));
  report.recovery = faultRecoveries(run.faults, entry.recovery.finish(endMs), report);
  report.thresholds = evaluateThresholds(thresholdExpressions(scenario.thresholds), metricSource(run, report.recovery));
  report.ok = report.thresholds.every((t) => t.ok);
  return report;
}

/**
 * The run's thresholds alone, without the rest of its report: what a fuzz run needs, at a
 * fraction of the cost for a short run (no per-service latency summaries, time series or
 * fault windows). The same values as the report's `thresholds`; null when a threshold reads
 * `recovery_time`, which needs the fault windows: build the report then.
 */
export function evaluateRunThresholds(run: RunOutcome): ThresholdResult[] | null {
  if (Object.keys(run.scenario.thresholds).some((key) => parseMetricSelector(key).metric === 'recovery_time')) return null;
  return evaluateThresholds(thresholdExpressions(run.scenario.thresholds), metricSource(run, []));
}

/** Mean fraction of the service's workers busy over its active interval. */
function utilization(service: ReportedService, endMs: number): number {
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
function activeInterval(service: ReportedService, endMs: number): TimeSpan | null {
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

function serviceStats(service: ReportedService, endMs: number): ServiceStats {
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

function metricSource(run: RunOutcome, recovery: readonly FaultRecovery[]): MetricSource {
  const { mesh, entry, loads, endMs } = run;
  const view = (m: CallMetrics | undefined): StatsView | undefined =>
    m && { requests: m.requests, ok: m.ok, errors: m.errors, latency: m.latency };
  return {
    stats: (s) =>
      s.service !== undefined
        ? view(mesh.services.get(s.service)?.metrics)
        : s.edge !== undefined
          ? view(mesh.edges.get(s.edge)?.metrics)
          : s.class !== undefined
            ? view(entry.classes.get(s.class))
            : view(entry.all),
    utilization: (name) => {
      const service = mesh.services.get(name);
      return service && utilization(service, endMs);
    },
    amplification: (s) => {
      if (s.edge !== undefined) {
        const edge = mesh.edges.get(s.edge);
        return edge && amplificationOf([edge]);
      }
      if (s.service !== undefined) {
        const service = mesh.services.get(s.service);
        return service && (service.metrics.requests > 0 ? service.metrics.attempts / service.metrics.requests : null);
      }
      return amplificationOf(mesh.edges.values());
    },
    recoveryTimeMs: () => longestRecoveryMs(recovery),
    dropped: () => loads.reduce((n, l) => n + l.dropped, 0),
    durationMs: () => endMs,
  };
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}
