import type { Outcome } from '../proxy-core/call/failure-cause.js';
import type { Headers } from '../proxy-core/call/headers.js';
import { RoutedCall } from '../proxy-core/routing/routed-call.js';
import type { Edge } from './edge.js';

/** Whoever made a call and wants its outcome: a request being served, or a load generator. */
export interface CallOrigin {
  /** The call's single outcome, after the edge has counted it. */
  onCallDone(call: SimCall, outcome: Outcome): void;
}

/** The calling instance of a call made inside the mesh. */
export interface CallerInstance {
  readonly service: string;
  readonly index: number;
}

/** A call in the simulator: the core's {@link RoutedCall} plus where it goes and who waits for it. */
export class SimCall extends RoutedCall {
  /** The next call its origin made that is still in flight (an attempt's calls, for cancellation). */
  nextSibling: SimCall | null = null;

  constructor(
    id: number,
    readonly edge: Edge,
    method: string,
    path: string,
    headers: Headers,
    /** Index of the load's request class, propagated to downstream calls; -1 for none. */
    readonly classIndex: number,
    startedAt: number,
    readonly origin: CallOrigin,
    /** Zone index of the calling instance; -1 for load from outside the mesh. */
    readonly callerZone: number,
    /** The calling instance, or null for load from outside the mesh. */
    readonly callerInstance: CallerInstance | null,
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
