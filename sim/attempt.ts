import type { Outcome } from '../proxy-core/call/failure-cause.js';
import type { Headers } from '../proxy-core/call/headers.js';
import type { AttemptHandler, UpstreamAttempt } from '../proxy-core/call/upstream.js';
import type { InboundRequest } from '../proxy-core/inbound/inbound-chain.js';
import type { PeerIdentity } from '../proxy-core/inbound/peer-identity.js';
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
 * (queueing included) to response. It also waits for the downstream calls it makes. The
 * callee's inbound chain checks it as an {@link InboundRequest}.
 */
export class Attempt implements CallOrigin, UpstreamAttempt<SimCall>, InboundRequest {
  state = AttemptState.InFlight;
  arrivedAt = 0;
  /** Clock time by which the caller needs the answer (arrival + the expected timeout it was sent with). */
  deadline = Infinity;
  /** Index of the current call step. */
  step = 0;
  /** Calls of the current step still outstanding. */
  pending = 0;
  /** The downstream calls it made that are still in flight, linked through `SimCall.nextSibling`. */
  calls: SimCall | null = null;
  /** Intrusive list of the attempts an instance is working on (for a crash to reset them). */
  prev: Attempt | null = null;
  next: Attempt | null = null;
  /** The answer on its way back to the caller (status 0: none, `outcome` says why). */
  status = 0;
  outcome: Outcome = 'ok';
  /** A finer stable code for a failure without an answer (the TLS failure), or null. */
  detail: string | null = null;
  /** The answer's Retry-After in ms; -1: none. */
  retryAfterMs = -1;
  /** The caller's router gave up on it. */
  abandoned = false;
  nextOutstanding: UpstreamAttempt<SimCall> | null = null;
  /** The identity its mTLS connection established (the caller's certificate), or null for plaintext. */
  peer: PeerIdentity | null = null;
  /** Written by the inbound chain. */
  principal: string | null = null;
  namespace: string | null = null;
  requestPrincipal: string | null = null;
  claims: Readonly<Record<string, unknown>> | null = null;

  constructor(
    readonly call: SimCall,
    readonly handler: AttemptHandler<SimCall>,
    readonly instance: Instance,
    /** Host index of the instance in its service. */
    readonly host: number,
    /** Attempt number within the call (1: the first). */
    readonly number: number,
    readonly sentAt: number,
    /** The caller's expected timeout for this attempt (ms; Infinity: none). */
    readonly expectedTimeoutMs: number,
  ) {}

  get path(): string {
    return this.call.path;
  }
  get method(): string {
    return this.call.method;
  }
  get authority(): string {
    return this.call.authority;
  }
  get headers(): Headers {
    return this.call.headers;
  }
  get sourceService(): string {
    return this.call.caller;
  }

  /** A downstream call this attempt made has its outcome. */
  onCallDone(call: SimCall, outcome: Outcome): void {
    this.forget(call);
    this.instance.host.callDone(this, call, outcome);
  }

  /** Adds a downstream call it made. */
  track(call: SimCall): void {
    call.nextSibling = this.calls;
    this.calls = call;
  }

  private forget(call: SimCall): void {
    if (this.calls === call) this.calls = call.nextSibling;
    else for (let c = this.calls; c !== null; c = c.nextSibling) if (c.nextSibling === call) c.nextSibling = call.nextSibling;
    call.nextSibling = null;
  }
}
