import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import type { Clock, TimerHandle } from '../../../proxy-core/clock/clock.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import type { Load } from '../../../scenarios/schema.js';
import { EventLoopDelay } from './event-loop-delay.js';
import { InFlightList } from './in-flight-list.js';
import { LoadRequest, RequestState } from './load-request.js';
import { DEFAULT_BEHIND_POLICY, LoadStats, type BehindPolicy, type LiveLoadReport } from './load-stats.js';
import type { LoadTarget } from './load-target.js';
import { RequestClasses, type TokenSource } from './request-classes.js';

/** Called once per answered request, after it is counted (live mode's report records it here). */
export type ResultListener = (request: LoadRequest, outcome: Outcome, status: number, latencyMs: number, nowMs: number) => void;

/** What every live load needs besides its spec. */
export interface LiveLoadOptions {
  /** The run's clock: proxy-core's `RealClock` (`performance.now()`-based ms and never-early timers). */
  clock: Clock;
  /** The load's own random stream, e.g. `new SeededRng(seed).fork(`load/${name}`)`: arrivals, classes and think times fork from it. */
  rng: Rng;
  /** Where requests go. */
  target: LoadTarget;
  /** Resolves the `token` of a request class (needed only if a class names one). */
  tokenOf?: TokenSource;
  /** Each answered request, with its latency from the intended send time. */
  onResult?: ResultListener;
  /**
   * Open loop: how much of the end of each wait to poll with `setImmediate` rather than
   * sleep on a timer (ms). 0 (the default) sleeps: sends are up to about a millisecond late
   * (a timer's granularity) and an idle loop costs nothing; 1 keeps the send lag well under
   * a millisecond at the price of a busy core while arrivals are closer than that.
   */
  spinMs?: number;
  /** When the generator counts as having fallen behind. */
  behindPolicy?: BehindPolicy;
  /**
   * Event-loop delay monitor: the run's shared one, or `false` for none. By default the load
   * starts its own for its lifetime (10 ms resolution).
   */
  eventLoop?: EventLoopDelay | false;
}

const enum Phase {
  Idle,
  Running,
  Draining,
  Finished,
}

/**
 * What every live executor shares: sending through the target, counting outcomes from the
 * intended send time, the requests in flight, and the end: after the window, requests in
 * flight may finish for `gracefulStop`, then are cancelled and counted as interrupted.
 * Executors decide when to send ({@link OpenLoopLoad}, {@link ClosedLoopLoad}).
 *
 * A load leaves nothing behind when it finishes: no timer, no request in flight (sockets are
 * the target's; close it after {@link LiveLoad.done}).
 */
export abstract class LiveLoad {
  /** Resolves with the final report once the load has finished: window over and nothing in flight, or `stop()`. */
  readonly done: Promise<LiveLoadReport>;
  protected readonly clock: Clock;
  protected readonly stats = new LoadStats();
  protected readonly classes: RequestClasses;
  protected readonly inFlight = new InFlightList();
  /** The run's start (clock ms); the spec's times count from here. */
  protected origin = 0;
  /** How deep we are in `target.send` (a target may answer before it returns). */
  protected sending = 0;
  private phase = Phase.Idle;
  private readonly target: LoadTarget;
  private readonly onResult: ResultListener | undefined;
  private readonly policy: BehindPolicy;
  private readonly eventLoop: EventLoopDelay | null;
  private readonly ownsEventLoop: boolean;
  private graceTimer: TimerHandle = 0;
  private graceEndAt = Infinity;
  private nextId = 0;
  private resolveDone!: (report: LiveLoadReport) => void;

