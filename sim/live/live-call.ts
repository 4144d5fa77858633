import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import type { Headers } from '../../proxy-core/call/headers.js';
import { RoutedCall } from '../../proxy-core/routing/routed-call.js';
import type { LiveEdge } from './live-edge.js';

/** Whoever made a live call and wants its outcome: a request being served, or the load. */
export interface LiveCallOrigin {
  /** The call's single outcome, after its edge has counted it. */
  onCallDone(call: LiveCall, outcome: Outcome): void;
}

/** The calling instance of a call made inside the mesh. */
export interface LiveCaller {
  readonly service: string;
  readonly index: number;
  readonly zone: number;
}

/**
 * A call in live mode: the core's {@link RoutedCall} (what the router keeps per call) plus
 * where it goes and who waits for it — the live twin of the simulator's `SimCall`.
 */
export class LiveCall extends RoutedCall {
  /** The next call its origin made that is still in flight (a request's calls, for cancellation). */
  nextSibling: LiveCall | null = null;

  constructor(
    id: number,
    readonly edge: LiveEdge,
    method: string,
    path: string,
    headers: Headers,
    /** Index of the load's request class, carried to downstream calls; -1 for none. */
    readonly classIndex: number,
    startedAt: number,
    readonly origin: LiveCallOrigin,
    /** The calling instance, or null for load from outside the mesh. */
    readonly callerInstance: LiveCaller | null,
    /** A failed optional call does not fail the request that made it. */
    readonly optional: boolean,
  ) {
    super(id, method, path, edge.to, headers, startedAt);
  }

  get caller(): string {
    return this.edge.from;
  }
  get callee(): string {
    return this.edge.to;
  }
}
