import type { CallHandler } from '../proxy-core/call/dispatch.js';
import { outcomeOfStatus, type FailureCause, type Outcome } from '../proxy-core/call/failure-cause.js';
import { NO_GRPC_STATUS } from '../proxy-core/call/grpc-status.js';
import type { AttemptHandler } from '../proxy-core/call/upstream.js';
import type { Scenario } from '../scenarios/schema.js';
import { Attempt } from './attempt.js';
import { Edge } from './edge.js';
import { FaultModel, Verdict, type MessageEnds } from './fault-model.js';
import { resolveEdgePolicy } from '../proxy-core/control-plane/edge-policy.js';
import { NetworkModel } from './network-model.js';
import type { InboundHandler } from '../proxy-core/inbound/inbound-chain.js';
import { SecurityModel } from './security-model.js';
import { createEntryEdges } from './route-choice.js';
import { SeededRng } from './seeded-rng.js';
import { ServiceModel } from './service-model.js';
import { SimCall } from './sim-call.js';
import { Timeline } from './timeline.js';
import { VirtualClock } from './virtual-clock.js';

/** Most zero-delay steps nested in one another before the next one goes through the event queue. */
export const MAX_NESTED_STEPS = 64;

/**
 * The simulated mesh: one world owns the clock, the random streams, the topology and the
 * traffic in flight (as turmoil's `World` does). Models call into it to send requests and
 * answers across the network, through the fault rules and the callee's inbound checks.
 */
export class World {
  readonly clock = new VirtualClock();
  readonly rng: SeededRng;
  readonly zones: readonly string[];
  readonly network: NetworkModel;
  readonly faults: FaultModel;
  readonly security: SecurityModel;
  readonly timeline = new Timeline();
  readonly services = new Map<string, ServiceModel>();
  readonly edges = new Map<string, Edge>();
  readonly resolutionMs: number;
  /** Calls dispatched and not yet settled, over the whole mesh. */
  inFlight = 0;
  /** Zero-delay steps running inside one another now (see {@link World.after}). */
  private nested = 0;
  /** Watches every call dispatched and settled, when a test asks for it (see {@link CallLedger}). */
  ledger: CallLedger | null = null;
  private nextId = 1;
  private readonly ends: MessageEnds = { fromService: null, fromIndex: -1, fromZone: -1, to: null! };

  constructor(readonly scenario: Scenario, seed: number) {
    this.rng = new SeededRng(seed);
    this.zones = scenario.zones;
    this.resolutionMs = scenario.report.resolution;
    this.network = new NetworkModel(scenario.network, this.zones, this.rng.fork('network'));
    for (const [name, spec] of Object.entries(scenario.services)) {
      const zones = (spec.zones ?? [this.zones[0]]).map((z) => this.zones.indexOf(z));
      this.services.set(name, new ServiceModel(name, spec, zones, this, this.rng.fork(`service/${name}`)));
    }
    this.security = new SecurityModel(scenario, this.clock, this.timeline);
    for (const service of this.services.values()) service.connect();
    createEntryEdges(scenario.load, (from, to) => this.edge(from, to));
    const edges = [...this.edges.values()];
    for (const service of this.services.values()) {
      service.inbound = this.security.inboundChain(service.name, edges.filter((e) => e.to === service.name), this.inboundVerdicts);
    }
    const all = [...this.services.values()].flatMap((s) => s.instances);
    this.faults = new FaultModel(this.clock, this.zones, (name) => this.services.get(name)!.instances, all);
    this.faults.schedule(scenario.faults, this.rng.fork('faults'));
    this.security.schedule(scenario.faults);
  }

  /** The edge `from` → `to`, created on first use with its resolved mesh policy. */
  edge(from: string, to: string): Edge {
    const key = `${from}->${to}`;
    let edge = this.edges.get(key);
    if (!edge) {
      const policy = resolveEdgePolicy(this.scenario.mesh.policies, from, to);
      edge = new Edge(from, to, this.services.get(to)!, policy, this);
      this.edges.set(key, edge);
    }
    return edge;
  }

  /** A new id for a call. */
  callId(): number {
    return this.nextId++;
  }

  /** A service's request makes a downstream call on `edge`; it inherits the request's deadline if its service propagates deadlines. */
  call(edge: Edge, parent: Attempt, optional: boolean, method: string, path: string): void {
    const p = parent.call;
    const inst = parent.instance;
    const call = new SimCall(this.callId(), edge, method, path, p.headers, p.classIndex, this.clock.now(), parent, inst.zone, inst, optional);
    if (inst.host.propagatesDeadlines) call.deadline = parent.deadline;
    parent.track(call);
    this.dispatch(call);
  }

  /** Sends a call through its edge's chain; its outcome is counted, then handed to its origin. */
  dispatch(call: SimCall): void {
    this.inFlight++;
    if (this.ledger !== null) this.ledger.dispatched(call);
    call.edge.dispatch(call, this.outcomes);
  }

