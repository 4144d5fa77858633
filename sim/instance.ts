import type { Outcome } from '../proxy-core/call/failure-cause.js';
import type { Attempt } from './attempt.js';
import { AttemptState } from './attempt.js';
import { Fifo } from './fifo.js';
import type { SimCall } from './sim-call.js';

/**
 * The work an instance queues and runs: the simulator's {@link Attempt}, or a live request.
 * The instance links the work it runs through `prev`/`next`, so a crash can reset it.
 */
export interface InstanceWork<W> {
  state: AttemptState;
  arrivedAt: number;
  prev: W | null;
  next: W | null;
}

/** What an instance needs from its service to run requests. */
export interface InstanceHost<W extends InstanceWork<W> = Attempt, C = SimCall> {
  readonly concurrency: number;
  readonly queueLimit: number;
  /** Honours callers' deadlines (the scenario's `deadlinePropagation`). */
  readonly propagatesDeadlines: boolean;
  /** Starts the work of an attempt that has a worker. */
  begin(attempt: W): void;
  /** Answers an attempt without work: overflow, or reset by a crash. */
  reject(attempt: W, reason: 'overflow' | 'reset'): void;
  /** A downstream call made by `attempt` has its outcome. */
  callDone(attempt: W, call: C, outcome: Outcome): void;
  now(): number;
}

/**
 * One replica of a service: a fixed number of workers and a bounded FIFO queue. A worker is
 * held for the whole request, own work and downstream calls included, which is how a slow
 * dependency exhausts a caller's thread pool.
 */
export class Instance<W extends InstanceWork<W> = Attempt, C = SimCall> {
  /** Workers busy. */
  busy = 0;
  /** Active crash faults on this instance; down while > 0. */
  downCount = 0;
  /** Product of active slowdown factors. */
  slowdown = 1;
  readonly waiting = new Fifo<W>();
  private head: W | null = null;
  private lastChange = 0;
  /** ∫ busy dt, for utilization. */
  busyArea = 0;
  /** ∫ (busy + queued) dt, for the mean number in system (Little's L). */
  inSystemArea = 0;
  /** Requests that left (answered or reset), and the sum of their times at this instance (Little's W). */
  completed = 0;
  sojournSum = 0;
  /** When the first request arrived (-1: none yet) and the last one left: the instance's active interval. */
  firstArrivalMs = -1;
  lastDepartureMs = -1;

  constructor(
    readonly service: string,
    readonly index: number,
    readonly zone: number,
    readonly host: InstanceHost<W, C>,
  ) {}

  get down(): boolean {
    return this.downCount > 0;
  }

  /** An attempt arrives: a free worker takes it, or it queues, or it overflows (503). */
  accept(attempt: W): void {
    this.account();
    attempt.arrivedAt = this.host.now();
    if (this.firstArrivalMs < 0) this.firstArrivalMs = attempt.arrivedAt;
    if (this.busy < this.host.concurrency) this.start(attempt);
    else if (this.waiting.length < this.host.queueLimit) {
      attempt.state = AttemptState.Queued;
      this.waiting.push(attempt);
    } else this.host.reject(attempt, 'overflow');
  }

  /** The attempt's worker is free again; the next queued attempt takes it. */
  release(attempt: W): void {
    this.account();
    attempt.state = AttemptState.Done;
    this.unlink(attempt);
    this.busy--;
    this.depart(attempt);
    const next = this.waiting.shift();
    if (next) this.start(next);
  }

  /** Crash: every attempt queued or in service is reset; the instance refuses connections until restarted. */
  crash(): void {
    this.account();
    this.downCount++;
    if (this.downCount > 1) return;
    for (let a = this.waiting.shift(); a; a = this.waiting.shift()) this.resetAttempt(a);
    while (this.head) {
      const a = this.head;
      this.unlink(a);
      this.busy--;
      this.resetAttempt(a);
    }
  }

  /** One crash fault ended; the instance restarts empty when none is left. */
  restart(): void {
    this.downCount--;
  }

  /** Brings the time integrals up to now. */
  account(): void {
    const now = this.host.now();
    const dt = now - this.lastChange;
    if (dt > 0) {
      this.busyArea += this.busy * dt;
      this.inSystemArea += (this.busy + this.waiting.length) * dt;
      this.lastChange = now;
    }
  }

  private start(attempt: W): void {
    this.busy++;
    attempt.state = AttemptState.Working;
    attempt.next = this.head;
    if (this.head) this.head.prev = attempt;
    this.head = attempt;
    this.host.begin(attempt);
  }

  private depart(attempt: W): void {
    this.completed++;
    this.lastDepartureMs = this.host.now();
    this.sojournSum += this.lastDepartureMs - attempt.arrivedAt;
  }

  private resetAttempt(attempt: W): void {
    attempt.state = AttemptState.Done;
    this.depart(attempt);
    this.host.reject(attempt, 'reset');
  }

  private unlink(attempt: W): void {
    if (attempt.prev) attempt.prev.next = attempt.next;
    else if (this.head === attempt) this.head = attempt.next;
    if (attempt.next) attempt.next.prev = attempt.prev;
    attempt.prev = attempt.next = null;
  }
}
