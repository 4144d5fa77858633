import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import type { LoadRequest } from './load-request.js';

/**
 * How a target reports a request's end: its outcome (as proxy-core counts it) and the HTTP
 * status, 0 when there was no response. One function serves every request of a load, so
 * sending allocates no closure.
 */
export type LoadDone = (request: LoadRequest, outcome: Outcome, status: number) => void;

/**
 * What a live load sends its requests through. The generator does not know HTTP: it decides
 * when to send and what (method, path, headers), and counts what comes back. Live mode plugs
 * in the entry sidecar; {@link UndiciTarget} sends straight to an origin over undici, for
 * benchmarks and tests.
 */
export interface LoadTarget {
  /**
   * Sends `request` and calls `done` exactly once when it ends. `done` may be called before
   * `send` returns (the generator copes), and is ignored once the request was cancelled.
   */
  send(request: LoadRequest, done: LoadDone): void;
  /**
   * Abandons a request the generator has stopped waiting for (`gracefulStop` is over, or
   * `stop()`): reset its stream and free what it holds. The generator has already counted it
   * as interrupted; a later `done` for it is ignored.
   */
  cancel(request: LoadRequest): void;
}