  /** The transport of every edge: an attempt to instance `host` crosses the network, through mTLS and the fault rules. */
  sendAttempt(edge: Edge, call: SimCall, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<SimCall>): void {
    const now = this.clock.now();
    edge.countAttempt(now);
    const instance = edge.callee.instances[host];
    const attempt = new Attempt(call, handler, instance, host, number, now, expectedTimeoutMs);
    handler.onAttemptSent(attempt);
    let delay = this.network.delay(call.callerZone, instance.zone);
    if (this.security.mtls && call.callerInstance !== null) {
      const extra = this.security.connect(edge, call, host, delay);
      if (extra < 0) {
        attempt.detail = this.security.failureCode;
        return this.answer(attempt, delay * 2, 0, 'tls');
      }
      attempt.peer = this.security.peer;
      delay += extra;
    }
    if (this.faults.anyRule) {
      const verdict = this.faults.checkRequest(this.endsOf(call, instance));
      if (verdict === Verdict.Drop) return;
      if (verdict === Verdict.Abort) {
        const status = this.faults.abortStatus;
        return this.answer(attempt, delay + this.faults.addedDelay, status, outcomeOfStatus(status));
      }
      delay += this.faults.addedDelay;
    }
    this.after(delay, this.arrive, attempt);
  }

  /** An instance answers `attempt` (status 0: the connection was reset). The answer crosses the network back. */
  respond(attempt: Attempt, status: number, outcome: Outcome): void {
    attempt.status = status;
    attempt.outcome = outcome;
    const call = attempt.call;
    if (this.faults.anyRule && this.faults.dropsResponse(this.endsOf(call, attempt.instance))) return;
    this.after(this.network.delay(attempt.instance.zone, call.callerZone), deliver, attempt);
  }

  private answer(attempt: Attempt, delay: number, status: number, outcome: Outcome): void {
    attempt.status = status;
    attempt.outcome = outcome;
    this.after(delay, deliver, attempt);
  }

  /**
   * Runs `step(arg)` after `delay` ms: at once when there is no delay, unless that would nest
   * more than {@link MAX_NESTED_STEPS} zero-delay steps, which then go through the event
   * queue at the same instant instead. So a call chain as deep as the topology allows never
   * grows the stack with its depth (a chain of 700 services has no network block and no own
   * work: every hop is instantaneous).
   */
  after<T>(delay: number, step: (arg: T) => void, arg: T): void {
    if (delay > 0 || this.nested >= MAX_NESTED_STEPS) {
      this.clock.schedule(delay, step, arg);
      return;
    }
    this.nested++;
    step(arg);
    this.nested--;
  }

  /** The attempt reaches the callee's sidecar: its inbound chain, then the instance. */
  private readonly arrive = (attempt: Attempt): void => {
    if (attempt.instance.down) return this.respond(attempt, 0, 'connect-failure');
    const inbound = attempt.call.edge.callee.inbound;
    if (inbound === null) this.admitted(attempt);
    else inbound.check(attempt, attempt.peer);
  };

  private admitted(attempt: Attempt): void {
    attempt.deadline = this.clock.now() + attempt.expectedTimeoutMs;
    attempt.instance.accept(attempt);
  }

  /** The verdicts of every service's inbound chain. */
  private readonly inboundVerdicts: InboundHandler<Attempt> = {
    onAdmitted: (attempt) => this.admitted(attempt),
    onRejected: (attempt, status, cause, detail) => {
      attempt.detail = detail;
      this.respond(attempt, status, cause);
    },
  };

  private endsOf(call: SimCall, to: MessageEnds['to']): MessageEnds {
    const ends = this.ends;
    ends.fromService = call.callerInstance ? call.callerInstance.service : null;
    ends.fromIndex = call.callerInstance ? call.callerInstance.index : -1;
    ends.fromZone = call.callerZone;
    ends.to = to;
    return ends;
  }

  /** The one handler of every call: count the outcome on its edge, then tell whoever made the call. */
  private readonly outcomes: CallHandler<SimCall> = {
    onResponseStart: () => {},
    onResponseData: () => {},
    onResponseEnd: (call: SimCall, outcome: Outcome, detail: string | null) => this.settle(call, outcome, detail),
    onResponseError: (call: SimCall, cause: FailureCause, detail: string | null) => this.settle(call, cause, detail),
  };

  private settle(call: SimCall, outcome: Outcome, detail: string | null): void {
    this.inFlight--;
    if (this.ledger !== null) this.ledger.settled(call);
    call.edge.record(call, this.clock.now(), outcome, detail);
    call.origin.onCallDone(call, outcome);
  }
}

/** An answer reaches the caller's router: an error, or a whole response (the simulator's have no body to stream). */
function deliver(attempt: Attempt): void {
  if (attempt.abandoned) return;
  if (attempt.status === 0) attempt.handler.onAttemptError(attempt, attempt.outcome as FailureCause, attempt.detail);
  else attempt.handler.onAttemptResponse(attempt, attempt.status, attempt.outcome, NO_GRPC_STATUS, attempt.retryAfterMs, attempt.detail);
}

/** Hears every call of a run as it is dispatched and as it settles: a test's ledger. */
export interface CallLedger {
  dispatched(call: SimCall): void;
  settled(call: SimCall): void;
}
