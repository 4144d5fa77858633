import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import type { Headers } from '../../proxy-core/call/headers.js';
import type { TimerHandle } from '../../proxy-core/clock/clock.js';
import type { InboundRequest } from '../../proxy-core/inbound/inbound-chain.js';
import { AttemptState } from '../attempt.js';
import type { InstanceWork } from '../instance.js';
import type { LiveCall, LiveCallOrigin } from './live-call.js';
import type { LiveInstance } from './live-instance.js';
import type { InboundExchange } from './transport/inbound-exchange.js';

/**
 * A request that reached an instance's server in live mode: what the callee's inbound
 * chain checks, the work the instance queues and runs, and the origin of the calls it makes
 * — the live twin of the simulator's `Attempt`, answered on its exchange.
 */
export class LiveRequest implements InstanceWork<LiveRequest>, InboundRequest, LiveCallOrigin {
  state = AttemptState.InFlight;
  arrivedAt = 0;
  /** Clock time by which the caller needs the answer (arrival + the expected timeout it sent). */
  deadline = Infinity;
  /** Index of the current call step, and the calls of it still outstanding. */
  step = 0;
  pending = 0;
  /** Calls it made that are still in flight, linked through `LiveCall.nextSibling`. */
  calls: LiveCall | null = null;
  prev: LiveRequest | null = null;
  next: LiveRequest | null = null;
  /** Timers of its own work and of its deadline (0: none). */
  workTimer: TimerHandle = 0;
  deadlineTimer: TimerHandle = 0;
  /** The response was written or the connection reset: nothing more goes on it. */
  answered = false;
  /** The caller went away before the answer. */
  abandoned = false;
  principal: string | null = null;
  namespace: string | null = null;
  requestPrincipal: string | null = null;
  claims: Readonly<Record<string, unknown>> | null = null;

  constructor(
    readonly instance: LiveInstance,
    readonly method: string,
    readonly path: string,
    readonly authority: string | null,
    /** The request's headers as received. */
    readonly headers: Headers,
    /** The headers its own calls carry on (the load's class headers and token). */
    readonly forwardHeaders: Headers,
    readonly sourceService: string | null,
    /** The load's request class, -1 for none. */
    readonly classIndex: number,
    /** The edge it came in on, for the rate limit (null: from outside the mesh). */
    readonly edgeName: string | null,
    /** The exchange it answers on. */
    readonly exchange: InboundExchange,
  ) {}

  /** Remembers a call it made, for cancellation. */
  track(call: LiveCall): void {
    call.nextSibling = this.calls;
    this.calls = call;
  }

  onCallDone(call: LiveCall, outcome: Outcome): void {
    this.untrack(call);
    this.instance.owner.callDone(this, call, outcome);
  }

  private untrack(call: LiveCall): void {
    if (this.calls === call) {
      this.calls = call.nextSibling;
      return;
    }
    for (let c = this.calls; c !== null; c = c.nextSibling) {
      if (c.nextSibling === call) {
        c.nextSibling = call.nextSibling;
        return;
      }
    }
  }
}
