import type { CallHandler } from '../proxy-core/dispatch.js';
import type { Outcome } from '../proxy-core/failure-cause.js';
import type { Instance } from './instance.js';
import type { CallOrigin, SimCall } from './sim-call.js';

/** Where an attempt is in its life at an instance. */
export const enum AttemptState {
  InFlight,
  Queued,
  Working,
  Calling,
  Done,
}

/**
 * One attempt of a call at one instance: the work a request causes there, from arrival
 * (queueing included) to response. It also waits for the downstream calls it makes.
 */
export class Attempt implements CallOrigin {
  state = AttemptState.InFlight;
  arrivedAt = 0;
  /** Index of the current call step. */
  step = 0;
  /** Calls of the current step still outstanding. */
  pending = 0;
  /** Intrusive list of the attempts an instance is working on (for a crash to reset them). */
  prev: Attempt | null = null;
  next: Attempt | null = null;
  /** The answer on its way back to the caller. */
  status = 0;
  outcome: Outcome = 'ok';

  constructor(
    readonly call: SimCall,
    readonly handler: CallHandler,
    readonly instance: Instance,
  ) {}

  /** A downstream call this attempt made has its outcome. */
  onCallDone(call: SimCall, status: number, outcome: Outcome): void {
    this.instance.host.callDone(this, call, status, outcome);
  }
}
