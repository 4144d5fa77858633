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
import { createEntryEdges } from '../route-choice.js';
import { NetworkModel } from '../network-model.js';
import { SeededRng } from '../seeded-rng.js';
import { Timeline } from '../timeline.js';
import { LiveCall, type LiveCallOrigin } from './live-call.js';
import { LiveEdge } from './live-edge.js';
import type { LiveInstance } from './live-instance.js';
import { LiveRequest } from './live-request.js';
import { LiveService } from './live-service.js';
import type { LiveSecurity } from './live-security.js';
import type { WorkloadTls } from './identity/workload-tls.js';
import type { TimerHandle } from '../../proxy-core/clock/clock.js';
import type { WorkloadCertificate } from '../../proxy-core/identity/certificate-authority.js';
import type { Pool } from 'undici';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import type { TLSSocket } from 'node:tls';
import { FaultProxies, type ProxiedEdge } from './fault-proxies.js';
import { RunClock } from './run-clock.js';
import type { InboundExchange } from './transport/inbound-exchange.js';
import type { LiveUpstream } from './transport/live-upstream.js';
import { createInstanceServer, createUpstream, type Protocol } from './transport/protocol-transport.js';
import {
  ATTEMPT_COUNT,
  DOWNSTREAM_SERVICE,
  EXPECTED_TIMEOUT,
  LOCAL_REPLY_CAUSE,
  LOCAL_REPLY_DETAIL,
  OVERLOADED,
  PRECONNECT,
  REQUEST_CLASS,
  REQUEST_ID,
  RETRY_AFTER,
} from './transport/wire-headers.js';

/** Local replies whose reason the callee's sidecar states on the wire (the rest are the workload's own answers). */
const STATED_CAUSES = new Set<Outcome>(['overflow', 'rate-limited', 'authz-denied', 'authn-failed', 'timeout']);

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

/** What the mesh takes from outside. */
export interface LiveMeshOptions {
  readonly seed: number;
  /** The key set that verifies tokens of an issuer, when the mesh has no {@link LiveSecurity}. */
  readonly keysOf: (issuer: string) => JwtSignatureVerifier;
}

