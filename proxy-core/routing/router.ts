/**
 * The router: the caller-side sidecar's handling of one call, composing the policies in one
 * fixed order, as Envoy's HTTP filter chain and router filter do.
 *
 * Order, for each call (first check first):
 *   1. fault filter — delay and/or abort (Envoy: the fault filter precedes the router, so an
 *      injected abort is not retried);
 *   2. circuit breaker — resilience4j's sliding window, around everything below (a rejection
 *      is `breaker-open`);
 *   3. bulkhead — concurrent calls on the edge (`overflow`);
 *   4. retry budget — the SRE book's adaptive throttle may refuse a first attempt too;
 *   5. route timeout — one deadline over all attempts and backoff waits, lowered to a
 *      deadline the caller propagated;
 *   6. attempt loop — for each attempt: the connection-pool thresholds (Envoy max_requests /
 *      max_connections + max_pending, per upstream request, retries included: `overflow`),
 *      host selection by the load balancer over the hosts that outlier detection and failure
 *      accrual leave healthy (Envoy previous_hosts avoidance on retries), the per-try
 *      timeout, then the transport. A failed attempt re-enters the loop if `retry_on`
 *      matches, retries remain, the request body fits the retry buffer, and the budget (or
 *      Envoy's max_retries when no budget is set) admits it, after the backoff or the
 *      answer's Retry-After. With hedge_on_per_try_timeout a per-try timeout sends the retry
 *      without abandoning the slow attempt, and the first answer the router keeps wins.
 *   7. commit point — the answer the router keeps (a success, a failure it will not or
 *      cannot retry) is forwarded: `onResponseStart`; from then on no retry or hedge starts
 *      and the other attempts are reset, as Envoy does once it forwards headers downstream.
 * Every attempt's result feeds outlier detection and failure accrual; every call's result
 * feeds the breaker and the budget.
 *
 * The router never relies on the order of timers due at the same instant, nor on when a
 * transport answers: an attempt is never sent at or past the call's deadline, and a
 * transport may answer inside `send` or later.
 */
import type { Clock } from '../clock/clock.js';
import { OrderedTimers } from '../clock/ordered-timers.js';
import type { Rng } from '../clock/rng.js';
import type { CallHandler } from '../call/dispatch.js';
import { outcomeOfStatus, type FailureCause, type Outcome } from '../call/failure-cause.js';
import { NO_GRPC_STATUS, outcomeOfGrpcStatus } from '../call/grpc-status.js';
import type { Headers } from '../call/headers.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../call/upstream.js';
import type { Backoff } from './backoff.js';
import type { RetryOn } from './retry-on.js';
import { AttemptResult, type RetryBudget } from '../budgets/retry-budget.js';
import type { ResourceLimits } from '../health/resource-limits.js';
import type { Bulkhead } from '../limits/bulkhead.js';
import type { SlidingWindowBreaker } from '../health/sliding-window-breaker.js';
import type { OutlierDetector } from '../health/outlier-detection.js';
import type { FailureAccrual } from '../health/failure-accrual.js';
import type { HostSet } from '../balancing/host-set.js';
import type { LoadBalancer } from '../balancing/load-balancer.js';
import { FaultDecision, type FaultFilter } from './fault-filter.js';
import type { RoutedCall } from './routed-call.js';

/** Envoy's cap on a Retry-After honoured as backoff (rate_limited_retry_back_off.max_interval, 300 s). */
export const RETRY_AFTER_MAX_MS = 300_000;

/**
 * Envoy's default retry buffer: a request body up to the listener's
 * `per_connection_buffer_limit_bytes` (1 MiB) is kept for replay; a larger one is not retried
 * (`retry_or_shadow_abandoned`).
 */
export const DEFAULT_RETRY_BUFFER_LIMIT_BYTES = 1024 * 1024;