  constructor(
    readonly spec: Load,
    options: LiveLoadOptions,
  ) {
    this.clock = options.clock;
    this.target = options.target;
    this.onResult = options.onResult;
    this.policy = options.behindPolicy ?? DEFAULT_BEHIND_POLICY;
    this.ownsEventLoop = options.eventLoop === undefined;
    this.eventLoop = options.eventLoop === undefined ? new EventLoopDelay() : options.eventLoop || null;
    this.classes = new RequestClasses(spec.classes, options.rng.fork('classes'), options.tokenOf);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /**
   * Starts the load: its `startTime` counts from `originMs` (clock ms; by default now).
   * @throws Error if the load was started before
   */
  start(originMs = this.clock.now()): void {
    if (this.phase !== Phase.Idle) throw new Error('a live load starts once');
    this.phase = Phase.Running;
    this.origin = originMs;
    if (this.ownsEventLoop) this.eventLoop!.start();
    this.begin();
  }

  /**
   * Ends the load early (SIGINT): no request is sent after this. Requests in flight may finish
   * for `graceMs`, then are cancelled (interrupted); {@link LiveLoad.done} resolves when
   * nothing is left. Stopping a load that never started finishes it at once; stopping again
   * can only shorten the grace.
   */
  stop(graceMs = 0): void {
    const now = this.clock.now();
    if (this.phase === Phase.Finished) return;
    if (this.phase === Phase.Idle) {
      this.stats.window(now, now);
      this.stats.stopAt(now);
      this.finish();
      return;
    }
    this.stats.stopAt(now);
    if (this.phase === Phase.Running) this.halt(now);
    this.endArrivals(Math.min(this.graceEndAt, now + Math.max(0, graceMs)));
  }

  /** The figures so far (final once {@link LiveLoad.done} has resolved). */
  report(): LiveLoadReport {
    const eventLoop = this.eventLoop ? this.eventLoop.stats() : { p50: 0, p99: 0, max: 0 };
    return this.stats.report(this.spec.executor, this.isOpenLoop(), eventLoop, this.policy);
  }

  /** Requests in flight now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Whether the load is still sending: started, in its window, not stopped. */
  protected get running(): boolean {
    return this.phase === Phase.Running;
  }

  /** Arms the executor's first sends (the phase is Running, `origin` set). */
  protected abstract begin(): void;
  /** Stops the executor's own timers: nothing more is to be sent. */
  protected abstract halt(now: number): void;
  /** Whether the executor has a planned rate (open model). */
  protected abstract isOpenLoop(): boolean;
  /** Called after each answer is counted at `now`, while running (closed loop: the VU's next iteration). */
  protected afterAnswer(_request: LoadRequest, _now: number): void {}

  /** Sends a request of class `classIndex` now, intended at `intendedAt` (clock ms), for VU `vu`. */
  protected send(classIndex: number, intendedAt: number, vu = -1): void {
    const t = this.classes.template(classIndex);
    const request = new LoadRequest(this.nextId++, classIndex, t.method, t.path, t.headers, intendedAt, vu);
    this.inFlight.add(request);
    const now = this.clock.now();
    request.sentAt = now;
    this.stats.recordSend(intendedAt, now);
    this.sending++;
    try {
      this.target.send(request, this.answer);
    } finally {
      this.sending--;
    }
  }

  /**
   * The window is over (or stopped): wait for what is in flight until `graceEndAt` (clock
   * ms), then cancel it.
   */
  protected endArrivals(graceEndAt: number): void {
    this.phase = Phase.Draining;
    if (this.inFlight.size === 0) return this.finish();
    if (graceEndAt >= this.graceEndAt) return;
    this.graceEndAt = graceEndAt;
    this.clock.cancel(this.graceTimer);
    this.graceTimer = 0;
    const wait = graceEndAt - this.clock.now();
    if (wait > 0) this.graceTimer = this.clock.schedule(wait, this.graceOver, undefined);
    else this.graceOver();
  }

  private readonly answer = (request: LoadRequest, outcome: Outcome, status: number): void => {
    if (request.state !== RequestState.InFlight) return;
    request.state = RequestState.Answered;
    this.inFlight.remove(request);
    const now = this.clock.now();
    const latencyMs = now - request.intendedAt;
    this.stats.recordAnswer(outcome, latencyMs);
    this.onResult?.(request, outcome, status, latencyMs, now);
    if (this.phase === Phase.Running) this.afterAnswer(request, now);
    else if (this.phase === Phase.Draining && this.inFlight.size === 0) this.finish();
  };

  private readonly graceOver = (): void => {
    this.graceTimer = 0;
    for (const request of this.inFlight.takeAll()) {
      request.state = RequestState.Cancelled;
      this.stats.interrupted++;
      this.target.cancel(request);
    }
    this.finish();
  };

  private finish(): void {
    if (this.phase === Phase.Finished) return;
    this.phase = Phase.Finished;
    this.clock.cancel(this.graceTimer);
    this.graceTimer = 0;
    if (this.ownsEventLoop) this.eventLoop!.stop();
    this.resolveDone(this.report());
  }
}
