import type { CallHandler } from '../proxy-core/call/dispatch.js';
import type { Outcome } from '../proxy-core/call/failure-cause.js';
import type { RateLimit } from '../proxy-core/limits/rate-limit.js';
import { EdgePolicyCounts, EdgeRateLimits } from './edge-policy-counts.js';
import type { Router } from '../proxy-core/routing/router.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../proxy-core/call/upstream.js';
import { CallMetrics } from '../reports/call-metrics.js';
import type { EdgeStats } from '../reports/report.js';
import type { Attempt } from './attempt.js';
import { buildRouter } from '../proxy-core/control-plane/router-builder.js';
import type { EdgePolicy } from '../proxy-core/control-plane/mesh-rule.js';
import type { ServiceModel } from './service-model.js';
import type { SimCall } from './sim-call.js';
import type { World } from './world.js';

/**
 * Calls from one caller to one callee: the plug point of the mesh's policies. Each calling
 * instance has its own router (its own sidecar: its own budget, breaker, outlier detection
 * and balancer), all sending through this edge to the callee's instances. Counts what the
 * callers saw.
 */
export class Edge implements Upstream<SimCall> {
  readonly name: string;
  readonly metrics: CallMetrics;
  /** One router per calling instance (index 0 for load from outside the mesh). */
  readonly routers: Router<SimCall>[] = [];
  /** The callee's rate limits on this edge's calls. */
  private readonly rateLimits: EdgeRateLimits;
  private readonly counts = new EdgePolicyCounts();
  private readonly sessions: Float64Array[] = [];

  constructor(
    readonly from: string,
    readonly to: string,
    readonly callee: ServiceModel,
    readonly policy: EdgePolicy,
    private readonly world: World,
  ) {
    this.name = `${from}->${to}`;
    this.metrics = new CallMetrics(world.resolutionMs);
    this.rateLimits = new EdgeRateLimits(policy, callee.instances.length, world.clock);
  }

  /** The rate limit that instance `host` of the callee applies to this edge's calls, or null. */
  rateLimitAt(host: number): RateLimit | null {
    return this.rateLimits.at(host);
  }

  /** mTLS sessions of calling instance `index`: the client and server certificate serials per callee instance (0: none). */
  sessionsOf(index: number): Float64Array {
    return this.sessions[index] ?? (this.sessions[index] = new Float64Array(2 * this.callee.instances.length));
  }

  /** The report's view of this edge, with its routers' counts summed. */
  toStats(endMs: number): EdgeStats {
    return { ...this.metrics.toStats(endMs), policy: this.counts.toStats(this.routers) };
  }

  /** Sends a call through its calling instance's router: the chain, then the network. */
  dispatch(call: SimCall, handler: CallHandler<SimCall>): void {
    this.routerOf(call).dispatch(call, handler);
  }

  /** Cancels a call in flight on this edge (its caller gave up on it). */
  cancel(call: SimCall): void {
    this.routerOf(call).cancel(call);
  }

  /** The router of the call's calling instance, built on its first call. */
  routerOf(call: SimCall): Router<SimCall> {
    const index = call.callerInstance === null ? 0 : call.callerInstance.index;
    return this.routers[index] ?? (this.routers[index] = this.buildRouter(index, call.callerZone));
  }

  /** The control plane's router for caller instance `index` (in zone `callerZone`, -1 outside the mesh). */
  private buildRouter(index: number, callerZone: number): Router<SimCall> {
    const world = this.world;
    return buildRouter(this.policy, {
      clock: world.clock,
      rng: world.rng.fork(`router/${this.name}/${index}`),
      hosts: this.callee.instances.map((i) => ({ zone: i.zone })),
      callerZone,
      upstream: this,
      events: (kind, host, at) => {
        world.timeline.record(kind, this.name, index, host, at);
        this.counts.countEvent(kind);
      },
    }).router;
  }

  /** The transport: an attempt crosses the network to instance `host` of the callee. */
  send(req: SimCall, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<SimCall>): void {
    this.world.sendAttempt(this, req, host, number, expectedTimeoutMs, handler);
  }

  /** The router gave up on an attempt: a callee that honours deadlines stops its work. */
  abandon(attempt: UpstreamAttempt<SimCall>): void {
    this.callee.abandon(attempt as Attempt);
  }

  /** Counts a finished call on this edge and at its callee, latency measured from the call's start; `detail` is a failure's finer code or null. */
  record(call: SimCall, now: number, outcome: Outcome, detail: string | null): void {
    const latency = now - call.startedAt;
    this.metrics.record(now, latency, outcome);
    this.callee.metrics.record(now, latency, outcome);
    if (detail !== null) {
      this.metrics.recordDetail(detail);
      this.callee.metrics.recordDetail(detail);
    }
  }

  /** Counts one attempt sent on this edge at time `now`. */
  countAttempt(now: number): void {
    this.metrics.countAttempt(now);
    this.callee.metrics.countAttempt(now);
  }
}