/** The policies of one caller → callee route, every one resolved (null: off). */
export interface RouterPolicies {
  /** Route timeout over all attempts (ms); 0: none. Envoy default 15 s. */
  routeTimeoutMs: number;
  /** Timeout of each attempt (ms); 0: none. */
  perTryTimeoutMs: number;
  /** Retries after the first attempt (Envoy num_retries). */
  maxRetries: number;
  /** When a failed attempt may be retried; null: never. */
  retryOn: RetryOn | null;
  backoff: Backoff;
  /** Honour an answer's Retry-After as the backoff (capped at {@link RETRY_AFTER_MAX_MS}). */
  retryAfter: boolean;
  /** Retries avoid hosts already tried (Envoy previous_hosts predicate). */
  avoidPreviousHosts: boolean;
  /** Re-selections when the picked host was tried before (Envoy host_selection_retry_max_attempts; Istio sets 5). */
  hostSelectionRetryMaxAttempts: number;
  /** Envoy HedgePolicy.hedge_on_per_try_timeout. */
  hedgeOnPerTryTimeout: boolean;
  /** Largest request body that is retried (Envoy per_request_buffer_limit_bytes); {@link DEFAULT_RETRY_BUFFER_LIMIT_BYTES}. */
  retryBufferLimitBytes: number;
  /** Replaces Envoy's max_retries gate when set (Envoy: a retry budget overrides max_retries). */
  budget: RetryBudget | null;
  limits: ResourceLimits;
  bulkhead: Bulkhead | null;
  breaker: SlidingWindowBreaker | null;
  outlier: OutlierDetector | null;
  accrual: FailureAccrual | null;
  hosts: HostSet;
  balancer: LoadBalancer;
  fault: FaultFilter | null;
}

/** What a router counts beyond what the transport sees. */
export class RouterStats {
  /** Attempts after the first, hedges included. */
  retries = 0;
  /** Retries sent on a per-try timeout without abandoning the slow attempt. */
  hedges = 0;
  /** Retries the budget refused. */
  budgetDenied = 0;
  /** Retries refused by Envoy's thresholds: max_retries, or max_requests for the retry's own request. */
  retryOverflow = 0;
  /** Retries not made because the request body exceeded the retry buffer (Envoy `retry_or_shadow_abandoned`). */
  retryBufferOverflow = 0;
  /** Calls refused before any attempt: by the breaker, the bulkhead, the budget or the connection pool. */
  rejected = 0;
  /** Attempts that found no healthy host. */
  noHealthyHost = 0;
  /** Calls cancelled from outside before they ended. */
  cancelled = 0;
}

// Bits of RoutedCall.holds: what a call holds and must give back when it ends.
const HOLD_BREAKER = 1;
const HOLD_BULKHEAD = 2;
const HOLD_BUDGET = 4;
const HOLD_FAULT = 8;

// What to do with a failed attempt (see Router.plan).
const FINAL = 0;
const RETRY = 1;
const WAIT = 2;

/**
 * One caller's route to one callee. `dispatch` a {@link RoutedCall} with a handler; the
 * transport behind it is an {@link Upstream}. Allocates nothing per call: its state lives on
 * the call.
 */
