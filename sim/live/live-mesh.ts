import type { CallHandler } from '../../proxy-core/call/dispatch.js';
import type { FailureCause, Outcome } from '../../proxy-core/call/failure-cause.js';
import { headerValue, type Headers } from '../../proxy-core/call/headers.js';
import type { AttemptHandler, UpstreamAttempt } from '../../proxy-core/call/upstream.js';
import { resolveEdgePolicy } from '../../proxy-core/control-plane/edge-policy.js';
import type { JwtSignatureVerifier } from '../../proxy-core/identity/jwt-verifier.js';
import type { InboundHandler } from '../../proxy-core/inbound/inbound-chain.js';
import type { PeerIdentity } from '../../proxy-core/inbound/peer-identity.js';
import type { Scenario } from '../../scenarios/schema.js';
import { FaultModel, Verdict, type MessageEnds } from '../fault-model.js';
import { inboundChainOf } from '../inbound-chain-of.js';
import { NetworkModel } from '../network-model.js';
import { SeededRng } from '../seeded-rng.js';
import { Timeline } from '../timeline.js';
import { LiveCall, type LiveCallOrigin } from './live-call.js';
import { LiveEdge } from './live-edge.js';
import type { LiveInstance } from './live-instance.js';
import { LiveRequest } from './live-request.js';
import { LiveService } from './live-service.js';
import { RunClock } from './run-clock.js';
import type { HttpAttempt } from './transport/http-upstream.js';
import type { InboundExchange } from './transport/inbound-exchange.js';
import type { LiveUpstream } from './transport/live-upstream.js';
import { createInstanceServer, createUpstream } from './transport/protocol-transport.js';
import {
  ATTEMPT_COUNT,
  DOWNSTREAM_SERVICE,
  EXPECTED_TIMEOUT,
  LOCAL_REPLY_CAUSE,
  LOCAL_REPLY_DETAIL,
  OVERLOADED,
  REQUEST_CLASS,
  REQUEST_ID,
  RETRY_AFTER,
} from './transport/wire-headers.js';

/** Local replies whose reason the callee's sidecar states on the wire (the rest are the workload's own answers). */
const STATED_CAUSES = new Set<Outcome>(['overflow', 'rate-limited', 'authz-denied', 'authn-failed', 'timeout']);

/**
 * Delays shorter than this go out at once: a Node timer cannot wait less than a millisecond,
 * and a loopback round trip through two sidecars already costs a few tenths of one.
 */
const MIN_TIMED_DELAY_MS = 1;

/** Headers a hop sets for itself: not carried on to the calls a request makes. */
const HOP_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  ATTEMPT_COUNT,
  EXPECTED_TIMEOUT,
  DOWNSTREAM_SERVICE,
  REQUEST_CLASS,
  REQUEST_ID,
]);

/** What the mesh takes from outside: the keys that verify tokens (real ones live). */
export interface LiveMeshOptions {
  readonly seed: number;
  readonly keysOf: (issuer: string) => JwtSignatureVerifier;
}

/**
 * The scenario's mesh on real sockets: every instance of every service is a server on
 * 127.0.0.1, every calling instance has its sidecar's routers (the control plane's, as in
 * the simulator), and every callee its inbound chain. It is the live twin of the
 * simulator's `World`, and owns the real clock, the random streams, the fault schedule and
 * the calls in flight. The faults are the simulator's own rules, applied where a mesh
 * applies them: latency, aborts, partitions and blackholes on the caller's side of the wire
 * (as Envoy's fault filter and Toxiproxy do), crashes and slowdowns at the instance.
 */
export class LiveMesh {
  readonly clock = new RunClock();
  readonly rng: SeededRng;
  readonly zones: readonly string[];
  readonly timeline = new Timeline();
  readonly services = new Map<string, LiveService>();
  readonly edges = new Map<string, LiveEdge>();
  readonly resolutionMs: number;
  readonly faults: FaultModel;
  /** The scenario's zone-to-zone latency, added on the wire (loopback has none of its own). */
  readonly network: NetworkModel;
  /** Calls dispatched and not yet settled. */
  inFlight = 0;
  /** The first failure of the run itself (a server that could not listen again), or null. */
  failure: Error | null = null;
  private readonly upstreams = new Map<LiveEdge, LiveUpstream>();
  private nextId = 1;
  private readonly ends: MessageEnds = { fromService: null, fromIndex: -1, fromZone: -1, to: null! };

