import type { FailureCause, Outcome } from './failure-cause.js';
import type { Headers } from './headers.js';

/**
 * One call from a caller to a callee, as the core sees it: what authorization, rate limits
 * and the fault filter read, and when it began. The transport's own call object carries it
 * (the simulator's `SimCall`, a live adapter's request), so a call allocates nothing more.
 */
export interface CallRequest {
  /** Unique within a run. */
  readonly id: number;
  /** The calling service (or load scenario, for traffic entering the mesh). */
  readonly caller: string;
  /** The called service. */
  readonly callee: string;
  /** HTTP method (`POST` for gRPC). */
  readonly method: string;
  /** Request path, with the query if any (`/package.Service/Method` for gRPC). */
  readonly path: string;
  /** `:authority` (the `Host` header): the callee's name in the simulator. */
  readonly authority: string;
  /** Request headers, names in lower case (class headers of the load, e.g. `x-tier`). */
  readonly headers: Headers;
  /** Clock time at which the caller dispatched the call (the intended send time for open-loop load). */
  readonly startedAt: number;
}

/**
 * Receives the answer to one dispatched call, in the shape of undici's dispatch handler:
 *
 * - {@link CallHandler.onResponseStart} is the commit point: the winning attempt's response
 *   starts (its status and headers). After it the router starts no retry and no hedge, as
 *   Envoy stops retrying once it forwards a response downstream. At most once.
 * - {@link CallHandler.onResponseData}: body chunks of that response (live mode only).
 * - Then exactly one end: {@link CallHandler.onResponseEnd} with the outcome, or
 *   {@link CallHandler.onResponseError} when no response can be forwarded, or the one being
 *   forwarded broke (a reset after the commit point, the route timeout, a cancel).
 *
 * Every dispatch ends exactly once, now or later. Handlers receive the call, so one handler
 * object serves every call and nothing is allocated per call. Errors are causes and stable
 * detail codes here; a live adapter turns them into objects with {@link callErrorOf}.
 */
export interface CallHandler<C extends CallRequest = CallRequest> {
  /** The commit point: the response to forward starts with `status` (HTTP; 200 for gRPC). `headers` is null in the simulator. */
  onResponseStart(call: C, status: number, headers: Headers | null): void;
  /** A chunk of the response body. */
  onResponseData(call: C, chunk: Uint8Array): void;
  /**
   * The response ended. `outcome` is how the call counts: `ok`, or why it is a failure —
   * the status's class, a gRPC status from the trailers, or a policy's verdict on a
   * forwarded failure (`budget-exhausted` when the budget refused the retry it needed).
   * `detail` is a finer stable code of the failure, or null; `grpcStatus` is the call's
   * gRPC status, or -1.
   */
  onResponseEnd(call: C, outcome: Outcome, detail: string | null, grpcStatus: number, trailers: Headers | null): void;
  /**
   * No response to forward, or the forwarded one broke: `cause` says why (a local reply's
   * reason, in Envoy's terms), `detail` is a finer stable code or null (`FL_TLS_CERT_EXPIRED`).
   */
  onResponseError(call: C, cause: FailureCause, detail: string | null): void;
}

/** Sends a call on and reports back through `handler`; never throws for a failed call. */
export type Dispatch<C extends CallRequest = CallRequest> = (call: C, handler: CallHandler<C>) => void;