export class Router<C extends RoutedCall = RoutedCall> implements AttemptHandler<C> {
  readonly stats = new RouterStats();
  /** The outcome {@link Router.plan} settled on when it returned FINAL. */
  private verdict: FailureCause = '5xx';
  /** The per-try timers: one clock timer for all those pending (they share the policy's delay). */
  private readonly tryTimers: OrderedTimers<RoutedCall>;
  /** The route timers, likewise (a call's deadline is mostly the route timeout from its dispatch). */
  private readonly routeTimers: OrderedTimers<RoutedCall>;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    readonly policies: RouterPolicies,
    private readonly upstream: Upstream<C>,
  ) {
    this.tryTimers = new OrderedTimers(clock, this.onTryTimeout as (call: RoutedCall) => void);
    this.routeTimers = new OrderedTimers(clock, this.onRouteTimeout as (call: RoutedCall) => void);
  }

  /**
   * Routes `call`: its answer comes to `handler`, now or later, exactly once (see
   * {@link CallHandler}). A call is dispatched once.
   */
  dispatch(call: C, handler: CallHandler<C>): void {
    call.handler = handler as CallHandler<never>;
    call.holds = 0;
    const fault = this.policies.fault;
    if (fault !== null) {
      const decision = fault.decide(call.headers);
      if (decision === FaultDecision.Abort) return this.replyLocally(call, fault.abortStatus);
      if (decision !== FaultDecision.Pass) {
        fault.faultStarted();
        call.holds |= HOLD_FAULT;
        call.backoffTimer = this.clock.schedule(fault.delayMs, decision === FaultDecision.Delay ? this.afterDelay : this.abortAfterDelay, call);
        return;
      }
    }
    this.admit(call);
  }

  /**
   * Ends `call` from outside (the downstream went away, an AbortSignal fired): its handler
   * gets `onResponseError(call, 'cancelled')`, every attempt is abandoned, and everything the
   * call holds is given back. Does nothing to a call that has ended or was never dispatched.
   */
  cancel(call: C): void {
    if (call.settled || call.handler === null) return;
    this.stats.cancelled++;
    this.fail(call, 'cancelled', null);
  }

  private readonly afterDelay = (call: C): void => {
    call.backoffTimer = 0;
    this.endFault(call);
    this.admit(call);
  };

  private readonly abortAfterDelay = (call: C): void => {
    call.backoffTimer = 0;
    this.endFault(call);
    this.replyLocally(call, this.policies.fault!.abortStatus);
  };

  private endFault(call: C): void {
    call.holds &= ~HOLD_FAULT;
    this.policies.fault!.faultEnded();
  }

  /** Admission: breaker, bulkhead, budget, route deadline, then the first attempt. */
  private admit(call: C): void {
    const p = this.policies;
    if (p.breaker !== null) {
      if (!p.breaker.tryAcquire()) return this.reject(call, 'breaker-open');
      call.holds |= HOLD_BREAKER;
    }
    if (p.bulkhead !== null) {
      if (!p.bulkhead.tryEnter()) return this.reject(call, 'overflow');
      call.holds |= HOLD_BULKHEAD;
    }
    if (p.budget !== null) {
      p.budget.callStarted();
      call.holds |= HOLD_BUDGET;
      if (!p.budget.admit(false)) return this.reject(call, 'budget-exhausted');
    }
    const now = this.clock.now();
    if (p.routeTimeoutMs > 0 && now + p.routeTimeoutMs < call.deadline) call.deadline = now + p.routeTimeoutMs;
    call.retriesLeft = p.maxRetries;
    this.sendAttempt(call);
  }

  private reject(call: C, cause: FailureCause): void {
    this.stats.rejected++;
    this.fail(call, cause, null);
  }

  /** Sends the next attempt: at or past the deadline the call times out instead. */
  private sendAttempt(call: C): void {
    const p = this.policies;
    const now = this.clock.now();
    if (now >= call.deadline) {
      if (call.attempts > 0) this.releaseRetry(AttemptResult.Abandoned); // the retry admitted for it is not sent
      return this.fail(call, 'timeout', null);
    }
    if (!p.limits.tryStartRequest()) return this.notSent(call, 'overflow');
    const host = this.pickHost(call);
    if (host < 0) {
      p.limits.endRequest();
      this.stats.noHealthyHost++;
      return this.notSent(call, 'ejected');
    }
    call.attempts++;
    if (call.attempts > 1) this.stats.retries++;
    markTried(call, host);
    const remaining = call.deadline - now;
    const tryMs = p.perTryTimeoutMs > 0 && p.perTryTimeoutMs < remaining ? p.perTryTimeoutMs : 0;
    // Envoy: the expected timeout is the per-try timeout unless hedging, capped by what is left.
    const expected = tryMs > 0 && !p.hedgeOnPerTryTimeout ? tryMs : Math.max(1, remaining);
    // The per-try timer is armed before `send`: a transport may answer inside it.
    if (tryMs > 0) call.tryTimer = this.tryTimers.set(tryMs, call);
    else this.armRouteTimer(call);
    p.hosts.attemptStarted(host);
    if (p.accrual !== null) {
      p.accrual.onDispatch(host);
      if (!p.accrual.isAvailable(host)) p.hosts.setHealthy(host, false);
    }
    this.upstream.send(call, host, call.attempts, expected, this);
  }

  /** The attempt about to be sent found no room in the pool or no host. */
  private notSent(call: C, cause: FailureCause): void {
    if (call.attempts > 0) {
      this.releaseRetry(AttemptResult.Abandoned); // the retry admitted for it is not sent
      if (cause === 'overflow') this.stats.retryOverflow++;
    } else if (cause === 'overflow') {
      this.stats.rejected++;
    }
    if (call.outstanding === null && call.committed === null) this.fail(call, cause, null);
  }

  private pickHost(call: C): number {
    const p = this.policies;
    let host = p.balancer.pick();
    if (host < 0 || !p.avoidPreviousHosts || call.attempts === 0) return host;
    for (let i = 0; i < p.hostSelectionRetryMaxAttempts && wasTried(call, host); i++) host = p.balancer.pick();
    return host;
  }

  /** @internal The transport created attempt `a`: track it. */
  onAttemptSent(a: UpstreamAttempt<C>): void {
    const call = a.call;
    a.nextOutstanding = call.outstanding as UpstreamAttempt<C> | null;
    call.outstanding = a as UpstreamAttempt<RoutedCall>;
  }

  /** @internal */
  onAttemptResponseStart(a: UpstreamAttempt<C>, status: number, outcome: Outcome, grpcStatus: number, retryAfterMs: number, detail: string | null, headers: Headers | null): void {
    if (a.abandoned) return;
    const call = a.call;
    const verdict = this.judge(call, a, status, outcome, grpcStatus, retryAfterMs);
    if (verdict === null) return;
    call.committed = { attempt: a as UpstreamAttempt<RoutedCall>, status, outcome: verdict, grpcStatus, detail: verdict === outcome ? detail : null, budgetOpen: this.budgetOpen };
    call.committedAttempt = a.number;
    this.dropOthers(call, a);
    (call.handler as CallHandler<C>).onResponseStart(call, status, headers);
  }

  /** @internal */
  onAttemptResponse(a: UpstreamAttempt<C>, status: number, outcome: Outcome, grpcStatus: number, retryAfterMs: number, detail: string | null): void {
    if (a.abandoned) return;
    const call = a.call;
    const verdict = this.judge(call, a, status, outcome, grpcStatus, retryAfterMs);
    if (verdict === null) return;
    call.committedAttempt = a.number;
    this.complete(call, a, status, verdict, grpcStatus, verdict === outcome ? detail : null, this.budgetOpen, null);
  }

  /** @internal */
  onAttemptResponseData(a: UpstreamAttempt<C>, chunk: Uint8Array): void {
    const call = a.call;
    if (a.abandoned || call.committed === null || call.committed.attempt !== a) return;
    (call.handler as CallHandler<C>).onResponseData(call, chunk);
  }

  /** @internal */
  onAttemptResponseEnd(a: UpstreamAttempt<C>, grpcStatus: number, trailers: Headers | null): void {
    const call = a.call;
    const c = call.committed;
    if (a.abandoned || c === null || c.attempt !== a) return;
    // A gRPC status in the trailers decides a response whose headers said 200.
    const outcome = grpcStatus !== NO_GRPC_STATUS && c.outcome === 'ok' ? outcomeOfGrpcStatus(grpcStatus) : c.outcome;
    const grpc = grpcStatus !== NO_GRPC_STATUS ? grpcStatus : c.grpcStatus;
    this.complete(call, a, c.status, outcome, grpc, outcome === c.outcome ? c.detail : null, c.budgetOpen, trailers);
  }

  /** @internal */
  onAttemptError(a: UpstreamAttempt<C>, cause: FailureCause, detail: string | null): void {
    if (a.abandoned) return;
    const call = a.call;
    a.abandoned = true;
    const c = call.committed;
    const committed = c !== null && c.attempt === a;
    if (!committed || c.budgetOpen) this.endBudget(call, a, this.resultOf(0, cause, NO_GRPC_STATUS));
    if (committed) c.budgetOpen = false;
    this.endAttempt(call, a, 0, cause, true);
    if (committed) return this.fail(call, cause, detail); // the forwarded response broke: no retry
    this.afterFailure(call, cause, detail);
  }

  /**
   * A response's headers are in: returns the outcome to forward it with (its own, or why
   * the retry it needed was refused), or null when the router retries or waits for another
   * attempt instead (the attempt is then over and its stream reset). Sets
   * {@link Router.budgetOpen}: whether the budget has still to hear how the attempt ends.
   */
  private judge(call: C, a: UpstreamAttempt<C>, status: number, outcome: Outcome, grpcStatus: number, retryAfterMs: number): Outcome | null {
    this.budgetOpen = true;
    if (outcome === 'ok' || !this.retryable(status, outcome, grpcStatus)) return outcome;
    // The budget hears how this attempt ended before it decides on the next (Envoy resetRetry, then shouldRetry).
    this.budgetOpen = false;
    this.endBudget(call, a, AttemptResult.FailedRetryable);
    const plan = this.plan(call, othersOut(call, a), outcome as FailureCause);
    if (plan === FINAL) return this.verdict;
    this.endAttempt(call, a, status, outcome, true);
    this.abandon(a);
    if (plan === RETRY) this.startRetry(call, retryAfterMs);
    return null;
  }

  /** The forwarded response ended: the attempt's bookkeeping, the call's, then the handler's end. */
  private complete(call: C, a: UpstreamAttempt<C>, status: number, outcome: Outcome, grpcStatus: number, detail: string | null, budgetOpen: boolean, trailers: Headers | null): void {
    if (budgetOpen) this.endBudget(call, a, this.resultOf(status, outcome, grpcStatus));
    this.endAttempt(call, a, status, outcome, true);
    a.abandoned = true;
    const streamed = call.committed !== null;
    call.committed = null;
    const handler = this.settle(call, outcome === 'ok');
    if (!streamed) handler.onResponseStart(call, status, null);
    handler.onResponseEnd(call, outcome, detail, grpcStatus, trailers);
  }

  /** A per-try timeout: hedge, or abandon the attempt and treat it as a failure. */
  private readonly onTryTimeout = (call: C): void => {
    call.tryTimer = 0;
    if (call.settled || call.committed !== null) return;
    const a = call.outstanding as UpstreamAttempt<C> | null;
    if (a === null || a.number !== call.attempts) return;
    if (this.policies.hedgeOnPerTryTimeout) return this.hedge(call);
    a.abandoned = true;
    this.endBudget(call, a, this.resultOf(0, 'timeout', NO_GRPC_STATUS));
    this.endAttempt(call, a, 0, 'timeout', true);
    this.upstream.abandon(a);
    this.afterFailure(call, 'timeout', null);
  };

  /** Envoy hedge_on_per_try_timeout: the slow attempt stays out; a retry goes too, needing only a retry left, not a matching retry_on. */
  private hedge(call: C): void {
    this.armRouteTimer(call); // only the route deadline bounds the slow attempt now
    if (call.retriesLeft === 0 || call.backoffTimer !== 0 || !this.replayable(call)) return;
    call.retriesLeft--;
    if (!this.admitRetry(call)) return;
    this.stats.hedges++;
    this.sendAttempt(call);
  }

  /**
   * A failed attempt that got no response is over: retry it, wait for another, or end the
   * call. A failure the policy does not retry ends the call even while a hedge is out.
   */
  private afterFailure(call: C, cause: FailureCause, detail: string | null): void {
    if (!this.retryable(0, cause, NO_GRPC_STATUS)) return this.fail(call, cause, detail);
    const plan = this.plan(call, call.outstanding !== null, cause);
    if (plan === RETRY) this.startRetry(call, -1);
    else if (plan === FINAL) this.fail(call, this.verdict, this.verdict === cause ? detail : null);
  }

  /**
   * What to do after a retryable failure `outcome`: WAIT while another attempt or a retry is
   * on its way (with hedging, a failure is not final then); RETRY when retries remain, the
   * body can be replayed and the budget admits one (the retry is then admitted); FINAL
   * otherwise, with {@link Router.verdict} set to the outcome to report (`outcome`, or why
   * the retry was refused).
   */
  private plan(call: C, othersOutstanding: boolean, outcome: FailureCause): number {
    if (othersOutstanding || call.backoffTimer !== 0) return WAIT;
    this.verdict = outcome;
    if (call.retriesLeft === 0 || !this.replayable(call)) return FINAL;
    call.retriesLeft--; // Envoy decrements before asking the budget: a refused retry is spent
    if (!this.admitRetry(call)) {
      this.verdict = this.denial;
      return FINAL;
    }
    return RETRY;
  }

  /** Sends the admitted retry after its backoff (or the answer's Retry-After). */
  private startRetry(call: C, retryAfterMs: number): void {
    const p = this.policies;
    const delay =
      p.retryAfter && retryAfterMs >= 0 && retryAfterMs <= RETRY_AFTER_MAX_MS
        ? retryAfterMs
        : p.backoff.delay(call.attempts, call.previousBackoffMs, this.rng);
    call.previousBackoffMs = delay;
    this.armRouteTimer(call);
    if (delay > 0) call.backoffTimer = this.clock.schedule(delay, this.retryNow, call);
    else this.sendAttempt(call);
  }

  private readonly retryNow = (call: C): void => {
    call.backoffTimer = 0;
    if (!call.settled) this.sendAttempt(call);
  };

  /** Whether the request body can be sent again; counts the retry not made when it cannot. */
  private replayable(call: C): boolean {
    if (call.bodyBytes <= this.policies.retryBufferLimitBytes) return true;
    this.stats.retryBufferOverflow++;
    return false;
  }

  /**
   * Whether the route's retry policy retries this failure; with no retry policy, whether it
   * is a failure of the upstream (what budgets count as failed): 5xx, reset, connect
   * failure, timeout, overflow.
   */
  private retryable(status: number, outcome: Outcome, grpcStatus: number): boolean {
    const retryOn = this.policies.retryOn;
    if (retryOn !== null) return retryOn.matches(status, outcome, grpcStatus);
    return outcome === '5xx' || outcome === 'reset' || outcome === 'connect-failure' || outcome === 'timeout' || outcome === 'overflow';
  }

  /** How an attempt that ended with (status, outcome) counts for the budgets. */
  private resultOf(status: number, outcome: Outcome, grpcStatus: number): AttemptResult {
    if (outcome === 'ok') return AttemptResult.Succeeded;
    return this.retryable(status, outcome, grpcStatus) ? AttemptResult.FailedRetryable : AttemptResult.FailedOther;
  }

  /** Why the last retry was refused. */
  private denial: FailureCause = 'budget-exhausted';
  /** Set by {@link Router.judge}: the budget has still to hear how the judged attempt ends. */
  private budgetOpen = true;

  private admitRetry(call: C): boolean {
    const p = this.policies;
    if (p.budget !== null) {
      if (!p.budget.admit(true)) {
        this.stats.budgetDenied++;
        this.denial = 'budget-exhausted';
        return false;
      }
    } else if (!p.limits.tryStartRetry()) {
      this.stats.retryOverflow++;
      this.denial = 'overflow';
      return false;
    }
    return true;
  }

  /** An admitted retry is over (its attempt ended, or it was never sent). */
  private releaseRetry(result: AttemptResult): void {
    if (this.policies.budget !== null) this.policies.budget.attemptEnded(true, result);
    else this.policies.limits.endRetry();
  }

  /** Tells the budget how attempt `a` ended (a retry gives back its admission). */
  private endBudget(call: C, a: UpstreamAttempt<C>, result: AttemptResult): void {
    if (a.number > 1) this.releaseRetry(result);
    else if (this.policies.budget !== null) this.policies.budget.attemptEnded(false, result);
  }

  /** Bookkeeping of an attempt that is over for the router: its pool slot, its host, health. */
  private endAttempt(call: C, a: UpstreamAttempt<C>, status: number, outcome: Outcome, health: boolean): void {
    const p = this.policies;
    unlink(call, a);
    if (a.number === call.attempts && call.tryTimer !== 0) {
      this.tryTimers.cancel(call.tryTimer);
      call.tryTimer = 0;
    }
    p.limits.endRequest();
    p.hosts.attemptEnded(a.host, this.clock.now() - a.sentAt);
    if (health) {
      if (p.outlier !== null) p.outlier.onResult(a.host, status, outcome);
      if (p.accrual !== null) p.accrual.onResult(a.host, status > 0 && status < 500);
    }
  }

  /** Resets an attempt's stream at the transport; the router ignores anything more about it. */
  private abandon(a: UpstreamAttempt<C>): void {
    a.abandoned = true;
    this.upstream.abandon(a);
  }

  /**
   * The commit point of a streamed response: the other attempts are reset, no retry or hedge
   * starts after it, and the per-try timeout no longer applies (the route timeout still does).
   */
  private dropOthers(call: C, a: UpstreamAttempt<C>): void {
    if (call.tryTimer !== 0) {
      this.tryTimers.cancel(call.tryTimer);
      call.tryTimer = 0;
    }
    this.cancelBackoff(call);
    for (let o = call.outstanding as UpstreamAttempt<C> | null; o !== null; ) {
      const next = o.nextOutstanding;
      if (o !== a) this.drop(call, o, false);
      o = next;
    }
  }

  /**
   * Gives up on an outstanding attempt because of its call (it timed out, was cancelled, or
   * another attempt won). Envoy counts a route timeout against the hosts of the attempts
   * still out; otherwise the attempt gets no verdict.
   */
  private drop(call: C, a: UpstreamAttempt<C>, timedOut: boolean): void {
    const c = call.committed;
    const committed = c !== null && c.attempt === a;
    if (!committed || c.budgetOpen) this.endBudget(call, a, timedOut ? this.resultOf(0, 'timeout', NO_GRPC_STATUS) : AttemptResult.Abandoned);
    if (committed) c.budgetOpen = false;
    this.endAttempt(call, a, 0, 'timeout', timedOut);
    this.abandon(a);
  }

  /** A retry admitted and waiting out its backoff is not sent. */
  private cancelBackoff(call: C): void {
    if (call.backoffTimer === 0) return;
    this.clock.cancel(call.backoffTimer);
    call.backoffTimer = 0;
    if (call.holds & HOLD_FAULT) this.endFault(call);
    else this.releaseRetry(AttemptResult.Abandoned); // the retry waiting out its backoff was admitted
  }

  /**
   * Arms the route timeout when no per-try timeout fires before it. Most calls end within their
   * first per-try timeout, so they never schedule (and cancel) a second timer.
   */
  private armRouteTimer(call: C): void {
    if (call.routeTimer === 0 && call.deadline !== Infinity) call.routeTimer = this.routeTimers.set(call.deadline - this.clock.now(), call);
  }

  private readonly onRouteTimeout = (call: C): void => {
    call.routeTimer = 0;
    if (!call.settled) this.fail(call, 'timeout', null);
  };

  /** A local reply with a status (the fault filter's abort): forwarded like an answer, never retried. */
  private replyLocally(call: C, status: number): void {
    const outcome = outcomeOfStatus(status);
    const handler = this.settle(call, outcome === 'ok');
    handler.onResponseStart(call, status, null);
    handler.onResponseEnd(call, outcome, null, NO_GRPC_STATUS, null);
  }

  /** Ends the call with no response to forward (or with the forwarded one broken). */
  private fail(call: C, cause: FailureCause, detail: string | null): void {
    if (call.settled) return;
    const handler = this.settle(call, false, cause);
    handler.onResponseError(call, cause, detail);
  }

  /**
   * Marks the call ended and gives back everything it holds: timers, attempts still out
   * (Envoy resets them), the pool, bulkhead, budget and breaker. Returns its handler.
   */
  private settle(call: C, ok: boolean, cause: FailureCause | null = null): CallHandler<C> {
    call.settled = true;
    const p = this.policies;
    const clock = this.clock;
    if (call.routeTimer !== 0) this.routeTimers.cancel(call.routeTimer);
    if (call.tryTimer !== 0) this.tryTimers.cancel(call.tryTimer);
    call.routeTimer = call.tryTimer = 0;
    this.cancelBackoff(call);
    while (call.outstanding !== null) this.drop(call, call.outstanding as UpstreamAttempt<C>, cause === 'timeout');
    call.committed = null;
    const holds = call.holds;
    if (holds & HOLD_BULKHEAD) p.bulkhead!.exit();
    if (holds & HOLD_BUDGET) p.budget!.callEnded(ok);
    if (holds & HOLD_BREAKER) {
      if (cause === 'cancelled') p.breaker!.release();
      else p.breaker!.onResult(ok, clock.now() - call.startedAt);
    }
    call.holds = 0;
    const handler = call.handler as CallHandler<C>;
    call.handler = null;
    return handler;
  }
}

/** Whether attempts other than `a` are still out. */
function othersOut(call: RoutedCall, a: UpstreamAttempt<RoutedCall>): boolean {
  return call.outstanding !== a || a.nextOutstanding !== null;
}

function unlink(call: RoutedCall, a: UpstreamAttempt<RoutedCall>): void {
  if (call.outstanding === a) {
    call.outstanding = a.nextOutstanding;
  } else {
    let prev = call.outstanding;
    while (prev !== null && prev.nextOutstanding !== a) prev = prev.nextOutstanding;
    if (prev !== null) prev.nextOutstanding = a.nextOutstanding;
  }
  a.nextOutstanding = null;
}

/** Records that the call tried `host` (Envoy previous_hosts), exactly for any number of hosts. */
function markTried(call: RoutedCall, host: number): void {
  if (host < 32) call.triedHosts |= 1 << host;
  else (call.triedMore ??= []).push(host);
}

function wasTried(call: RoutedCall, host: number): boolean {
  if (host < 32) return (call.triedHosts & (1 << host)) !== 0;
  return call.triedMore !== null && call.triedMore.includes(host);
}
