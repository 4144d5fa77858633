import { Pool, type Dispatcher } from 'undici';
import { outcomeOfStatus, type FailureCause } from '../../../proxy-core/call/failure-cause.js';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import type { LoadRequest } from './load-request.js';
import type { LoadDone, LoadTarget } from './load-target.js';
import { OrderedTimers } from '../../../proxy-core/clock/ordered-timers.js';
import type { TimerHandle } from '../../../proxy-core/clock/clock.js';
import { outcomeOfError } from './undici-outcome.js';

/** How an {@link UndiciTarget} connects. */
export interface UndiciTargetOptions {
  /** Keep-alive connections per origin (undici `Pool`'s `connections`); requests beyond them queue in the pool. Default 64. */
  connections?: number;
  /** Requests in flight per connection (HTTP/1.1 pipelining); default 1. */
  pipelining?: number;
  /** Time from send to the end of the response before the request is aborted as `timeout` (ms); 0 for none. Default 60 s. */
  timeoutMs?: number;
  /** How long an idle connection is kept (ms); default 60 s. */
  keepAliveTimeoutMs?: number;
  /** Time for timeouts; default a new `RealClock`. */
  clock?: Clock;
}

/** Where a request goes: one origin (`http://127.0.0.1:8080`), or one chosen per request. */
export type OriginOf = string | ((request: LoadRequest) => string);

const TIMED_OUT = Object.assign(new Error('load request timed out'), { code: 'FL_LOAD_TIMEOUT' });
const CANCELLED = Object.assign(new Error('load request cancelled'), { code: 'FL_LOAD_CANCELLED' });

/**
 * A {@link LoadTarget} straight to HTTP origins over undici, for benchmarks and tests: a
 * keep-alive `Pool` per origin, `dispatch` with undici's handler API (the body is read and
 * dropped), a per-request timeout by aborting through the handler's controller, and
 * cancellation the same way (which resets the connection, as Envoy resets a stream).
 * Call {@link UndiciTarget.close} when done: it destroys the pools, leaving no socket open.
 */
export class UndiciTarget implements LoadTarget {
  private readonly pools = new Map<string, Pool>();
  private readonly options: Pool.Options;
  /** The per-request timeouts: one timer for all of them (they have one length). */
  private readonly timeouts: OrderedTimers<Exchange> | null;
  private readonly timeoutMs: number;
  private readonly fixedPool: Pool | null;
  private closed = false;

  constructor(
    private readonly origin: OriginOf,
    options: UndiciTargetOptions = {},
  ) {
    this.options = {
      connections: options.connections ?? 64,
      pipelining: options.pipelining ?? 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 60_000,
    };
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.timeouts = this.timeoutMs > 0 ? new OrderedTimers(options.clock ?? new RealClock(), expireExchange) : null;
    this.fixedPool = typeof origin === 'string' ? this.poolOf(origin) : null;
  }

  /** Dispatches `request` on its origin's pool; `done` comes with the end of the response or the first error. */
  send(request: LoadRequest, done: LoadDone): void {
    const exchange = new Exchange(request, done, this.timeouts);
    request.transport = exchange;
    if (this.closed) return exchange.fail('cancelled');
    const pool = this.fixedPool ?? this.poolOf((this.origin as (r: LoadRequest) => string)(request));
    if (this.timeouts) exchange.timer = this.timeouts.set(this.timeoutMs, exchange);
    pool.dispatch({ path: request.path, method: request.method, headers: request.headers as Record<string, string | string[]> }, exchange);
  }

  /** Aborts `request`'s exchange (its connection is reset); no `done` follows. */
  cancel(request: LoadRequest): void {
    (request.transport as Exchange | null)?.cancel();
  }

  /** Destroys every pool: requests still in flight end as `cancelled`, and no socket stays open. */
  async close(): Promise<void> {
    this.closed = true;
    this.timeouts?.clear();
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }

  private poolOf(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) this.pools.set(origin, (pool = new Pool(origin, this.options)));
    return pool;
  }
}

/** A request's timeout passed. */
function expireExchange(exchange: Exchange): void {
  exchange.expire();
}

/** One request on the wire: undici's handler, with its timeout. */
class Exchange implements Dispatcher.DispatchHandler {
  /** Its timeout, in the target's timers (0: none). */
  timer: TimerHandle = 0;
  private controller: Dispatcher.DispatchController | null = null;
  /** Why to abort as soon as undici hands over the controller (the request was still queued). */
  private pendingAbort: Error | null = null;
  private status = 0;
  private ended = false;

  constructor(
    private readonly request: LoadRequest,
    private readonly done: LoadDone,
    private readonly timeouts: OrderedTimers<Exchange> | null,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) controller.abort(this.pendingAbort);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number): void {
    this.status = status;
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    this.end(outcomeOfStatus(this.status), this.status);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.end(outcomeOfError(error), this.status);
  }

  /** The per-request timeout passed: answer `timeout` now and abort the exchange. */
  expire(): void {
    if (this.ended) return;
    this.ended = true;
    this.timer = 0;
    this.abort(TIMED_OUT);
    this.done(this.request, 'timeout', 0);
  }

  /** The generator gave up on the request: abort it, answer nothing. */
  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.timeouts?.cancel(this.timer);
    this.abort(CANCELLED);
  }

  /** Ends at once with `cause` (a closed target). */
  fail(cause: FailureCause): void {
    this.end(cause, 0);
  }

  private end(outcome: ReturnType<typeof outcomeOfStatus>, status: number): void {
    if (this.ended) return;
    this.ended = true;
    this.timeouts?.cancel(this.timer);
    this.done(this.request, outcome, status);
  }

  private abort(reason: Error): void {
    if (this.controller) this.controller.abort(reason);
    else this.pendingAbort = reason;
  }
}
