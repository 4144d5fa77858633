import type { Outcome } from '../proxy-core/call/failure-cause.js';
import { NO_HEADERS, type Headers } from '../proxy-core/call/headers.js';
import type { Rng } from '../proxy-core/clock/rng.js';
import { CallMetrics } from '../reports/call-metrics.js';
import type { FaultSpan } from '../reports/fault-span.js';
import { RecoveryRecorder } from '../reports/recovery-recorder.js';
import type { LoadStats } from '../reports/report.js';
import type { Load } from '../scenarios/schema.js';
import { RouteChoice } from './route-choice.js';
import type { Edge } from './edge.js';
import { type CallOrigin, SimCall } from './sim-call.js';
import type { World } from './world.js';

/** Traffic entering the mesh, counted as a whole and per request class (k6's `http_req_*`), and its recovery after each fault. */
export class EntryMetrics {
  readonly all: CallMetrics;
  readonly classes = new Map<string, CallMetrics>();
  readonly recovery: RecoveryRecorder;
  constructor(
    readonly resolutionMs: number,
    faults: readonly FaultSpan[] = [],
  ) {
    this.all = new CallMetrics(resolutionMs);
    this.recovery = new RecoveryRecorder(faults);
  }
  /** The metrics of class `name`, created on first use. */
  classMetrics(name: string): CallMetrics {
    let m = this.classes.get(name);
    if (!m) this.classes.set(name, (m = new CallMetrics(this.resolutionMs)));
    return m;
  }
}

/**
 * What every load executor shares: sending a request of a weighted-random class to the
 * target, and counting its outcome at the entry. Executors decide when to send.
 */
export abstract class LoadRunner implements CallOrigin {
  requests = 0;
  dropped = 0;
  inFlight = 0;
  /** Where the load's requests go: its target, or a weighted split of it. */
  private readonly route: RouteChoice<Edge>;
  protected readonly rng: Rng;
  private readonly cumulativeWeights: number[];
  private readonly classMetrics: CallMetrics[];
  /** Each class's headers, with its token as `authorization: Bearer …`. */
  private readonly classHeaders: Headers[];

  constructor(
    readonly name: string,
    readonly spec: Load,
    protected readonly world: World,
    private readonly entry: EntryMetrics,
  ) {
    this.rng = world.rng.fork(`load/${name}`);
    this.route = new RouteChoice((from, to) => world.edge(from, to), name, spec.target, this.rng.fork('split'));
    let total = 0;
    this.cumulativeWeights = spec.classes.map((c) => (total += c.weight));
    this.classMetrics = spec.classes.map((c) => entry.classMetrics(c.name));
    this.classHeaders = spec.classes.map((c) => (c.token === undefined ? c.headers : { ...c.headers, authorization: `Bearer ${world.security.token(c.token)}` }));
  }

  /** Schedules the executor's first sends. */
  abstract start(): void;

  /** Sends one request now; its latency counts from `intendedAt` (open-loop load: the scheduled time). */
  protected send(intendedAt: number): void {
    const classIndex = this.pickClass();
    const headers = classIndex >= 0 ? this.classHeaders[classIndex] : NO_HEADERS;
    const cls = classIndex >= 0 ? this.spec.classes[classIndex] : DEFAULT_CLASS;
    this.requests++;
    this.inFlight++;
    this.world.dispatch(new SimCall(this.world.callId(), this.route.pick(), cls.method, cls.path, headers, classIndex, intendedAt, this, -1, null, false));
  }

  onCallDone(call: SimCall, outcome: Outcome): void {
    this.inFlight--;
    const now = this.world.clock.now();
    const latency = now - call.startedAt;
    this.entry.all.record(now, latency, outcome);
    this.entry.recovery.record(now, latency, outcome === 'ok');
    if (call.classIndex >= 0) this.classMetrics[call.classIndex].record(now, latency, outcome);
    this.afterCall();
  }

  /** Called after each outcome: closed-loop executors start the next iteration here. */
  protected afterCall(): void {}

  /** The report's view of this load. */
  stats(): LoadStats {
    return { executor: this.spec.executor, target: this.spec.target, requests: this.requests, dropped: this.dropped, interrupted: this.inFlight };
  }

  private pickClass(): number {
    const weights = this.cumulativeWeights;
    if (weights.length === 0) return -1;
    if (weights.length === 1) return 0;
    const x = this.rng.next() * weights[weights.length - 1];
    let i = 0;
    while (weights[i] <= x) i++;
    return i;
  }
}

const DEFAULT_CLASS = { method: 'GET', path: '/' } as const;
