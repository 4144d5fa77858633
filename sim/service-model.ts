import type { Outcome } from '../proxy-core/call/failure-cause.js';
import type { Rng } from '../proxy-core/clock/rng.js';
import type { InboundChain } from '../proxy-core/inbound/inbound-chain.js';
import { CallMetrics } from '../reports/call-metrics.js';
import type { Service } from '../scenarios/schema.js';
import { type Attempt, AttemptState } from './attempt.js';
import { makeSampler } from './distributions.js';
import { Instance, type InstanceHost } from './instance.js';
import { RouteChoice } from './route-choice.js';
import type { Edge } from './edge.js';
import type { SimCall } from './sim-call.js';
import type { World } from './world.js';

/** One downstream call of a step: where it goes, and how. */
interface StepCall {
  readonly route: RouteChoice<Edge>;
  readonly optional: boolean;
  readonly method: string;
  readonly path: string;
}

/** One step of a request's work: the calls it makes at once (one, or a parallel fan-out). */
interface Step {
  readonly calls: readonly StepCall[];
}

/**
 * A service as the simulator runs it. A request takes a worker at an instance (or queues),
 * does its own work, then makes its calls step by step, holding the worker throughout;
 * a parallel step waits for all its calls and fails as soon as a required one fails. A
 * failed required call fails the request with 500; its own error rate answers 500 after
 * its own work.
 */
export class ServiceModel implements InstanceHost {
  readonly instances: Instance[];
  /** Every call to this service, as its callers saw it. */
  readonly metrics: CallMetrics;
  /** Its sidecars' inbound checks (authentication, authorization, rate limits); null: none. */
  inbound: InboundChain<Attempt> | null = null;
  readonly concurrency: number;
  readonly queueLimit: number;
  /** Honours callers' deadlines: drops work whose caller has given up, passes the rest of the budget on. */
  readonly propagatesDeadlines: boolean;
  /** Retry-After (ms) on its own 5xx answers; -1: none. */
  private readonly retryAfterMs: number;
  private steps: Step[] = [];
  private readonly work: () => number;
  private readonly errorRng: Rng;

  constructor(
    readonly name: string,
    private readonly spec: Service,
    zoneIndexes: readonly number[],
    private readonly world: World,
    private readonly rng: Rng,
  ) {
    this.concurrency = spec.concurrency;
    this.queueLimit = spec.queue;
    this.propagatesDeadlines = spec.deadlinePropagation;
    this.retryAfterMs = spec.retryAfter ?? -1;
    this.metrics = new CallMetrics(world.resolutionMs);
    this.work = makeSampler(spec.latency, rng.fork('latency'));
    this.errorRng = rng.fork('errors');
    this.instances = Array.from(
      { length: spec.replicas },
      (_, i) => new Instance(name, i, zoneIndexes[i % zoneIndexes.length], this),
    );
  }

  /** Resolves the calls into edges, once every service exists; a traffic split on an edge sends its calls to the split's services. */
  connect(): void {
    const splitRng = this.rng.fork('split');
    this.steps = this.spec.calls.map((step) => ({
      calls: ('parallel' in step ? step.parallel : [step]).map(
        (c): StepCall => ({ route: new RouteChoice((from, to) => this.world.edge(from, to), this.name, c.to, splitRng.fork(c.to)), optional: c.optional, method: c.method, path: c.path }),
      ),
    }));
  }

  /** The caller gave up on `attempt`: a service that honours deadlines stops its work (queued work is skipped when its turn comes). */
  abandon(attempt: Attempt): void {
    if (!this.propagatesDeadlines) return;
    if (attempt.state === AttemptState.Working || attempt.state === AttemptState.Calling) this.finish(attempt, 499, '4xx');
  }

  now(): number {
    return this.world.clock.now();
  }

  begin(attempt: Attempt): void {
    if (this.propagatesDeadlines && (attempt.abandoned || attempt.deadline <= this.world.clock.now())) {
      return this.finish(attempt, 504, 'timeout'); // the caller has given up: drop the work
    }
    if (this.propagatesDeadlines && attempt.deadline !== Infinity) this.world.clock.schedule(attempt.deadline - this.world.clock.now(), this.deadlinePassed, attempt);
    const ms = this.work() * attempt.instance.slowdown;
    this.world.after(ms, this.workDone, attempt);
  }

  reject(attempt: Attempt, reason: 'overflow' | 'reset'): void {
    if (reason === 'overflow') {
      attempt.retryAfterMs = this.retryAfterMs;
      this.world.respond(attempt, 503, 'overflow');
    } else {
      if (this.propagatesDeadlines) this.cancelCalls(attempt); // reset by a crash: it gives up on its calls
      this.world.respond(attempt, 0, 'reset');
    }
  }

  callDone(attempt: Attempt, call: SimCall, outcome: Outcome): void {
    if (attempt.state !== AttemptState.Calling) return; // answered already: failed fast or reset
    if (outcome !== 'ok' && !call.optional) return this.finish(attempt, 500, '5xx');
    if (--attempt.pending === 0) {
      attempt.step++;
      this.runStep(attempt);
    }
  }

  private readonly deadlinePassed = (attempt: Attempt): void => {
    if (attempt.state === AttemptState.Working || attempt.state === AttemptState.Calling) this.finish(attempt, 504, 'timeout');
  };

  private readonly workDone = (attempt: Attempt): void => {
    if (attempt.state !== AttemptState.Working) return; // reset by a crash meanwhile
    if (this.spec.errorRate > 0 && this.errorRng.next() < this.spec.errorRate) return this.finish(attempt, 500, '5xx');
    attempt.step = 0;
    this.runStep(attempt);
  };

  private runStep(attempt: Attempt): void {
    if (attempt.step === this.steps.length) return this.finish(attempt, 200, 'ok');
    const calls = this.steps[attempt.step].calls;
    attempt.state = AttemptState.Calling;
    attempt.pending = calls.length;
    for (let i = 0; i < calls.length && attempt.state === AttemptState.Calling; i++) {
      const c = calls[i];
      this.world.call(c.route.pick(), attempt, c.optional, c.method, c.path);
    }
  }

  /**
   * Answers `attempt` and frees its worker. A service that honours deadlines also cancels
   * the calls it still has in flight (an early failure, or its caller gave up), as a gRPC
   * context's cancellation reaches every call made under it.
   */
  private finish(attempt: Attempt, status: number, outcome: Outcome): void {
    attempt.instance.release(attempt);
    if (this.propagatesDeadlines) this.cancelCalls(attempt);
    if (status >= 500 && status !== 504) attempt.retryAfterMs = this.retryAfterMs;
    this.world.respond(attempt, status, outcome);
  }

  private cancelCalls(attempt: Attempt): void {
    for (let call = attempt.calls; call !== null; ) {
      const next = call.nextSibling;
      call.edge.cancel(call);
      call = next;
    }
  }
}