/**
 * The scenario's mesh on real sockets: every instance of every service is a server on
 * 127.0.0.1, every calling instance has its sidecar's routers (the control plane's, as in
 * the simulator), and every callee its inbound chain. It is the live twin of the
 * simulator's `World`, and owns the real clock, the random streams, the fault schedule and
 * the calls in flight. The faults are applied where a mesh team applies them: latency as a
 * Toxiproxy toxic on proxies between the sidecars and the instances (fault-proxies.ts);
 * aborts, partitions and blackholes by the simulator's own rules on the caller's side of the
 * wire (as Envoy's fault filter does); crashes and slowdowns at the instance.
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
  /** Real identities and mTLS (see {@link LiveMesh.secure}); null: plaintext. */
  security: LiveSecurity | null = null;
  private readonly upstreams = new Map<LiveEdge, LiveUpstream>();
  /** The Toxiproxy proxies that carry the scenario's latency faults, null when it has none. */
  private proxies: FaultProxies | null = null;
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
    createEntryEdges(scenario.load, (from, to) => this.edge(from, to));
    const all = [...this.services.values()].flatMap((s) => s.instances);
    this.faults = new FaultModel(this.clock, this.zones, (name) => this.services.get(name)!.instances, all);
  }

  /**
   * Gives the mesh real identities: mTLS between sidecars by each service's PeerAuthentication
   * mode, peer identities for authorization, real token keys. Before {@link LiveMesh.start};
   * without it the mesh runs plaintext with no peer identities.
   */
  secure(security: LiveSecurity): void {
    this.security = security;
    for (const name of this.services.keys()) this.renewOnCertificateChange(security.workload(name).tls, name);
    this.renewOnCertificateChange(security.ingress.tls, null);
  }

  /**
   * When a workload's certificate is rotated, and when it expires, its sidecars' pooled
   * connections are closed (gracefully: requests on them finish) so the next requests
   * handshake again: with the new certificate, or failing with `FL_TLS_CERT_EXPIRED`. A
   * pooled TLS connection would otherwise outlive its certificate, which the simulator's
   * model (a new handshake after a rotation or an expiry) does not let it do.
   */
  private renewOnCertificateChange(tls: WorkloadTls, service: string | null): void {
    let expiry: TimerHandle = 0;
    const renewAtExpiry = (certificate: WorkloadCertificate): void => {
      if (expiry !== 0) this.clock.cancel(expiry);
      expiry = this.clock.scheduleBackground(Math.max(0, certificate.notAfter - this.clock.epochMs() + 1), () => this.renewConnections(service), null);
    };
    const current = tls.certificate();
    if (current !== null) renewAtExpiry(current);
    tls.onChange((certificate) => {
      this.renewConnections(service);
      renewAtExpiry(certificate);
    });
  }

  /** Closes the pools of every edge from or to `service` (null: the ingress, whose edges come from the loads). */
  private renewConnections(service: string | null): void {
    for (const [edge, upstream] of this.upstreams) {
      const fromIngress = service === null && !this.services.has(edge.from);
      if (!fromIngress && edge.from !== service && edge.to !== service) continue;
      this.upstreams.delete(edge);
      void upstream.close();
    }
  }

  /** Builds the inbound chains and starts every instance's server on 127.0.0.1, a free port each. */
  async start(): Promise<void> {
    const keysOf = this.security ? (issuer: string) => this.security!.keysOf(issuer) : this.options.keysOf;
    for (const service of this.services.values()) {
      const into = [...this.edges.values()].filter((e) => e.to === service.name);
      service.inbound = inboundChainOf<LiveRequest>(this.scenario, service.name, {
        clock: this.clock,
        keysOf,
        limited: into.some((e) => e.rateLimitAt(0) !== null),
        rateLimitOf: (req) => (req.edgeName === null ? null : (this.edges.get(req.edgeName)?.rateLimitAt(req.instance.index) ?? null)),
        handler: this.inboundVerdicts,
      });
    }
    for (const service of this.services.values()) {
      for (const instance of service.instances) {
        instance.server = createInstanceServer(this.protocolOf(service.name), (exchange) => this.serve(instance, exchange), this.inboundTls(service.name));
        await instance.server.listen();
      }
    }
    this.proxies = await FaultProxies.start(this.scenario, this.proxiedEdges(), this.rng.fork('toxiproxy'));
  }

  /** Every edge as the fault proxies see it. */
  private proxiedEdges(): ProxiedEdge[] {
    return [...this.edges.values()].map((edge) => ({ name: edge.name, to: edge.to, hosts: edge.callee.instances.length, port: (host: number) => edge.callee.instances[host].server!.port }));
  }

  /** The run begins: the clock reads 0 from now, and the fault schedule starts. */
  begin(): void {
    this.clock.startNow();
    this.faults.schedule(this.scenario.faults, this.rng.fork('faults'), this.proxies?.faultIndexes);
    this.proxies?.schedule(this.clock, this.timeline, this.proxiedEdges());
    this.security?.schedule(this.scenario.faults);
  }

  /** The protocol service `name` serves. */
  private protocolOf(name: string): Protocol {
    return this.scenario.services[name].protocol;
  }

  /** The mTLS of service `name`'s inbound port, or null without security. */
  private inboundTls(name: string) {
    const security = this.security;
    if (security === null) return null;
    const w = security.workload(name);
    return { mode: w.mode, tls: w.tls };
  }

  /**
   * How the caller's sidecar connects to `edge`'s callee: mTLS with its workload
   * certificate (the ingress gateway's for load), checking the callee's SPIFFE ID — Istio's
   * auto mTLS, wherever the callee accepts it — or plaintext to a callee that DISABLEs it.
   * HTTP/2 asks for ALPN `h2`.
   */
  private poolOptions(edge: LiveEdge): Pool.Options {
    const connections = connectionsTo(edge.callee);
    const tls = this.clientTls(edge);
    if (tls === null) return { connections };
    const { caller, callee } = tls;
    const ALPNProtocols = this.protocolOf(edge.to) === 'http2' ? ['h2'] : undefined;
    return {
      connections,
      connect: (options, callback) => {
        caller.tls.connect({ host: '127.0.0.1', port: Number(options.port), expected: callee.id, ALPNProtocols }, (error, socket) => {
          if (error !== null) callback(error, null);
          else callback(null, socket as TLSSocket);
        });
      },
    };
  }

  /**
   * The gRPC channel's credentials to `edge`'s callee: the caller's workload certificate,
   * checking the callee's SPIFFE ID in place of a hostname (plaintext to a callee that
   * DISABLEs mTLS). Built when the channel is: a rotation renews the upstream, and with it the channel.
   */
  private grpcCredentials(edge: LiveEdge): ChannelCredentials {
    const tls = this.clientTls(edge);
    if (tls === null) return credentials.createInsecure();
    const { secureContext, checkServerIdentity } = tls.caller.tls.opaqueClientOptions(tls.callee.id, this.security!.runRootPems());
    return credentials.createFromSecureContext(secureContext!, { checkServerIdentity, rejectUnauthorized: true });
  }

  /** The caller's and callee's workloads when `edge` runs over mTLS; null when it runs plaintext. */
  private clientTls(edge: LiveEdge) {
    const security = this.security;
    if (security === null) return null;
    const callee = security.workload(edge.to);
    if (callee.mode === 'DISABLE') return null;
    const caller = this.services.has(edge.from) ? security.workload(edge.from) : security.ingress;
    return { caller, callee };
  }

  /** Stops everything: routers' timers, the clock's timers, the clients' pools and the servers. */
  async stop(): Promise<void> {
    for (const edge of this.edges.values()) edge.stop();
    this.security?.stop();
    this.clock.cancelAll();
    await Promise.all([...this.upstreams.values()].map((u) => u.destroy()));
    await Promise.all([...this.services.values()].flatMap((s) => s.instances.map((i) => i.server?.close(0))));
    await this.proxies?.close();
  }

  /**
   * Opens up to `perHost` connections from every edge's sidecars to each of its callee's
   * instances (see `HttpUpstream.preconnect`): a new mTLS connection costs a full handshake
   * — milliseconds of CPU in Node — and opening dozens in the first burst of load slowed every
   * answer, which opened more (three-tier-shop fell to 3% success before this).
   */
  async preconnect(perHost: number): Promise<void> {
    await Promise.all([...this.edges.values()].map((edge) => this.upstreamOf(edge).preconnect(edge.callee.instances.length, Math.min(perHost, connectionsTo(edge.callee)))));
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
    upstream.send(call, host, number, expectedTimeoutMs, handler, delay);
  }

  /** The router gave up on an attempt: its request is reset on the wire. */
  abandonAttempt(edge: LiveEdge, attempt: UpstreamAttempt<LiveCall>): void {
    this.upstreamOf(edge).abandon(attempt);
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
    if (headers[PRECONNECT] !== undefined) return exchange.respond(204, {}, '');
    const source = headerValue(headers, DOWNSTREAM_SERVICE) ?? null;
    const classIndex = Number(headerValue(headers, REQUEST_CLASS) ?? -1);
    const service = instance.owner;
    const edgeName = source === null ? this.entryEdgeInto(service.name) : `${source}->${service.name}`;
    const live = new LiveRequest(instance, exchange.method, exchange.path, exchange.authority, headers, forwardable(headers), source, Number.isInteger(classIndex) ? classIndex : -1, edgeName, exchange);
    const expected = Number(headerValue(headers, EXPECTED_TIMEOUT));
    exchange.onAbandoned(() => {
      if (!live.answered) service.abandon(live);
    });
    const peer = this.peerOf(exchange.peer);
    live.deadline = expected > 0 ? this.clock.now() + expected : Infinity;
    if (service.inbound === null) instance.accept(live);
    else service.inbound.check(live, peer);
  }

  /** The inbound chain's view of a connection's peer: the ingress gateway carries no principal (the simulator's model of load from outside). */
  private peerOf(peer: PeerIdentity | null): PeerIdentity | null {
    if (peer === null || this.security === null) return peer;
    return peer.principal === this.security.ingress.principal ? null : peer;
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
      const protocol = this.protocolOf(edge.to);
      const poolOptions = protocol === 'grpc' ? {} : this.poolOptions(edge);
      upstream = createUpstream(protocol, this.clock, {
        origin: (host) => `http://127.0.0.1:${this.proxies?.portOf(edge.name, host) ?? instances[host].server!.port}`,
        poolOptions: () => poolOptions,
        grpcCredentials: () => this.grpcCredentials(edge),
        // With TLS, grpc-js sends the target's host as SNI; an IP there is deprecated (DEP0123): name the callee instead.
        grpcChannelOptions: () => ({ 'grpc.ssl_target_name_override': edge.to }),
      });
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

/**
 * Connections a caller's pool opens to one instance of `callee` at most: its workers and
 * queue places, and {@link OVERFLOW_CONNECTIONS} more to carry the requests it answers with
 * an overflow (each new connection costs a handshake; beyond the cap requests would wait in
 * the pool instead of meeting the callee's full queue).
 */
function connectionsTo(callee: LiveService): number {
  return callee.concurrency + callee.queueLimit + OVERFLOW_CONNECTIONS;
}

/** See {@link connectionsTo}. */
const OVERFLOW_CONNECTIONS = 16;

/** The headers a request carries on to its own calls: all but the hop's own. */
function forwardable(headers: Headers): Headers {
  const out: Record<string, string | readonly string[]> = {};
  for (const name in headers) if (!HOP_HEADERS.has(name) && headers[name] !== undefined) out[name] = headers[name];
  return out;
}
