/**
 * What the router tests share: a call, an upstream whose hosts answer from a script (now,
 * inside `send`, or later), a handler that records what the caller saw, and policies with
 * everything off.
 */
import { constantBackoff } from '../../../proxy-core/routing/backoff.js';
import type { Clock, TimerHandle } from '../../../proxy-core/clock/clock.js';
import type { CallHandler } from '../../../proxy-core/call/dispatch.js';
import { outcomeOfStatus, type FailureCause, type Outcome } from '../../../proxy-core/call/failure-cause.js';
import type { Headers } from '../../../proxy-core/call/headers.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../../../proxy-core/call/upstream.js';
import { HostSet } from '../../../proxy-core/balancing/host-set.js';
import { createLoadBalancer, type LoadBalancer } from '../../../proxy-core/balancing/load-balancer.js';
import { ResourceLimits } from '../../../proxy-core/health/resource-limits.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { RoutedCall } from '../../../proxy-core/routing/routed-call.js';
import { DEFAULT_RETRY_BUFFER_LIMIT_BYTES, type RouterPolicies } from '../../../proxy-core/routing/router.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import type { VirtualClock } from '../../../sim/virtual-clock.js';

/** A call from `a` to `b`. */
export class TestCall extends RoutedCall {
  readonly caller = 'a';
  readonly callee = 'b';
  constructor(id: number, startedAt: number, headers: Headers = {}) {
    super(id, 'GET', '/', 'b', headers, startedAt);
  }
}

/**
 * What a host does with one attempt: answer `status` after `delay` ms (`delay: 'sync'`:
 * inside `send`), reset the stream (`status: 0`), or never answer (`null`). A gRPC answer
 * carries `grpc` in its trailers.
 */
export type Answer = { delay: number | 'sync'; status: number; retryAfterMs?: number; grpc?: number; cause?: FailureCause; whole?: boolean } | null;

/** One attempt as the scripted upstream saw it. */
export interface Sent {
  host: number;
  number: number;
  at: number;
  expected: number;
}

class ScriptedAttempt implements UpstreamAttempt<TestCall> {
  abandoned = false;
  /** Answered, or abandoned by the router. */
  done = false;
  nextOutstanding: UpstreamAttempt<TestCall> | null = null;
  constructor(
    readonly call: TestCall,
    readonly host: number,
    readonly number: number,
    readonly sentAt: number,
  ) {}
}

/** An upstream whose hosts answer as `script(host, attemptNumber)` says; it records every attempt. */
export class ScriptedUpstream implements Upstream<TestCall> {
  readonly sent: Sent[] = [];
  /** Numbers of the attempts the router abandoned. */
  readonly abandoned: number[] = [];
  /** Attempts sent and not yet answered nor abandoned. */
  open = 0;

  constructor(
    private readonly clock: Clock,
    private readonly script: (host: number, number: number) => Answer,
  ) {}

  send(call: TestCall, host: number, number: number, expected: number, handler: AttemptHandler<TestCall>): void {
    const a = new ScriptedAttempt(call, host, number, this.clock.now());
    handler.onAttemptSent(a);
    this.sent.push({ host, number, at: this.clock.now(), expected });
    this.open++;
    const answer = this.script(host, number);
    if (answer === null) return;
    if (answer.delay === 'sync') this.answer(a, answer, handler);
    else this.clock.schedule(answer.delay, () => this.answer(a, answer, handler), null);
  }

  abandon(a: UpstreamAttempt<TestCall>): void {
    this.abandoned.push(a.number);
    const attempt = a as ScriptedAttempt;
    if (!attempt.done) {
      attempt.done = true;
      this.open--;
    }
  }

  private answer(a: ScriptedAttempt, answer: NonNullable<Answer>, handler: AttemptHandler<TestCall>): void {
    if (a.abandoned) return;
    a.done = true;
    this.open--;
    if (answer.status === 0) return handler.onAttemptError(a, answer.cause ?? 'reset', null);
    const outcome: Outcome = answer.grpc === undefined ? outcomeOfStatus(answer.status) : 'ok';
    if (answer.whole && answer.grpc === undefined) return handler.onAttemptResponse(a, answer.status, outcome, -1, answer.retryAfterMs ?? -1, null);
    handler.onAttemptResponseStart(a, answer.status, outcome, -1, answer.retryAfterMs ?? -1, null, null);
    if (!a.abandoned) handler.onAttemptResponseEnd(a, answer.grpc ?? -1, null);
  }
}

