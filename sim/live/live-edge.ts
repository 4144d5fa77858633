import type { CallHandler } from '../../proxy-core/call/dispatch.js';
import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../../proxy-core/call/upstream.js';
import type { EdgePolicy } from '../../proxy-core/control-plane/mesh-rule.js';
import { buildRouter, stopRouter, type BuiltRouter } from '../../proxy-core/control-plane/router-builder.js';
import type { RateLimit } from '../../proxy-core/limits/rate-limit.js';
import { EdgePolicyCounts, EdgeRateLimits } from '../edge-policy-counts.js';
import { CallMetrics } from '../../reports/call-metrics.js';
import type { EdgeStats } from '../../reports/report.js';
import type { LiveCall } from './live-call.js';
import type { LiveMesh } from './live-mesh.js';
import type { LiveService } from './live-service.js';

/**
 * Calls from one caller to one callee in live mode, as the simulator's edge: each calling
 * instance's sidecar has its own router (budget, breaker, outlier detection, balancer),
 * built by the control plane and sending through the mesh's transport to the callee's
 * instances. Counts what the callers saw.
 */
export class LiveEdge implements Upstream<LiveCall> {
  readonly name: string;
  readonly metrics: CallMetrics;
  private readonly built: BuiltRouter<LiveCall>[] = [];
  private readonly rateLimits: EdgeRateLimits;
  private readonly counts = new EdgePolicyCounts();

  constructor(
    readonly from: string,
    readonly to: string,
    readonly callee: LiveService,
    readonly policy: EdgePolicy,
    private readonly mesh: LiveMesh,
  ) {
    this.name = `${from}->${to}`;
    this.metrics = new CallMetrics(mesh.resolutionMs);
    this.rateLimits = new EdgeRateLimits(policy, callee.instances.length, mesh.clock);
  }

  /** The rate limit that instance `host` of the callee applies to this edge's calls, or null. */
  rateLimitAt(host: number): RateLimit | null {
    return this.rateLimits.at(host);
  }

  /** Sends a call through its calling instance's router. */
  dispatch(call: LiveCall, handler: CallHandler<LiveCall>): void {
    this.routerOf(call).router.dispatch(call, handler);
  }

  /** Cancels a call in flight (its caller gave up on it). */
  cancel(call: LiveCall): void {
    this.routerOf(call).router.cancel(call);
  }

  /** Stops every router's timers (the end of the run). */
  stop(): void {
    for (const b of this.built) if (b) stopRouter(b);
  }

  /** The report's view of this edge, with its routers' counts summed. */
  toStats(endMs: number): EdgeStats {
    return { ...this.metrics.toStats(endMs), policy: this.counts.toStats(this.built.map((b) => b?.router)) };
  }

  /** The transport: the mesh sends the attempt over the wire (through the fault rules). */
  send(call: LiveCall, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<LiveCall>): void {
    this.countAttempt(this.mesh.clock.now());
    this.mesh.sendAttempt(this, call, host, number, expectedTimeoutMs, handler);
  }

  abandon(attempt: UpstreamAttempt<LiveCall>): void {
    this.mesh.abandonAttempt(this, attempt);
  }

  /** Counts a finished call on this edge and at its callee. */
  record(call: LiveCall, now: number, outcome: Outcome, detail: string | null): void {
    const latency = now - call.startedAt;
    this.metrics.record(now, latency, outcome);
    this.callee.metrics.record(now, latency, outcome);
    if (detail !== null) {
      this.metrics.recordDetail(detail);
      this.callee.metrics.recordDetail(detail);
    }
  }

  private countAttempt(now: number): void {
    this.metrics.countAttempt(now);
    this.callee.metrics.countAttempt(now);
  }

  private routerOf(call: LiveCall): BuiltRouter<LiveCall> {
    const caller = call.callerInstance;
    const index = caller === null ? 0 : caller.index;
    return this.built[index] ?? (this.built[index] = this.buildRouter(index, caller === null ? -1 : caller.zone));
  }

  /** The control plane's router for caller instance `index` (in zone `callerZone`, -1 outside the mesh). */
  private buildRouter(index: number, callerZone: number): BuiltRouter<LiveCall> {
    const mesh = this.mesh;
    return buildRouter(this.policy, {
      clock: mesh.clock,
      rng: mesh.rng.fork(`router/${this.name}/${index}`),
      hosts: this.callee.instances.map((i) => ({ zone: i.zone })),
      callerZone,
      upstream: this,
      events: (kind, host, at) => {
        mesh.timeline.record(kind, this.name, index, host, at);
        this.counts.countEvent(kind);
      },
    });
  }
}
