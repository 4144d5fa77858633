/**
 * One run of a scenario against a real staging mesh: the built-in load generator sends the
 * scenario's load to the target's entry URLs, the fault schedule goes on through the
 * target's Toxiproxy APIs (and Envoy's fault headers), and the report is the simulator's,
 * built from what the load saw. Safety first, as AWS FIS and Chaos Mesh have it: every
 * toxic is journaled before it is added and named with the run's id, stop conditions
 * (`abortOnFail` thresholds) are checked every second, a hard maximum duration ends the run,
 * and every toxic the run added is removed before it ends — on success, on error, on
 * SIGINT/SIGTERM. What a SIGKILL leaves behind, the next run's sweep removes.
 */
import { EventLoopDelay } from '../live/load/event-loop-delay.js';
import { createLiveLoad, type LiveLoad, type LiveLoadReport } from '../live/load/index.js';
import { RunClock } from '../live/run-clock.js';
import { EntryMetrics } from '../load-runner.js';
import { faultSpans, type MeshLayout } from '../fault-spans.js';
import { buildRunReport } from '../run-report.js';
import type { ScenarioSource } from '../run-simulation.js';
import { SeededRng } from '../seeded-rng.js';
import { Timeline } from '../timeline.js';
import type { RunReport, StagingStop, StagingToxic } from '../../reports/report.js';
import type { Scenario } from '../../scenarios/schema.js';
import { thresholdExpressions } from '../../scenarios/threshold-entries.js';
import { FaultJournal } from './fault-journal.js';
import { sweepOrphans, type SweepResult } from './orphan-sweep.js';
import { StagingLoadTarget } from './staging-load-target.js';
import type { PlannedToxic, StagingPlan } from './staging-plan.js';
import { ToxiproxyFleet } from './toxiproxy-fleet.js';

/** How often the stop conditions are evaluated while the run goes, ms. */
export const STOP_CHECK_INTERVAL_MS = 1000;
/** How long requests in flight may finish once the run is stopped, ms. */
const STOP_GRACE_MS = 1000;

/** A target whose proxies are not there; exit code 2 (the target file does not match the mesh), before anything is touched. */
export class StagingPreflightError extends Error {
  readonly code = 'FL_STAGING_PREFLIGHT';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: the staging mesh does not match the target file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StagingPreflightError';
  }
}

/** Options of a staging run. */
export interface StagingRunOptions {
  /** Overrides the scenario's seed (arrivals, classes). */
  readonly seed?: number;
  /** Where the runs' journals are kept. */
  readonly journalDir: string;
  /** The target file, for messages. */
  readonly targetFile: string;
  /** Hears what the run does that an operator should see: orphans removed, toxics, stops. */
  readonly log?: (line: string) => void;
  /** Hears the load begin. */
  readonly onLoadStart?: () => void;
}

/** A planned toxic and how far it got. */
interface ToxicState {
  readonly planned: PlannedToxic;
  /** The add (then the remove) in flight, so that a remove waits for its add. */
  work: Promise<void>;
  addedMs: number | null;
  removedMs: number | null;
  /** The add was asked for (journaled), so teardown must remove it. */
  requested: boolean;
  /** The remove is done or underway. */
  removing: boolean;
}

