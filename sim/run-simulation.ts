import type { Progress } from './virtual-clock.js';
import type { FaultSpan } from '../reports/fault-span.js';
import type { RunReport, ThresholdResult } from '../reports/report.js';
import type { Scenario } from '../scenarios/schema.js';
import { faultSpans } from './fault-spans.js';
import { EntryMetrics, type LoadRunner } from './load-runner.js';
import { createLoad } from './loads.js';
import { plannedEndMs } from './planned-end.js';
import { buildRunReport, evaluateRunThresholds, type RunOutcome } from './run-report.js';
import type { SecurityModel } from './security-model.js';
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

/** A run's thresholds as judged, and what else a search for failures reads of it. */
export interface RunVerdict {
  thresholds: ThresholdResult[];
  /** Events fired. */
  events: number;
  /**
   * The least fraction of its lifetime a workload certificate has had left (see
   * {@link SecurityModel.lowestCertificateLifeLeft}); null when no callee takes mTLS.
   */
  certificateLifeLeft: number | null;
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
    this.options.afterRun?.(this.world);
    const report = buildRunReport(this.outcome());
    report.engine.wall_ms = Math.round(this.wall() - this.startedWall);
    return report;
  }

  /**
   * The run's thresholds as its report would judge them, and the events it fired, without
   * building the rest of the report when the thresholds allow (see {@link evaluateRunThresholds}).
   */
  verdict(): RunVerdict {
    const thresholds = evaluateRunThresholds(this.outcome()) ?? this.report().thresholds;
    const { security } = this.world;
    return {
      thresholds,
      events: this.world.clock.queue.fired,
      certificateLifeLeft: security.mtls ? security.lowestCertificateLifeLeft() : null,
    };
  }

  private outcome(): RunOutcome {
    const { world } = this;
    return {
      scenario: this.scenario,
      source: this.source,
      mode: 'sim',
      seed: this.seed,
      ended: this.done,
      endMs: world.clock.now(),
      events: world.clock.queue.fired,
      mesh: world,
      entry: this.entry,
      loads: this.loads,
      faults: this.faults,
    };
  }
}
