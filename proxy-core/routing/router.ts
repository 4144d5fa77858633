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
 *   4. connection-pool thresholds — Envoy max_requests / max_connections + max_pending
 *      (`overflow`, Envoy's x-envoy-overloaded);
 *   5. route timeout — one deadline over all attempts and backoff waits, lowered to a
 *      deadline the caller propagated;
 *   6. attempt loop — for each attempt: the retry budget (the SRE book's adaptive throttle may
 *      refuse a first attempt too), host selection by the load balancer over the hosts that
 *      outlier detection and failure accrual leave healthy (Envoy previous_hosts avoidance on
 *      retries), the per-try timeout, then the transport. A failed attempt re-enters the loop
 *      if `retry_on` matches, retries remain, and the budget (or Envoy's max_retries when no
 *      budget is set) admits it, after the backoff or the answer's Retry-After. With
 *      hedge_on_per_try_timeout a per-try timeout sends the retry without abandoning the slow
 *      attempt, and the first good answer wins.
 * Every attempt's result feeds outlier detection and failure accrual; every call's result
 * feeds the breaker and the budget.
 */
import type { Clock } from '../clock/clock.js';
import type { CallHandler, CallRequest, Dispatch } from '../call/dispatch.js';
import { outcomeOfStatus, type Outcome } from '../call/failure-cause.js';
import type { Rng } from '../clock/rng.js';
import type { Backoff } from './backoff.js';
import type { RetryOn } from './retry-on.js';
import type { RetryBudget } from '../budgets/retry-budget.js';
import type { ResourceLimits } from '../health/resource-limits.js';
import type { Bulkhead } from '../limits/bulkhead.js';
import type { SlidingWindowBreaker } from '../health/sliding-window-breaker.js';
import type { OutlierDetector } from '../health/outlier-detection.js';
import type { FailureAccrual } from '../health/failure-accrual.js';
import type { HostSet } from '../balancing/host-set.js';
import type { LoadBalancer } from '../balancing/load-balancer.js';
import { FaultDecision, type FaultFilter } from './fault-filter.js';
import { RoutedCall } from './routed-call.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../call/upstream.js';

/** Envoy's cap on a Retry-After honoured as backoff (rate_limited_retry_back_off.max_interval, 300 s). */
export const RETRY_AFTER_MAX_MS = 300_000;

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
  /** Retries refused by Envoy's max_retries threshold. */
  retryOverflow = 0;
  /** Calls rejected by the breaker, the bulkhead or the connection pool. */
  rejected = 0;
  /** Attempts that found no healthy host. */
  noHealthyHost = 0;
}

const HOLD_BREAKER = 1;
const HOLD_BULKHEAD = 2;
const HOLD_LIMITS = 4;
const HOLD_BUDGET = 8;

/**
 * One caller's route to one callee: an {@link Dispatch} (`router.dispatch`) whose calls must
 * be {@link RoutedCall}s. Allocates nothing per call; its state lives on the call.
 */
