import type { FailureCause, Outcome } from './failure-cause.js';
import type { CallRequest } from './dispatch.js';
import type { Headers } from './headers.js';

/**
 * One attempt of a call, sent to one host. The transport (the simulator's network, or a
 * live client stream) owns the object; the router links a call's outstanding attempts
 * through it, so that tracking them allocates nothing more.
 */
export interface UpstreamAttempt<C extends CallRequest = CallRequest> {
  /** The call it is an attempt of. */
  readonly call: C;
  /** Index of the host in the router's host set. */
  readonly host: number;
  /** 1 for the first attempt of a call, 2 for the first retry or hedge, … */
  readonly number: number;
  /** Clock time the attempt was sent. */
  readonly sentAt: number;
  /** Set by the router when it no longer waits for the attempt: later callbacks for it are ignored. */
  abandoned: boolean;
  /** The router's list of the call's outstanding attempts. */
  nextOutstanding: UpstreamAttempt<C> | null;
}

/**
 * Receives what happens to one attempt, in the order of undici's handler: sent, then either
 * a response (start, data, end) or an error. A transport may call these before or after
 * `send` returns; the router is right either way.
 */
export interface AttemptHandler<C extends CallRequest = CallRequest> {
  /** The transport created the attempt: it must call this first, before any other callback for it. */
  onAttemptSent(attempt: UpstreamAttempt<C>): void;
  /**
   * The host's response starts. `outcome` is how the transport classifies it: `ok`, the
   * status's class, or what the answer says beyond its status (a 503 with
   * `x-envoy-overloaded` is `overflow`; a 403 from the callee's RBAC is `authz-denied`).
   * `grpcStatus` is a gRPC status already known (a trailers-only response), else -1.
   * `retryAfterMs` is the answer's Retry-After in ms ({@link parseRetryAfter}), else -1.
   * `detail` is a finer stable code of a failure the answer names (the callee sidecar's
   * `FL_JWT_EXPIRED`…), else null.
   */
  onAttemptResponseStart(
    attempt: UpstreamAttempt<C>,
    status: number,
    outcome: Outcome,
    grpcStatus: number,
    retryAfterMs: number,
    detail: string | null,
    headers: Headers | null,
  ): void;
  /**
   * A whole response at once, for a transport that has it complete (the simulator; a live
   * adapter that buffered a small answer): {@link AttemptHandler.onAttemptResponseStart}
   * then {@link AttemptHandler.onAttemptResponseEnd}, with no headers or trailers to pass.
   */
  onAttemptResponse(attempt: UpstreamAttempt<C>, status: number, outcome: Outcome, grpcStatus: number, retryAfterMs: number, detail: string | null): void;
  /** A chunk of the response body. */
  onAttemptResponseData(attempt: UpstreamAttempt<C>, chunk: Uint8Array): void;
  /** The response ended; `grpcStatus` from the trailers, or -1 (the status given at the start stands). */
  onAttemptResponseEnd(attempt: UpstreamAttempt<C>, grpcStatus: number, trailers: Headers | null): void;
  /** No (complete) response: reset, connect failure, TLS failure; `detail` is a finer stable code or null. */
  onAttemptError(attempt: UpstreamAttempt<C>, cause: FailureCause, detail: string | null): void;
}

/**
 * Sends attempts to hosts: the router's view of the transport. This and
 * {@link AttemptHandler} are what a transport implements to run the core.
 */
export interface Upstream<C extends CallRequest = CallRequest> {
  /**
   * Sends attempt `number` of `call` to `host`. `expectedTimeoutMs` is the time the caller
   * will wait for it (Envoy's `x-envoy-expected-rq-timeout-ms`; at least 1). The transport
   * must call `handler.onAttemptSent` with its attempt object first, then report the
   * response or the error, now or later, unless the router abandons the attempt first.
   */
  send(call: C, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<C>): void;
  /**
   * The router gave up on an attempt (a timeout, a retry on its response, another hedge won,
   * a cancel): the transport resets the stream, and the host may stop its work.
   */
  abandon(attempt: UpstreamAttempt<C>): void;
}
