import type { TimerHandle } from '../clock/clock.js';
import type { CallHandler, CallRequest } from '../call/dispatch.js';
import type { UpstreamAttempt } from '../call/upstream.js';

/**
 * A call as the router carries it: the request plus the router's per-call state (timers,
 * attempts, the hosts tried), kept on the request so that a call through every policy
 * allocates nothing but itself, as an Envoy stream carries its filters' state. A transport
 * extends it with what it needs (the simulator's `SimCall`).
 */
export abstract class RoutedCall implements CallRequest {
  abstract readonly caller: string;
  abstract readonly callee: string;
  /**
   * Clock time by which the caller needs the answer; Infinity for none. The caller may set it
   * (a propagated deadline); the router lowers it to the route timeout's.
   */
  deadline = Infinity;
  /** @internal Router state: who gets the outcome. */
  handler: CallHandler | null = null;
  /** @internal Attempts sent so far. */
  attempts = 0;
  /** @internal Retries still allowed by the retry policy. */
  retriesLeft = 0;
  /** @internal Outstanding attempts, newest first. */
  outstanding: UpstreamAttempt | null = null;
  /** @internal Hosts tried, as a bit mask of host index mod 31 (Envoy previous_hosts). */
  triedHosts = 0;
  /** @internal Timers: route timeout, per-try timeout, backoff wait (0: none). */
  routeTimer: TimerHandle = 0;
  tryTimer: TimerHandle = 0;
  backoffTimer: TimerHandle = 0;
  /** @internal Delay of the previous backoff, for decorrelated jitter. */
  previousBackoffMs = 0;
  /** @internal Retries admitted by the budget and not yet finished. */
  heldRetries = 0;
  /** @internal The outcome has been delivered. */
  settled = false;
  /** @internal What the call holds (breaker permit, bulkhead slot, …), as bits. */
  holds = 0;

  constructor(
    readonly id: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly startedAt: number,
  ) {}
}
