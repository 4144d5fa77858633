import type { Headers } from '../../../proxy-core/call/headers.js';

/** Where a {@link LoadRequest} stands: in flight, answered, or cancelled by the generator. */
export const enum RequestState {
  InFlight = 0,
  Answered = 1,
  Cancelled = 2,
}

/**
 * One request of a live load, as the generator hands it to a {@link LoadTarget}. It is
 * allocated once per request and carries everything the target needs, plus a slot the
 * target may use for its own per-request state (so a target needs no map to find it again).
 * Times are the generator's clock (ms, `performance.now()`-based).
 */
export class LoadRequest {
  /** When the target was handed the request (ms); `sentAt − intendedAt` is the send lag. */
  sentAt = 0;
  /** The generator's bookkeeping; targets read it, never write it. */
  state: RequestState = RequestState.InFlight;
  /** Free for the target: undici's target keeps its handler here. */
  transport: unknown = null;
  /** The generator's in-flight list (see InFlightList). */
  prev: LoadRequest | null = null;
  /** The generator's in-flight list (see InFlightList). */
  next: LoadRequest | null = null;

  /**
   * @param id - the load's request number, from 0
   * @param classIndex - the request class (index into the load's `classes`), −1 when the load has none
   * @param method - HTTP method
   * @param path - request path
   * @param headers - the class's headers (its token as `authorization: Bearer …`), shared between requests: never mutate
   * @param intendedAt - when the schedule meant it to be sent (ms); latency counts from here
   * @param vu - the virtual user sending it (closed loop, from 0; k6's `__VU` − 1), −1 in an open loop
   */
  constructor(
    readonly id: number,
    readonly classIndex: number,
    readonly method: string,
    readonly path: string,
    readonly headers: Headers,
    readonly intendedAt: number,
    readonly vu = -1,
  ) {}
}
