import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import type { Rng } from '../../proxy-core/clock/rng.js';
import type { InboundChain } from '../../proxy-core/inbound/inbound-chain.js';
import { CallMetrics } from '../../reports/call-metrics.js';
import type { Service } from '../../scenarios/schema.js';
import { AttemptState } from '../attempt.js';
import { makeSampler } from '../distributions.js';
import type { InstanceHost } from '../instance.js';
import { RouteChoice } from '../route-choice.js';
import type { LiveCall } from './live-call.js';
import type { LiveEdge } from './live-edge.js';
import { LiveInstance } from './live-instance.js';
import type { LiveMesh } from './live-mesh.js';
import type { LiveRequest } from './live-request.js';

/** One downstream call of a step: where it goes, and how. */
interface StepCall {
  readonly route: RouteChoice<LiveEdge>;
  readonly optional: boolean;
  readonly method: string;
  readonly path: string;
}

/**
 * A service in live mode, behaving as the simulator's `ServiceModel` does, on real timers:
 * a request takes a worker at an instance (or queues, or overflows with 503), does its own
 * work (drawn from the same distribution, stretched by a slowdown), fails at the error
 * rate, then makes its calls step by step — a parallel step fails as soon as a required
 * call fails — holding the worker throughout. With deadline propagation it drops work whose
 * caller gave up and cancels its calls when it answers early.
 */
export class LiveService implements InstanceHost<LiveRequest, LiveCall> {
  readonly instances: LiveInstance[];
  readonly metrics: CallMetrics;
  /** Its sidecars' inbound checks; null: none. */
  inbound: InboundChain<LiveRequest> | null = null;
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly propagatesDeadlines: boolean;
  private readonly retryAfterMs: number;
  private steps: { calls: StepCall[] }[] = [];
  private readonly work: () => number;
  private readonly errorRng: Rng;

  constructor(
    readonly name: string,
    private readonly spec: Service,
    zoneIndexes: readonly number[],
    readonly mesh: LiveMesh,
    private readonly rng: Rng,
  ) {
    this.concurrency = spec.concurrency;
    this.queueLimit = spec.queue;
    this.propagatesDeadlines = spec.deadlinePropagation;
    this.retryAfterMs = spec.retryAfter ?? -1;
    this.metrics = new CallMetrics(mesh.resolutionMs);
    this.work = makeSampler(spec.latency, rng.fork('latency'));
    this.errorRng = rng.fork('errors');
    this.instances = Array.from({ length: spec.replicas }, (_, i) => new LiveInstance(this, i, zoneIndexes[i % zoneIndexes.length]));
  }

  /** Resolves the calls into edges once every service exists (a traffic split picks among the split's edges). */
  connect(): void {
    const splitRng = this.rng.fork('split');
    this.steps = this.spec.calls.map((step) => ({
      calls: ('parallel' in step ? step.parallel : [step]).map((c) => ({
        route: new RouteChoice((from, to) => this.mesh.edge(from, to), this.name, c.to, splitRng.fork(c.to)),
        optional: c.optional,
        method: c.method,
        path: c.path,
      })),
    }));
  }

  now(): number {
    return this.mesh.clock.now();
  }

  /** The caller went away: a service that honours deadlines stops the request's work. */
  abandon(req: LiveRequest): void {
    req.abandoned = true;
    if (!this.propagatesDeadlines) return;
    if (req.state === AttemptState.Working || req.state === AttemptState.Calling) this.finish(req, 499, '4xx');
  }

  begin(req: LiveRequest): void {
    const clock = this.mesh.clock;
    if (this.propagatesDeadlines && (req.abandoned || req.deadline <= clock.now())) return this.finish(req, 504, 'timeout');
    if (this.propagatesDeadlines && req.deadline !== Infinity) req.deadlineTimer = clock.schedule(req.deadline - clock.now(), this.deadlinePassed, req);
    req.workTimer = clock.schedule(this.work() * req.instance.slowdown, this.workDone, req);
  }

  reject(req: LiveRequest, reason: 'overflow' | 'reset'): void {
    this.stopTimers(req);
    if (reason === 'overflow') return this.mesh.answer(req, 503, 'overflow', this.retryAfterMs);
    if (this.propagatesDeadlines) this.cancelCalls(req);
    this.mesh.reset(req);
  }

  callDone(req: LiveRequest, _call: LiveCall, outcome: Outcome): void {
    if (req.state !== AttemptState.Calling) return;
    if (outcome !== 'ok' && !_call.optional) return this.finish(req, 500, '5xx');
    if (--req.pending === 0) {
      req.step++;
      this.runStep(req);
    }
  }

  private readonly deadlinePassed = (req: LiveRequest): void => {
    req.deadlineTimer = 0;
    if (req.state === AttemptState.Working || req.state === AttemptState.Calling) this.finish(req, 504, 'timeout');
  };

  private readonly workDone = (req: LiveRequest): void => {
    req.workTimer = 0;
    if (req.state !== AttemptState.Working) return;
    if (this.spec.errorRate > 0 && this.errorRng.next() < this.spec.errorRate) return this.finish(req, 500, '5xx');
    req.step = 0;
    this.runStep(req);
  };

  private runStep(req: LiveRequest): void {
    if (req.step === this.steps.length) return this.finish(req, 200, 'ok');
    const calls = this.steps[req.step].calls;
    req.state = AttemptState.Calling;
    req.pending = calls.length;
    for (let i = 0; i < calls.length && req.state === AttemptState.Calling; i++) {
      const c = calls[i];
      this.mesh.call(c.route.pick(), req, c.optional, c.method, c.path);
    }
  }

  /** Answers the request and frees its worker; with deadline propagation its calls still in flight are cancelled. */
  private finish(req: LiveRequest, status: number, outcome: Outcome): void {
    this.stopTimers(req);
    req.instance.release(req);
    if (this.propagatesDeadlines) this.cancelCalls(req);
    this.mesh.answer(req, status, outcome, status >= 500 && status !== 504 ? this.retryAfterMs : -1);
  }

  private stopTimers(req: LiveRequest): void {
    const clock = this.mesh.clock;
    if (req.workTimer !== 0) clock.cancel(req.workTimer);
    if (req.deadlineTimer !== 0) clock.cancel(req.deadlineTimer);
    req.workTimer = req.deadlineTimer = 0;
  }

  private cancelCalls(req: LiveRequest): void {
    for (let call = req.calls; call !== null; ) {
      const next = call.nextSibling;
      call.edge.cancel(call);
      call = next;
    }
  }
}