  constructor(
    readonly scenario: Scenario,
    private readonly options: LiveMeshOptions,
  ) {
    this.rng = new SeededRng(options.seed);
    this.zones = scenario.zones;
    this.resolutionMs = scenario.report.resolution;
    this.network = new NetworkModel(scenario.network, this.zones, this.rng.fork('network'));
    for (const [name, spec] of Object.entries(scenario.services)) {
      const zones = (spec.zones ?? [this.zones[0]]).map((z) => this.zones.indexOf(z));
      this.services.set(name, new LiveService(name, spec, zones, this, this.rng.fork(`service/${name}`)));
    }
    for (const service of this.services.values()) service.connect();
    this.createEntryEdges();
    for (const service of this.services.values()) {
      const into = [...this.edges.values()].filter((e) => e.to === service.name);
      service.inbound = inboundChainOf<LiveRequest>(scenario, service.name, {
        clock: this.clock,
        keysOf: options.keysOf,
        limited: into.some((e) => e.rateLimitAt(0) !== null),
        rateLimitOf: (req) => (req.edgeName === null ? null : (this.edges.get(req.edgeName)?.rateLimitAt(req.instance.index) ?? null)),
        handler: this.inboundVerdicts,
      });
    }
    const all = [...this.services.values()].flatMap((s) => s.instances);
    this.faults = new FaultModel(this.clock, this.zones, (name) => this.services.get(name)!.instances, all);
  }

  /** Starts every instance's server on 127.0.0.1, a free port each. */
  async start(): Promise<void> {
    for (const service of this.services.values()) {
      for (const instance of service.instances) {
        instance.server = createInstanceServer(this.scenario.services[service.name].protocol, (exchange) => this.serve(instance, exchange));
        await instance.server.listen();
      }
    }
  }

  /** The run begins: the clock reads 0 from now, and the fault schedule starts. */
  begin(): void {
    this.clock.startNow();
    this.faults.schedule(this.scenario.faults, this.rng.fork('faults'));
  }

  /** Stops everything: routers' timers, the clock's timers, the clients' pools and the servers. */
  async stop(): Promise<void> {
    for (const edge of this.edges.values()) edge.stop();
    this.clock.cancelAll();
    await Promise.all([...this.upstreams.values()].map((u) => u.destroy()));
    await Promise.all([...this.services.values()].flatMap((s) => s.instances.map((i) => i.server?.close(0))));
  }

  /** Records a failure of the run itself; the runner ends the run with it. */
  fail(error: Error): void {
    this.failure ??= error;
  }

  /** The edge `from` → `to`, created on first use with its resolved mesh policy. */
  edge(from: string, to: string): LiveEdge {
    const key = `${from}->${to}`;
    let edge = this.edges.get(key);
    if (!edge) {
      edge = new LiveEdge(from, to, this.services.get(to)!, resolveEdgePolicy(this.scenario.mesh.policies, from, to), this);
      this.edges.set(key, edge);
    }
    return edge;
  }

  /**
   * Creates the loads' edges into the mesh (a split's too) before the inbound chains are
   * built, which read whether an edge into a service carries a rate limit: the callee's
   * sidecar limits traffic from the ingress as it limits any other.
   */
  private createEntryEdges(): void {
    for (const [name, load] of Object.entries(this.scenario.load)) {
      const edge = this.edge(name, load.target);
      for (const d of edge.policy.split ?? []) this.edge(name, d.service);
    }
  }

  /** A new id for a call. */
  callId(): number {
    return this.nextId++;
  }

  /** Load from outside the mesh enters through `edge` (its ingress sidecar): a call with the class's headers, latency counted from `intendedAt`. */
  enter(edge: LiveEdge, method: string, path: string, headers: Headers, classIndex: number, intendedAt: number, origin: LiveCallOrigin): LiveCall {
    const call = new LiveCall(this.callId(), edge, method, path, headers, classIndex, intendedAt, origin, null, false);
    this.dispatch(call);
    return call;
  }

  /** A request makes a downstream call on `edge`; it inherits the request's deadline when its service propagates deadlines. */
  call(edge: LiveEdge, parent: LiveRequest, optional: boolean, method: string, path: string): void {
    const inst = parent.instance;
    const call = new LiveCall(this.callId(), edge, method, path, parent.forwardHeaders, parent.classIndex, this.clock.now(), parent, inst, optional);
    if (inst.owner.propagatesDeadlines) call.deadline = parent.deadline;
    parent.track(call);
    this.dispatch(call);
  }

  private dispatch(call: LiveCall): void {
    this.inFlight++;
    call.edge.dispatch(call, this.outcomes);
  }

  /**
   * The transport of every edge: the scenario's network latency (both ways, held before the
   * request goes out, as netem on the caller's interface would), the fault rules on the
   * caller's side of the wire, then the edge's HTTP client.
   */
  sendAttempt(edge: LiveEdge, call: LiveCall, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<LiveCall>): void {
    const upstream = this.upstreamOf(edge);
    const to = edge.callee.instances[host];
    const from = call.callerInstance === null ? -1 : call.callerInstance.zone;
    let delay = this.network.delay(from, to.zone) + this.network.delay(to.zone, from);
    if (this.faults.anyRule) {
      const verdict = this.faults.checkRequest(this.endsOf(call, to));
      delay += this.faults.addedDelay;
      if (verdict === Verdict.Drop) return upstream.lose(call, host, number, handler);
      if (verdict === Verdict.Abort) return upstream.abort(call, host, number, handler, this.faults.abortStatus, delay);
    }
    upstream.send(call, host, number, expectedTimeoutMs, handler, delay < MIN_TIMED_DELAY_MS ? 0 : delay);
  }