export class Router implements AttemptHandler {
  readonly dispatch: Dispatch;
  readonly stats = new RouterStats();
  /** Timeout (ms) of the attempt being sent, for `onAttemptSent`. */
  private sendingTryMs = 0;
  /** Why the last retry was refused. */
  private denial: Exclude<Outcome, 'ok'> = 'budget-exhausted';

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly p: RouterPolicies,
    private readonly upstream: Upstream,
  ) {
    this.dispatch = (req, handler) => this.start(req as RoutedCall, handler);
  }

  private start(call: RoutedCall, handler: CallHandler): void {
    call.handler = handler;
    call.holds = 0;
    const fault = this.p.fault;
    if (fault !== null) {
      const decision = fault.decide(call.headers);
      if (decision === FaultDecision.Abort) return this.finish(call, fault.abortStatus, outcomeOfStatus(fault.abortStatus));
      if (decision !== FaultDecision.Pass) {
        fault.faultStarted();
        call.backoffTimer = this.clock.schedule(fault.delayMs, decision === FaultDecision.Delay ? this.afterDelay : this.abortAfterDelay, call);
        return;
      }
    }
    this.admit(call);
  }

  private readonly afterDelay = (call: RoutedCall): void => {
    call.backoffTimer = 0;
    this.p.fault!.faultEnded();
    this.admit(call);
  };

  private readonly abortAfterDelay = (call: RoutedCall): void => {
    call.backoffTimer = 0;
    const fault = this.p.fault!;
    fault.faultEnded();
    this.finish(call, fault.abortStatus, outcomeOfStatus(fault.abortStatus));
  };

  /** Admission: breaker, bulkhead, connection pool, route deadline, then the first attempt. */
  private admit(call: RoutedCall): void {
    const p = this.p;
    if (p.breaker !== null) {
      if (!p.breaker.tryAcquire()) return this.reject(call, 'breaker-open');
      call.holds |= HOLD_BREAKER;
    }
    if (p.bulkhead !== null) {
      if (!p.bulkhead.tryEnter()) return this.reject(call, 'overflow');
      call.holds |= HOLD_BULKHEAD;
    }
    if (!p.limits.tryStartRequest()) return this.reject(call, 'overflow');
    call.holds |= HOLD_LIMITS;
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

  private reject(call: RoutedCall, outcome: Exclude<Outcome, 'ok'>): void {
    this.stats.rejected++;
    this.finish(call, 503, outcome);
  }

  private sendAttempt(call: RoutedCall): void {
    const host = this.pickHost(call);
    if (host < 0) {
      this.stats.noHealthyHost++;
      if (call.attempts > 0) this.releaseRetry(call, false); // the retry admitted for this attempt is not sent
      if (call.outstanding === null) this.finish(call, 503, 'ejected');
      return;
    }
    const p = this.p;
    call.attempts++;
    if (call.attempts > 1) this.stats.retries++;
    call.triedHosts |= 1 << host % 31;
    const remaining = call.deadline - this.clock.now();
    const tryMs = p.perTryTimeoutMs > 0 && p.perTryTimeoutMs < remaining ? p.perTryTimeoutMs : 0;
    // Envoy: the expected timeout is the per-try timeout unless hedging, capped by what is left.
    const expected = tryMs > 0 && !p.hedgeOnPerTryTimeout ? tryMs : Math.max(1, remaining);
    if (tryMs === 0) this.armRouteTimer(call);
    p.hosts.attemptStarted(host);
    if (p.accrual !== null) {
      p.accrual.onDispatch(host);
      if (!p.accrual.isAvailable(host)) p.hosts.setHealthy(host, false);
    }
    this.sendingTryMs = tryMs;
    this.upstream.send(call, host, call.attempts, expected, this);
  }

  private pickHost(call: RoutedCall): number {
    const p = this.p;
    let host = p.balancer.pick();
    if (host < 0 || !p.avoidPreviousHosts || call.attempts === 0) return host;
    for (let i = 0; i < p.hostSelectionRetryMaxAttempts && (call.triedHosts & (1 << host % 31)) !== 0; i++) host = p.balancer.pick();
    return host;
  }

  /** @internal The transport created attempt `a`: track it and arm its per-try timeout. */
  onAttemptSent(a: UpstreamAttempt): void {
    const call = a.call as RoutedCall;
    a.nextOutstanding = call.outstanding;
    call.outstanding = a;
    if (this.sendingTryMs > 0) call.tryTimer = this.clock.schedule(this.sendingTryMs, this.onTryTimeout, a);
  }

  /** @internal */
  onAttemptResponse(req: CallRequest, a: UpstreamAttempt, status: number, outcome: Outcome, retryAfterMs: number): void {
    if (a.abandoned) return;
    const call = req as RoutedCall;
    this.endAttempt(call, a, status, outcome, true);
    if (call.settled) return;
    if (outcome === 'ok') return this.finish(call, status, outcome);
    this.failed(call, status, outcome, retryAfterMs);
  }

  /** @internal */
  onAttemptError(req: CallRequest, a: UpstreamAttempt, outcome: Exclude<Outcome, 'ok'>): void {
    if (a.abandoned) return;
    const call = req as RoutedCall;
    this.endAttempt(call, a, 0, outcome, true);
    if (call.settled) return;
    this.failed(call, 0, outcome, -1);
  }

  private readonly onTryTimeout = (a: UpstreamAttempt): void => {
    const call = a.call as RoutedCall;
    call.tryTimer = 0;
    if (call.settled || a.abandoned) return;
    if (this.p.hedgeOnPerTryTimeout) {
      this.armRouteTimer(call); // the slow attempt stays out: only the route deadline bounds it now
      // Envoy: a hedge on per-try timeout needs only a retry left, not a matching retry_on.
      if (call.retriesLeft > 0 && call.backoffTimer === 0) {
        call.retriesLeft--;
        if (this.admitRetry(call)) {
          this.stats.hedges++;
          this.sendAttempt(call);
        }
      }
      return;
    }
    this.abandonAttempt(call, a, true);
    this.failed(call, 0, 'timeout', -1);
  };

  /**
   * Arms the route timeout when no per-try timeout fires before it. Most calls end within their
   * first per-try timeout, so they never schedule (and cancel) a second timer.
   */
  private armRouteTimer(call: RoutedCall): void {
    if (call.routeTimer === 0 && call.deadline !== Infinity) call.routeTimer = this.clock.schedule(call.deadline - this.clock.now(), this.onRouteTimeout, call);
  }

  private readonly onRouteTimeout = (call: RoutedCall): void => {
    call.routeTimer = 0;
    this.finish(call, 0, 'timeout');
  };

  /** A failed attempt: retry it if the policy, the limits and the budget allow, or give up. */
  private failed(call: RoutedCall, status: number, outcome: Exclude<Outcome, 'ok'>, retryAfterMs: number): void {
    // With hedging, a failure while another attempt or a retry is on its way is not final (Envoy).
    if (call.outstanding !== null || call.backoffTimer !== 0) return;
    const p = this.p;
    if (p.retryOn === null || !p.retryOn.matches(status, outcome) || call.retriesLeft === 0) return this.finish(call, status, outcome);
    call.retriesLeft--; // Envoy decrements before asking the budget: a refused retry is spent
    if (!this.admitRetry(call)) return this.finish(call, status, this.denial);
    const delay =
      p.retryAfter && retryAfterMs >= 0 && retryAfterMs <= RETRY_AFTER_MAX_MS
        ? retryAfterMs
        : p.backoff.delay(call.attempts, call.previousBackoffMs, this.rng);
    call.previousBackoffMs = delay;
    this.armRouteTimer(call);
    if (delay > 0) call.backoffTimer = this.clock.schedule(delay, this.retryNow, call);
    else this.sendAttempt(call);
  }

  private readonly retryNow = (call: RoutedCall): void => {
    call.backoffTimer = 0;
    if (!call.settled) this.sendAttempt(call);
  };

  private admitRetry(call: RoutedCall): boolean {
    const p = this.p;
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
    call.heldRetries++;
    return true;
  }

  private releaseRetry(call: RoutedCall, ok: boolean): void {
    call.heldRetries--;
    if (this.p.budget !== null) this.p.budget.attemptEnded(true, ok);
    else this.p.limits.endRetry();
  }

  /** Bookkeeping of an attempt that is over for the router: hosts, health, budget. */
  private endAttempt(call: RoutedCall, a: UpstreamAttempt, status: number, outcome: Outcome, health: boolean): void {
    const p = this.p;
    a.abandoned = true;
    unlink(call, a);
    if (a.number === call.attempts && call.tryTimer !== 0) {
      this.clock.cancel(call.tryTimer);
      call.tryTimer = 0;
    }
    p.hosts.attemptEnded(a.host, this.clock.now() - a.sentAt);
    if (health) {
      if (p.outlier !== null) p.outlier.onResult(a.host, status, outcome);
      if (p.accrual !== null) p.accrual.onResult(a.host, status > 0 && status < 500);
    }
    const ok = outcome === 'ok';
    if (a.number > 1) this.releaseRetry(call, ok);
    else if (p.budget !== null) p.budget.attemptEnded(false, ok);
  }

  private abandonAttempt(call: RoutedCall, a: UpstreamAttempt, timedOut: boolean): void {
    this.endAttempt(call, a, 0, 'timeout', timedOut);
    this.upstream.abandon(a);
  }

  /** Delivers the call's one outcome and releases what it held. */
  private finish(call: RoutedCall, status: number, outcome: Outcome): void {
    if (call.settled) return;
    call.settled = true;
    const p = this.p;
    const clock = this.clock;
    if (call.routeTimer !== 0) clock.cancel(call.routeTimer);
    if (call.tryTimer !== 0) clock.cancel(call.tryTimer);
    if (call.backoffTimer !== 0) {
      clock.cancel(call.backoffTimer);
      if (call.heldRetries > 0 && call.attempts > 0) this.releaseRetry(call, false); // admitted, never sent
      else if (call.attempts === 0 && p.fault !== null) p.fault.faultEnded();
    }
    call.routeTimer = call.tryTimer = call.backoffTimer = 0;
    // Envoy resets the attempts still out; a route timeout counts against their hosts.
    while (call.outstanding !== null) this.abandonAttempt(call, call.outstanding, outcome === 'timeout');
    const ok = outcome === 'ok';
    const holds = call.holds;
    if (holds & HOLD_LIMITS) p.limits.endRequest();
    if (holds & HOLD_BULKHEAD) p.bulkhead!.exit();
    if (holds & HOLD_BUDGET) p.budget!.callEnded(ok);
    if (holds & HOLD_BREAKER) p.breaker!.onResult(ok, clock.now() - call.startedAt);
    call.holds = 0;
    const handler = call.handler!;
    call.handler = null;
    if (status === 0) handler.onError(call, outcome as Exclude<Outcome, 'ok'>);
    else handler.onResponse(call, status, outcome);
  }
}

function unlink(call: RoutedCall, a: UpstreamAttempt): void {
  if (call.outstanding === a) {
    call.outstanding = a.nextOutstanding;
  } else {
    let prev = call.outstanding;
    while (prev !== null && prev.nextOutstanding !== a) prev = prev.nextOutstanding;
    if (prev !== null) prev.nextOutstanding = a.nextOutstanding;
  }
  a.nextOutstanding = null;
}
