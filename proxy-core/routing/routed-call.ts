import type { TimerHandle } from '../clock/clock.js';
import type { CallHandler, CallRequest } from '../call/dispatch.js';
import type { Outcome } from '../call/failure-cause.js';
import type { Headers } from '../call/headers.js';
import type { UpstreamAttempt } from '../call/upstream.js';

/**
 * A call as the router carries it: the request plus the router's per-call state (timers,
 * attempts, the hosts tried), kept on the request so that a call through every policy
 * allocates nothing but itself, as an Envoy stream carries its filters' state. A transport
 * extends it with what it needs (the simulator's `SimCall`, a live adapter's request).
 */
export abstract class RoutedCall implements CallRequest {
  abstract readonly caller: string;
  abstract readonly callee: string;
  /**
   * Clock time by which the caller needs the answer; Infinity for none. The caller may set it
   * before dispatching (a propagated deadline); the router lowers it to the route timeout's.
   */
  deadline = Infinity;
  /**
   * Size of the request body the transport holds for replay, in bytes (0: none; Infinity: a
   * stream it cannot replay). Above the route's retry buffer limit the call is not retried.
   */
  bodyBytes = 0;
  /** Number of the attempt whose response was forwarded (the winner of a hedge); 0 before the commit point. */
  committedAttempt = 0;
  /** @internal Who gets the answer; null before dispatch and once it ended. */
  handler: CallHandler<never> | null = null;
  /** @internal Attempts sent so far. */
  attempts = 0;
  /** @internal Retries still allowed by the retry policy. */
  retriesLeft = 0;
  /** @internal Outstanding attempts, newest first. */
  outstanding: UpstreamAttempt<RoutedCall> | null = null;
  /** @internal The response being forwarded after the commit point while it streams (allocated then only). */
  committed: CommittedResponse | null = null;
  /** @internal Hosts 0–31 tried, as bits (Envoy previous_hosts). */
  triedHosts = 0;
  /** @internal Hosts from 32 on tried, when there are that many. */
  triedMore: number[] | null = null;
  /** @internal Timers: route timeout, per-try timeout of the newest attempt, backoff or fault delay (0: none). */
  routeTimer: TimerHandle = 0;
  tryTimer: TimerHandle = 0;
  backoffTimer: TimerHandle = 0;
  /** @internal Delay of the previous backoff, for decorrelated jitter. */
  previousBackoffMs = 0;
  /** @internal The answer has ended. */
  settled = false;
  /** @internal What the call holds (breaker permit, bulkhead slot, …), as bits. */
  holds = 0;

  constructor(
    readonly id: number,
    readonly method: string,
    readonly path: string,
    readonly authority: string,
    readonly headers: Headers,
    readonly startedAt: number,
  ) {}
}

/**
 * @internal A response past the commit point whose body is still coming: which attempt
 * carries it, and how the router judged it when its headers came.
 */
export interface CommittedResponse {
  readonly attempt: UpstreamAttempt<RoutedCall>;
  readonly status: number;
  readonly outcome: Outcome;
  readonly grpcStatus: number;
  readonly detail: string | null;
  /** The budget has not yet heard how the attempt ended. */
  budgetOpen: boolean;
}