  /** The router gave up on an attempt: its request is reset on the wire. */
  abandonAttempt(edge: LiveEdge, attempt: UpstreamAttempt<LiveCall>): void {
    this.upstreamOf(edge).abandon(attempt as HttpAttempt);
  }

  /** Answers a request on its HTTP response; a local reply states its cause for the caller's sidecar. */
  answer(req: LiveRequest, status: number, outcome: Outcome, retryAfterMs: number, detail: string | null = null): void {
    if (req.answered) return;
    req.answered = true;
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (STATED_CAUSES.has(outcome)) headers[LOCAL_REPLY_CAUSE] = outcome;
    if (outcome === 'overflow') headers[OVERLOADED] = 'true';
    if (detail !== null) headers[LOCAL_REPLY_DETAIL] = detail;
    if (retryAfterMs >= 0) headers[RETRY_AFTER] = String(Math.ceil(retryAfterMs / 1000));
    req.exchange.respond(status, headers, outcome);
  }

  /** Resets a request's connection (its instance crashed). */
  reset(req: LiveRequest): void {
    req.answered = true;
    req.exchange.reset();
  }

  /** A request reaches instance `instance`'s server: its sidecar's inbound chain, then the instance. */
  private serve(instance: LiveInstance, exchange: InboundExchange): void {
    const headers = exchange.headers;
    const source = headerValue(headers, DOWNSTREAM_SERVICE) ?? null;
    const classIndex = Number(headerValue(headers, REQUEST_CLASS) ?? -1);
    const service = instance.owner;
    const edgeName = source === null ? this.entryEdgeInto(service.name) : `${source}->${service.name}`;
    const live = new LiveRequest(instance, exchange.method, exchange.path, exchange.authority, headers, forwardable(headers), source, Number.isInteger(classIndex) ? classIndex : -1, edgeName, exchange);
    const expected = Number(headerValue(headers, EXPECTED_TIMEOUT));
    exchange.onAbandoned(() => {
      if (!live.answered) service.abandon(live);
    });
    const peer: PeerIdentity | null = null;
    live.deadline = expected > 0 ? this.clock.now() + expected : Infinity;
    if (service.inbound === null) instance.accept(live);
    else service.inbound.check(live, peer);
  }

  /** The edge load from outside the mesh enters `service` on (the first load aimed at it), for its rate limit; null if none. */
  private entryEdgeInto(service: string): string | null {
    for (const [name, load] of Object.entries(this.scenario.load)) if (load.target === service) return `${name}->${service}`;
    return null;
  }

  private readonly inboundVerdicts: InboundHandler<LiveRequest> = {
    onAdmitted: (req) => req.instance.accept(req),
    onRejected: (req, status, cause, detail) => this.answer(req, status, cause, -1, detail),
  };

  private upstreamOf(edge: LiveEdge): LiveUpstream {
    let upstream = this.upstreams.get(edge);
    if (!upstream) {
      const instances = edge.callee.instances;
      upstream = createUpstream(this.scenario.services[edge.to].protocol, this.clock, { origin: (host) => `http://127.0.0.1:${instances[host].server!.port}` });
      this.upstreams.set(edge, upstream);
    }
    return upstream;
  }

  private endsOf(call: LiveCall, to: LiveInstance): MessageEnds {
    const ends = this.ends;
    const caller = call.callerInstance;
    ends.fromService = caller ? caller.service : null;
    ends.fromIndex = caller ? caller.index : -1;
    ends.fromZone = caller ? caller.zone : -1;
    ends.to = to;
    return ends;
  }

  /** The one handler of every call: count the outcome on its edge, then tell whoever made the call. */
  private readonly outcomes: CallHandler<LiveCall> = {
    onResponseStart: () => {},
    onResponseData: () => {},
    onResponseEnd: (call, outcome, detail) => this.settle(call, outcome, detail),
    onResponseError: (call, cause: FailureCause, detail) => this.settle(call, cause, detail),
  };

  private settle(call: LiveCall, outcome: Outcome, detail: string | null): void {
    this.inFlight--;
    call.edge.record(call, this.clock.now(), outcome, detail);
    call.origin.onCallDone(call, outcome);
  }
}

/** The headers a request carries on to its own calls: all but the hop's own. */
function forwardable(headers: Headers): Headers {
  const out: Record<string, string | readonly string[]> = {};
  for (const name in headers) if (!HOP_HEADERS.has(name) && headers[name] !== undefined) out[name] = headers[name];
  return out;
}
