import type { Outcome } from './failure-cause.js';

/**
 * One call from a caller to a callee, as it passes through the interceptor chain.
 * Interceptors may keep per-call state on it; it is the only per-call allocation.
 */
export interface CallRequest {
  /** Unique within a run. */
  readonly id: number;
  /** The calling service (or load scenario, for traffic entering the mesh). */
  readonly caller: string;
  /** The called service. */
  readonly callee: string;
  /** Request headers (class headers of the load, e.g. `x-tier`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Clock time at which the caller dispatched the call (the intended send time for open-loop load). */
  readonly startedAt: number;
}

/**
 * Receives the single outcome of a dispatched call. Exactly one of the two methods is
 * called exactly once per dispatch (undici's DispatchHandler, reduced to what a
 * simulated call needs).
 */
export interface CallHandler {
  /** A response arrived. `outcome` is `'ok'` or why the response counts as a failure. */
  onResponse(req: CallRequest, status: number, outcome: Outcome): void;
  /** No response will arrive: timeout, reset, connect failure, or a local rejection. */
  onError(req: CallRequest, outcome: Exclude<Outcome, 'ok'>): void;
}

/** Sends a call on and reports back through `handler`; never throws for a failed call. */
export type Dispatch = (req: CallRequest, handler: CallHandler) => void;

/** `(next) => dispatch`: the shape of undici's dispatcher interceptors and grpc-js client interceptors. */
export type Interceptor = (next: Dispatch) => Dispatch;

/**
 * Wraps `terminal` in `interceptors`; the first interceptor is the outermost, so it sees a
 * call first and its outcome last.
 */
export function compose(terminal: Dispatch, interceptors: readonly Interceptor[]): Dispatch {
  let dispatch = terminal;
  for (let i = interceptors.length - 1; i >= 0; i--) dispatch = interceptors[i](dispatch);
  return dispatch;
}
