import { outcomeOfStatus } from '../../../proxy-core/call/failure-cause.js';
import type { AttemptHandler, UpstreamAttempt } from '../../../proxy-core/call/upstream.js';
import type { Clock, TimerHandle } from '../../../proxy-core/clock/clock.js';
import type { LiveCall } from '../live-call.js';

/** One attempt on the wire, whatever the protocol: what the fault rules and the router need of it. */
export class WireAttempt implements UpstreamAttempt<LiveCall> {
  abandoned = false;
  nextOutstanding: UpstreamAttempt<LiveCall> | null = null;
  /** Set when the router gave up on it (it may not have started). */
  cancelled = false;
  /** The timer of a send held back by a latency fault, or of an abort fault's answer (0: none). */
  timer: TimerHandle = 0;
  /** The time the caller will wait for it, for Envoy's header. */
  expectedTimeoutMs = 0;
  /** The status an abort fault answers it with. */
  abortStatus = 0;
  constructor(
    readonly call: LiveCall,
    readonly host: number,
    readonly number: number,
    readonly sentAt: number,
    readonly handler: AttemptHandler<LiveCall>,
  ) {}
}

/**
 * What every live transport does the same way around its protocol: an attempt is created
 * and reported sent at once; a latency fault holds its start back; a partition or blackhole
 * loses it; an abort fault answers it locally after its delay, as Envoy's fault filter does;
 * the router's abandon clears whatever is pending. A protocol supplies the attempt, how it
 * starts on the wire, and how it is cancelled there.
 */
export abstract class WireUpstream<A extends WireAttempt> {
  constructor(protected readonly clock: Clock) {}

  /** Sends attempt `number` of `call` to `host`, after `delayMs` when a latency fault holds it back. */
  send(call: LiveCall, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<LiveCall>, delayMs = 0): void {
    const a = this.attempt(call, host, number, handler);
    a.expectedTimeoutMs = expectedTimeoutMs;
    if (delayMs > 0) a.timer = this.clock.schedule(delayMs, this.startHeld, a);
    else this.start(a);
  }

  /** A fault loses the attempt on the wire (a partition, a blackhole): it is sent and never answered. */
  lose(call: LiveCall, host: number, number: number, handler: AttemptHandler<LiveCall>): void {
    this.attempt(call, host, number, handler);
  }

  /** A fault aborts the attempt with HTTP `status` after `delayMs`, counted by that status. */
  abort(call: LiveCall, host: number, number: number, handler: AttemptHandler<LiveCall>, status: number, delayMs: number): void {
    const a = this.attempt(call, host, number, handler);
    a.abortStatus = status;
    a.timer = this.clock.schedule(delayMs, this.answerAbort, a);
  }

  abandon(attempt: UpstreamAttempt<LiveCall>): void {
    const a = attempt as A;
    a.cancelled = true;
    if (a.timer !== 0) this.clock.cancel(a.timer);
    a.timer = 0;
    this.cancelOnWire(a);
  }

  /** A new attempt object of the protocol. */
  protected abstract newAttempt(call: LiveCall, host: number, number: number, sentAt: number, handler: AttemptHandler<LiveCall>): A;
  /** Puts the attempt on the wire now. */
  protected abstract start(a: A): void;
  /** Resets the attempt's stream, if it started. */
  protected abstract cancelOnWire(a: A): void;
  /** The gRPC status an abort fault's answer carries with HTTP `status` (-1: none). */
  protected abortGrpcStatus(_status: number): number {
    return -1;
  }

  private attempt(call: LiveCall, host: number, number: number, handler: AttemptHandler<LiveCall>): A {
    const a = this.newAttempt(call, host, number, this.clock.now(), handler);
    handler.onAttemptSent(a);
    return a;
  }

  private readonly startHeld = (a: A): void => {
    a.timer = 0;
    this.start(a);
  };

  private readonly answerAbort = (a: A): void => {
    a.timer = 0;
    if (a.abandoned) return;
    const status = a.abortStatus;
    a.handler.onAttemptResponse(a, status, outcomeOfStatus(status), this.abortGrpcStatus(status), -1, null);
  };
}
