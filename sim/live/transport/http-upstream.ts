import type { Dispatcher } from 'undici';
import { Pool } from 'undici';
import { headerValue, type Headers } from '../../../proxy-core/call/headers.js';
import { parseRetryAfter } from '../../../proxy-core/call/retry-after.js';
import type { AttemptHandler } from '../../../proxy-core/call/upstream.js';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import type { LiveCall } from '../live-call.js';
import { failureOfError } from './failure-of-error.js';
import type { LiveUpstream } from './live-upstream.js';
import { outcomeOfAnswer } from './protocol-status.js';
import { WireAttempt, WireUpstream } from './wire-upstream.js';
import { ATTEMPT_COUNT, DOWNSTREAM_SERVICE, EXPECTED_TIMEOUT, LOCAL_REPLY_DETAIL, PRECONNECT, REQUEST_CLASS, REQUEST_ID, RETRY_AFTER } from './wire-headers.js';

const NO_GRPC_STATUS = -1;

/** Where the hosts of an upstream listen, and how to reach them. */
export interface HttpHosts {
  /** `http://127.0.0.1:<port>` (or https) of each host, in the router's host order. */
  origin(host: number): string;
  /**
   * undici Pool options for host `host`: TLS connect options, HTTP/2 (`allowH2`, with ALPN
   * over TLS; `connect: { useH2c: true }` for h2c with prior knowledge). None by default.
   */
  poolOptions?(host: number): Pool.Options;
}

/** One attempt on the wire: the undici request that carries it. */
export class HttpAttempt extends WireAttempt {
  /** undici's controller of the request, once it started. */
  controller: Dispatcher.DispatchController | null = null;
}

/**
 * The router's transport for HTTP/1.1 and HTTP/2 in live mode: each attempt is one undici
 * request on a keep-alive `Pool` per host, with the attempt headers Envoy sends. The
 * answer goes back to the router through the call contract as it arrives: the response's
 * start (status, the callee sidecar's reason for a local reply, Retry-After), its body,
 * its end; a connection that fails or breaks is an error with Envoy's cause.
 */
export class HttpUpstream extends WireUpstream<HttpAttempt> implements LiveUpstream {
  private readonly pools: (Pool | undefined)[] = [];

  constructor(
    clock: Clock,
    private readonly hosts: HttpHosts,
  ) {
    super(clock);
  }

  protected newAttempt(call: LiveCall, host: number, number: number, sentAt: number, handler: AttemptHandler<LiveCall>): HttpAttempt {
    return new HttpAttempt(call, host, number, sentAt, handler);
  }

  protected start(a: HttpAttempt): void {
    const call = a.call;
    this.pool(a.host).dispatch(
      { origin: this.hosts.origin(a.host), method: call.method, path: call.path, headers: attemptHeaders(call, a.number, a.expectedTimeoutMs) },
      this.attemptHandler(a),
    );
  }

  protected cancelOnWire(a: HttpAttempt): void {
    a.controller?.abort(new Error('abandoned by the router'));
  }

  /**
   * Opens `count` connections to each of `hosts` hosts ahead of the run, with requests the
   * callee's sidecar answers at once and counts nowhere: a new mTLS connection costs a full
   * handshake, and opening dozens at the first burst of load would measure that instead of
   * the mesh. Resolves once every one has been answered (or failed).
   */
  async preconnect(hosts: number, count: number): Promise<void> {
    const one = (host: number) =>
      this.pool(host)
        .request({ origin: this.hosts.origin(host), method: 'GET', path: '/', headers: { [PRECONNECT]: '1' } })
        .then((r) => r.body.dump(), () => undefined);
    await Promise.all(Array.from({ length: hosts * count }, (_, i) => one(i % hosts)));
  }

  /** Closes every pool: connections end once their requests have. */
  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p?.close()));
  }

  /** Destroys every pool and its connections at once. */
  async destroy(): Promise<void> {
    await Promise.all(this.pools.map((p) => p?.destroy()));
  }

  private pool(host: number): Pool {
    return (this.pools[host] ??= new Pool(this.hosts.origin(host), { keepAliveTimeout: 60_000, ...this.hosts.poolOptions?.(host) }));
  }

  private attemptHandler(a: HttpAttempt): Dispatcher.DispatchHandler {
    const clock = this.clock;
    return {
      onRequestStart(controller) {
        a.controller = controller;
        if (a.cancelled) controller.abort(new Error('abandoned by the router'));
      },
      onResponseStart(_controller, status, headers) {
        if (a.abandoned) return;
        const h = headers as Headers;
        const retryAfter = headerValue(h, RETRY_AFTER);
        const retryAfterMs = retryAfter === undefined ? -1 : parseRetryAfter(retryAfter, clock.epochMs());
        a.handler.onAttemptResponseStart(a, status, outcomeOfAnswer(status, NO_GRPC_STATUS, h), NO_GRPC_STATUS, retryAfterMs, headerValue(h, LOCAL_REPLY_DETAIL) ?? null, h);
      },
      onResponseData(_controller, chunk) {
        if (!a.abandoned) a.handler.onAttemptResponseData(a, chunk);
      },
      onResponseEnd(_controller, trailers) {
        if (!a.abandoned) a.handler.onAttemptResponseEnd(a, NO_GRPC_STATUS, trailers as Headers);
      },
      onResponseError(_controller, error) {
        if (a.abandoned || a.cancelled) return;
        const failure = failureOfError(error);
        a.handler.onAttemptError(a, failure.cause, failure.detail);
      },
    };
  }
}

/** The request headers of attempt `number`: the call's, with Envoy's attempt headers. */
export function attemptHeaders(call: LiveCall, number: number, expectedTimeoutMs: number): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const name in call.headers) headers[name] = call.headers[name] as string | string[];
  headers[REQUEST_ID] ??= `fl-${call.id}`;
  headers[ATTEMPT_COUNT] = String(number);
  if (Number.isFinite(expectedTimeoutMs)) headers[EXPECTED_TIMEOUT] = String(Math.max(1, Math.round(expectedTimeoutMs)));
  if (call.callerInstance !== null) headers[DOWNSTREAM_SERVICE] = call.callerInstance.service;
  if (call.classIndex >= 0) headers[REQUEST_CLASS] = String(call.classIndex);
  return headers;
}