/** A balancer that returns hosts from a list, then repeats the last. */
export function scriptedBalancer(hosts: number[]): LoadBalancer {
  let i = 0;
  return { pick: () => hosts[Math.min(i++, hosts.length - 1)] };
}

/** An Rng that always draws `x`. */
export const constantRng = (x: number): Rng => ({ next: () => x, int: (n) => Math.floor(x * n), fork: () => constantRng(x) });

/** Policies with everything off but Envoy's route timeout and pool thresholds, over `hostCount` hosts in one zone. */
export function policies(clock: Clock, overrides: Partial<RouterPolicies> = {}, hostCount = 3): RouterPolicies {
  const hosts = new HostSet(Array.from({ length: hostCount }, () => ({ zone: 0 })), clock);
  return {
    routeTimeoutMs: 15_000,
    perTryTimeoutMs: 0,
    maxRetries: 0,
    retryOn: null,
    backoff: constantBackoff(0),
    retryAfter: true,
    avoidPreviousHosts: false,
    hostSelectionRetryMaxAttempts: 1,
    hedgeOnPerTryTimeout: false,
    retryBufferLimitBytes: DEFAULT_RETRY_BUFFER_LIMIT_BYTES,
    budget: null,
    limits: new ResourceLimits(),
    bulkhead: null,
    breaker: null,
    outlier: null,
    accrual: null,
    hosts,
    balancer: createLoadBalancer('round-robin', hosts, new SeededRng(1)),
    fault: null,
    ...overrides,
  };
}

/** What the caller saw of one call, in order. */
export interface Seen {
  /** Every callback, as `start 200`, `end ok`, `error timeout`. */
  events: string[];
  /** When the call ended (End or Error), or -1. */
  endedAt: number;
  /** How it ended: the outcome or the error's cause. */
  outcome: Outcome | null;
  status: number;
  grpc: number;
  detail: string | null;
}

/** A handler that records what each call saw on `call.seen`. */
export class RecordingHandler implements CallHandler<TestCall> {
  readonly seen = new Map<TestCall, Seen>();
  constructor(private readonly clock: Clock) {}

  of(call: TestCall): Seen {
    let s = this.seen.get(call);
    if (!s) this.seen.set(call, (s = { events: [], endedAt: -1, outcome: null, status: 0, grpc: -1, detail: null }));
    return s;
  }
  onResponseStart(call: TestCall, status: number): void {
    const s = this.of(call);
    s.events.push(`start ${status}`);
    s.status = status;
  }
  onResponseData(call: TestCall): void {
    this.of(call).events.push('data');
  }
  onResponseEnd(call: TestCall, outcome: Outcome, _detail: string | null, grpc: number): void {
    const s = this.of(call);
    s.events.push(`end ${outcome}`);
    s.endedAt = this.clock.now();
    s.outcome = outcome;
    s.grpc = grpc;
  }
  onResponseError(call: TestCall, cause: FailureCause, detail: string | null): void {
    const s = this.of(call);
    s.events.push(`error ${cause}`);
    s.endedAt = this.clock.now();
    s.outcome = cause;
    s.detail = detail;
  }
}

/**
 * A virtual clock whose timers fire a random sliver of a millisecond late, never early, as
 * real timers do: timers due at the same instant fire in any order.
 */
export class JitteredClock implements Clock {
  constructor(
    private readonly inner: VirtualClock,
    private readonly rng: Rng,
  ) {}
  now(): number {
    return this.inner.now();
  }
  epochMs(): number {
    return this.inner.epochMs();
  }
  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.inner.schedule(delayMs + this.rng.next() * 1e-3, callback, arg);
  }
  scheduleBackground<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.inner.scheduleBackground(delayMs + this.rng.next() * 1e-3, callback, arg);
  }
  cancel(handle: TimerHandle): void {
    this.inner.cancel(handle);
  }
}
