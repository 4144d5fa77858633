import type { CallRequest } from './dispatch.js';
import type { Outcome } from './failure-cause.js';

/**
 * One attempt of a call, sent to one host. The transport (the simulator's network, or a
 * live socket) owns the object; the router links a call's outstanding attempts through it,
 * so that tracking them allocates nothing more.
 */
export interface UpstreamAttempt {
  /** The call it is an attempt of. */
  readonly call: CallRequest;
  /** Index of the host in the router's host set. */
  readonly host: number;
  /** 1 for the first attempt of a call, 2 for the first retry or hedge, … */
  readonly number: number;
  /** Clock time the attempt was sent. */
  readonly sentAt: number;
  /** The router no longer waits for it (Envoy resets the upstream stream): its answer is dropped. */
  abandoned: boolean;
  /** The router's list of the call's outstanding attempts. */
  nextOutstanding: UpstreamAttempt | null;
}

/** Receives the single outcome of one attempt. */
export interface AttemptHandler {
  /** The transport created the attempt; called by `send` before anything else can happen to it. */
  onAttemptSent(attempt: UpstreamAttempt): void;
  /** The host answered. `retryAfterMs` is the answer's Retry-After in ms, or -1 without one. */
  onAttemptResponse(req: CallRequest, attempt: UpstreamAttempt, status: number, outcome: Outcome, retryAfterMs: number): void;
  /** No answer: reset, connect failure, TLS failure. */
  onAttemptError(req: CallRequest, attempt: UpstreamAttempt, outcome: Exclude<Outcome, 'ok'>): void;
}

/** Sends attempts to hosts: the router's view of the transport. */
export interface Upstream {
  /**
   * Sends attempt `number` of `req` to `host`. `expectedTimeoutMs` is the time the caller
   * will wait for it (Envoy's `x-envoy-expected-rq-timeout-ms`; Infinity: no limit). It
   * must call `handler.onAttemptSent` with its attempt object first, then exactly one of the
   * outcome methods, now or later, unless the attempt is abandoned first.
   */
  send(req: CallRequest, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler): void;
  /** The router gave up on an attempt (timeout, or another hedged attempt won): the host may stop its work. */
  abandon(attempt: UpstreamAttempt): void;
}
