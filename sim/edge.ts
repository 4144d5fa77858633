import { compose, type Dispatch } from '../proxy-core/dispatch.js';
import type { Outcome } from '../proxy-core/failure-cause.js';
import { timeout } from '../proxy-core/timeout.js';
import { CallMetrics } from '../reports/call-metrics.js';
import type { EdgePolicy } from './mesh-policy.js';
import type { ServiceModel } from './service-model.js';
import type { SimCall } from './sim-call.js';
import type { World } from './world.js';

/**
 * Calls from one caller to one callee: the plug point where the mesh's policies sit, as a
 * chain of interceptors in front of the terminal dispatch that picks an instance and puts
 * the request on the network. Counts what the caller saw.
 */
export class Edge {
  readonly name: string;
  readonly metrics: CallMetrics;
  /** The chain: policies first, the network last. */
  readonly dispatch: Dispatch;

  constructor(
    readonly from: string,
    readonly to: string,
    readonly callee: ServiceModel,
    readonly policy: EdgePolicy,
    world: World,
  ) {
    this.name = `${from}->${to}`;
    this.metrics = new CallMetrics(world.resolutionMs);
    const terminal: Dispatch = (req, handler) => world.send(this, req as SimCall, handler);
    this.dispatch = compose(terminal, [timeout(world.clock, policy.timeoutMs)]);
  }

  /** Counts a finished call on this edge and at its callee, latency measured from the call's start. */
  record(call: SimCall, now: number, outcome: Outcome): void {
    const latency = now - call.startedAt;
    this.metrics.record(now, latency, outcome);
    this.callee.metrics.record(now, latency, outcome);
  }

  /** Counts one attempt sent on this edge. */
  countAttempt(): void {
    this.metrics.attempts++;
    this.callee.metrics.attempts++;
  }
}