/** A staging run; {@link StagingRun.run}, then {@link StagingRun.report}, and always {@link StagingRun.close}. */
export class StagingRun {
  readonly clock = new RunClock();
  private readonly timeline = new Timeline();
  private readonly fleet: ToxiproxyFleet;
  private readonly toxics: ToxicState[];
  private readonly entry: EntryMetrics;
  private readonly faults;
  private readonly loads: { name: string; load: LiveLoad; target: StagingLoadTarget; report: LiveLoadReport | null }[] = [];
  private readonly eventLoop = new EventLoopDelay();
  private readonly layout: MeshLayout;
  private journal: FaultJournal | null = null;
  private sweep: SweepResult = { removed: [], leftAlone: [] };
  private stopped: StagingStop | null = null;
  private signalled = false;
  private started = false;
  private wallAtStart = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly source: ScenarioSource,
    readonly plan: StagingPlan,
    private readonly options: StagingRunOptions,
  ) {
    this.fleet = new ToxiproxyFleet(plan.apis);
    this.toxics = plan.toxics.map((planned) => ({ planned, work: Promise.resolve(), addedMs: null, removedMs: null, requested: false, removing: false }));
    this.layout = { zones: scenario.zones, services: new Map(Object.keys(scenario.services).map((name) => [name, { name, instances: [] }])) };
    this.faults = faultSpans(scenario, this.layout);
    this.entry = new EntryMetrics(scenario.report.resolution, this.faults);
  }

  /** What ended the run early, or null. */
  get stop(): StagingStop | null {
    return this.stopped;
  }

  /**
   * Checks the proxies, sweeps the orphans of earlier runs, opens the journal, then runs the
   * load and the fault schedule; resolves when the load is done or the run was stopped.
   *
   * @throws {@link StagingPreflightError} when a proxy the plan needs is missing
   * @throws `ToxiproxyUnavailableError` when an API cannot be reached before the run
   */
  async run(): Promise<void> {
    const missing = await this.fleet.preflight(this.plan.proxiesByApi);
    if (missing.length > 0) throw new StagingPreflightError(this.options.targetFile, missing);
    this.sweep = await sweepOrphans(this.fleet, this.plan.apis, { journalDir: this.options.journalDir, ownRunId: this.plan.runId, nowEpochMs: Date.now() });
    for (const t of this.sweep.removed) this.options.log?.(`removed orphaned toxic ${t.toxic} from ${t.proxy} at ${t.api}: ${t.why}`);
    for (const t of this.sweep.leftAlone) this.options.log?.(`left toxic ${t.toxic} on ${t.proxy} at ${t.api}: ${t.why}`);
    if (this.signalled) return;
    this.journal = FaultJournal.create(this.options.journalDir, this.plan.runId, this.plan.target, this.plan.deadlineEpochS);
    this.startLoads();
    await Promise.all(this.loads.map(async (l) => (l.report = await l.load.done)));
  }

  /** Stops the run early (SIGINT, SIGTERM): the loads stop, and {@link StagingRun.close} removes the toxics. */
  interrupt(): void {
    this.signalled = true;
    this.end({ reason: 'signal', at_ms: this.started ? this.clock.now() : 0 });
  }

  /**
   * Removes every toxic the run asked for (waiting for adds in flight), closes the journal,
   * the connections and the timers. Safe to call more than once, and after a failure.
   */
  async close(): Promise<void> {
    this.clock.cancelAll();
    this.eventLoop.stop();
    await this.removeAll();
    await Promise.all(this.loads.map((l) => l.target.close()));
    if (this.journal !== null && this.toxics.every((t) => !t.requested || t.removedMs !== null)) {
      this.journal.end();
      this.journal = null;
    }
  }

  /** Toxics the run asked for and could not confirm removed (after {@link StagingRun.close}); the journal keeps them for the next sweep. */
  get leftBehind(): readonly PlannedToxic[] {
    return this.toxics.filter((t) => t.requested && t.removedMs === null).map((t) => t.planned);
  }

  /** The run's report, mode `staging`: the entry's traffic as the load saw it, the observable thresholds, and a `staging` section. */
  report(): RunReport {
    const endMs = this.started ? this.clock.now() : 0;
    const observable = Object.fromEntries(Object.entries(this.scenario.thresholds).filter(([key]) => !this.plan.unobservable.includes(key)));
    const report = buildRunReport({
      scenario: { ...this.scenario, thresholds: observable },
      source: this.source,
      mode: 'staging',
      seed: this.options.seed ?? this.scenario.seed,
      ended: this.stopped === null,
      endMs,
      events: this.entry.all.requests,
      mesh: { services: new Map(), edges: new Map(), timeline: this.timeline },
      entry: this.entry,
      loads: this.loads.map((l) => ({ name: l.name, dropped: l.report?.dropped ?? 0, stats: () => this.loadStats(l.name, l.report) })),
      faults: this.faults,
    });
    report.engine.wall_ms = this.started ? Math.round(performance.now() - this.wallAtStart) : 0;
    report.staging = {
      target: this.plan.target,
      run_id: this.plan.runId,
      toxics: this.toxics.map((t) => this.toxicStats(t)),
      unobservable_thresholds: [...this.plan.unobservable],
      orphans_removed: this.sweep.removed.length,
      stopped: this.stopped,
    };
    return report;
  }

  private startLoads(): void {
    const rng = new SeededRng(this.options.seed ?? this.scenario.seed);
    for (const planned of this.plan.loads) {
      const spec = this.scenario.load[planned.name];
      const headerFaults = this.plan.headerFaults.filter((h) => h.service === planned.service);
      const target = new StagingLoadTarget(planned.url, this.clock, headerFaults);
      const load = createLiveLoad(spec, {
        clock: this.clock,
        rng: rng.fork(`load/${planned.name}`),
        target,
        eventLoop: this.eventLoop,
        onResult: (request, outcome, _status, latencyMs, nowMs) => {
          this.entry.all.record(nowMs, latencyMs, outcome);
          this.entry.recovery.record(nowMs, latencyMs, outcome === 'ok');
          if (request.classIndex >= 0) this.entry.classMetrics(spec.classes[request.classIndex].name).record(nowMs, latencyMs, outcome);
        },
      });
      this.loads.push({ name: planned.name, load, target, report: null });
    }
    this.eventLoop.start();
    this.clock.startNow();
    this.wallAtStart = performance.now();
    this.started = true;
    for (const t of this.toxics) {
      this.clock.schedule(t.planned.atMs, (s) => this.add(s), t);
      this.clock.schedule(t.planned.untilMs, (s) => this.remove(s), t);
    }
    if (this.plan.stopConditions.length > 0) this.clock.schedule(STOP_CHECK_INTERVAL_MS, () => this.checkStopConditions(), null);
    this.clock.schedule(this.plan.maxDurationMs, () => this.end({ reason: 'max-duration', at_ms: this.clock.now() }), null);
    for (const l of this.loads) l.load.start(0);
    this.options.onLoadStart?.();
  }

  private add(t: ToxicState): void {
    if (this.stopped !== null || t.removing) return;
    const { place, spec } = t.planned;
    t.requested = true;
    this.journal!.adding(place);
    t.work = t.work.then(async () => {
      try {
        await this.fleet.add(place, spec);
      } catch (error) {
        this.end({ reason: 'fault-injection-failed', at_ms: this.clock.now(), detail: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      t.addedMs = this.clock.now();
      this.timeline.recordToxic('toxic-added', t.planned.target, place.proxy, place.toxic, t.addedMs);
      this.options.log?.(`added ${spec.type} toxic ${place.toxic} to ${place.proxy} (fault ${t.planned.fault})`);
    });
    t.work.catch(() => {});
  }

  private remove(t: ToxicState): Promise<void> {
    if (!t.requested || t.removing) return t.work.catch(() => {});
    t.removing = true;
    const { place } = t.planned;
    t.work = t.work
      .catch(() => {})
      .then(async () => {
        await this.fleet.remove(place);
        t.removedMs = this.started ? this.clock.now() : 0;
        this.journal?.removed(place);
        this.timeline.recordToxic('toxic-removed', t.planned.target, place.proxy, place.toxic, t.removedMs);
        this.options.log?.(`removed toxic ${place.toxic} from ${place.proxy}`);
      });
    return t.work.catch((error: unknown) => {
      t.removing = false; // left for the next attempt (close) or the next run's sweep
      this.options.log?.(`could not remove toxic ${place.toxic} from ${place.proxy}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Removes every toxic asked for, all at once. */
  private async removeAll(): Promise<void> {
    await Promise.all(this.toxics.map((t) => this.remove(t)));
  }

  /** Ends the run: the loads stop (requests in flight get a moment), every toxic comes off at once. */
  private end(stop: StagingStop): void {
    if (this.stopped !== null) return;
    this.stopped = stop;
    if (stop.reason !== 'signal') this.options.log?.(`stopping: ${describeStop(stop)}`);
    for (const l of this.loads) l.load.stop(STOP_GRACE_MS);
    void this.removeAll();
  }

  private checkStopConditions(): void {
    if (this.stopped !== null) return;
    const now = this.clock.now();
    const due = this.plan.stopConditions.filter((c) => now >= c.delayMs);
    if (due.length > 0) {
      const thresholds: Record<string, string[]> = {};
      for (const c of due) (thresholds[c.metric] ??= []).push(c.expression);
      const results = this.judge(thresholds, now);
      const failed = results.find((r) => !r.ok);
      if (failed !== undefined) return this.end({ reason: 'stop-condition', at_ms: now, metric: failed.metric, expression: failed.expression, observed: failed.observed });
    }
    this.clock.schedule(STOP_CHECK_INTERVAL_MS, () => this.checkStopConditions(), null);
  }

  /** `thresholds` judged on what the load has seen so far. */
  private judge(thresholds: Record<string, string[]>, nowMs: number) {
    return buildRunReport({
      scenario: { ...this.scenario, thresholds },
      source: this.source,
      mode: 'staging',
      seed: 0,
      ended: false,
      endMs: nowMs,
      events: 0,
      mesh: { services: new Map(), edges: new Map(), timeline: new Timeline() },
      entry: this.entry,
      // Drops are counted when a load ends: a stop condition on dropped_iterations sees 0 while the run goes.
      loads: this.loads.map((l) => ({ name: l.name, dropped: 0, stats: () => this.loadStats(l.name, null) })),
      faults: this.faults,
    }).thresholds;
  }

  private loadStats(name: string, report: LiveLoadReport | null) {
    const spec = this.scenario.load[name];
    return { executor: spec.executor, target: spec.target, requests: report?.sent ?? 0, dropped: report?.dropped ?? 0, interrupted: report?.interrupted ?? 0 };
  }

  private toxicStats(t: ToxicState): StagingToxic {
    const { place, spec, fault } = t.planned;
    return { fault, api: place.api, proxy: place.proxy, toxic: place.toxic, type: spec.type, stream: spec.stream, added_ms: round(t.addedMs), removed_ms: round(t.removedMs) };
  }
}

function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 1000) / 1000;
}

/** One line on what stopped a run. */
export function describeStop(stop: StagingStop): string {
  const at = `${(stop.at_ms / 1000).toFixed(1)} s into the load`;
  switch (stop.reason) {
    case 'stop-condition':
      return `stop condition ${stop.metric}: ${stop.expression} failed (observed ${stop.observed ?? 'no data'}) ${at}; every fault removed`;
    case 'max-duration':
      return `the target's maxDuration was reached ${at}`;
    case 'signal':
      return `interrupted ${at}`;
    case 'fault-injection-failed':
      return `a fault could not be applied ${at} (${stop.detail}); every fault removed`;
  }
}

