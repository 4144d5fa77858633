/**
 * A live adapter written against the package's public entry point alone: node:http servers
 * on loopback are the hosts, a small `Upstream` over node:http's client carries the
 * attempts, and the router built by the control plane runs on the real clock. It shows that
 * the call contract fits a real transport: a retry, a hedge won by the second attempt, a
 * cancel that resets the stream, and a Retry-After honoured on real time.
 */
import { createServer, request, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRouter,
  callErrorOf,
  outcomeOfStatus,
  parseRetryAfter,
  RealClock,
  RoutedCall,
  stopRouter,
  type AttemptHandler,
  type BuiltRouter,
  type CallHandler,
  type EdgePolicy,
  type FailureCause,
  type Headers,
  type Outcome,
  type Rng,
  type Upstream,
  type UpstreamAttempt,
} from '../../proxy-core/index.js';

/** A call as this adapter carries it: the core's state plus a promise for the test. */
class LiveCall extends RoutedCall {
  readonly caller = 'test';
  readonly callee = 'echo';
  readonly events: string[] = [];
  outcome: Outcome | null = null;
  body = '';
  readonly done: Promise<void>;
  resolve!: () => void;
  constructor(id: number, path: string, startedAt: number) {
    super(id, 'GET', path, 'echo', {}, startedAt);
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }
}

/** One attempt: the node:http request that carries it. */
class HttpAttempt implements UpstreamAttempt<LiveCall> {
  abandoned = false;
  nextOutstanding: UpstreamAttempt<LiveCall> | null = null;
  req: ClientRequest | null = null;
  constructor(
    readonly call: LiveCall,
    readonly host: number,
    readonly number: number,
    readonly sentAt: number,
  ) {}
}

/** The transport: each attempt is an HTTP/1.1 request to the host's port, with Envoy's attempt headers. */
class HttpUpstream implements Upstream<LiveCall> {
  constructor(
    private readonly clock: RealClock,
    private readonly ports: readonly number[],
  ) {}

  send(call: LiveCall, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<LiveCall>): void {
    const a = new HttpAttempt(call, host, number, this.clock.now());
    handler.onAttemptSent(a);
    const headers = { ...call.headers, 'x-envoy-attempt-count': String(number), 'x-envoy-expected-rq-timeout-ms': String(Math.round(expectedTimeoutMs)) };
    a.req = request({ host: '127.0.0.1', port: this.ports[host], method: call.method, path: call.path, headers, agent: false }, (res) => this.respond(a, res, handler));
    a.req.on('error', (error: NodeJS.ErrnoException) => {
      if (!a.abandoned) handler.onAttemptError(a, error.code === 'ECONNREFUSED' ? 'connect-failure' : 'reset', null);
    });
    a.req.end();
  }

  abandon(a: UpstreamAttempt<LiveCall>): void {
    (a as HttpAttempt).req?.destroy();
  }

  private respond(a: HttpAttempt, res: IncomingMessage, handler: AttemptHandler<LiveCall>): void {
    const status = res.statusCode ?? 0;
    const retryAfter = res.headers['retry-after'];
    const retryAfterMs = retryAfter === undefined ? -1 : parseRetryAfter(retryAfter, this.clock.epochMs());
    handler.onAttemptResponseStart(a, status, outcomeOfStatus(status), -1, retryAfterMs, null, res.headers as Headers);
    res.on('data', (chunk: Buffer) => handler.onAttemptResponseData(a, chunk));
    res.on('end', () => handler.onAttemptResponseEnd(a, -1, res.trailers as Headers));
    res.on('error', () => {});
  }
}

/** What the caller sees, recorded on the call. */
const caller: CallHandler<LiveCall> = {
  onResponseStart: (call, status) => call.events.push(`start ${status}`),
  onResponseData: (call, chunk) => (call.body += Buffer.from(chunk).toString()),
  onResponseEnd: (call, outcome) => {
    call.events.push(`end ${outcome}`);
    call.outcome = outcome;
    call.resolve();
  },
  onResponseError: (call, cause: FailureCause, detail) => {
    call.events.push(`error ${cause}`);
    call.outcome = cause;
    expect(callErrorOf(cause, detail).code).toMatch(/^FL_/); // what a live adapter would throw to its own caller
    call.resolve();
  },
};

/** A seeded stand-in for the core's Rng (the balancer's and the backoff's draws). */
function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return { next, int: (n) => Math.floor(next() * n), fork: (name) => rng(seed + name.length * 7919) };
}

/**
 * The hosts: every path behaves by the attempt number Envoy's header carries. `/retry` fails
 * the first attempt with 503; `/hedge` answers the first after 3 s and the second at once;
 * `/retry-after` asks for a second with Retry-After; `/hang` never answers.
 */
function host(seen: string[], aborted: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const attempt = Number(req.headers['x-envoy-attempt-count']);
    seen.push(`${req.url} #${attempt} expects ${req.headers['x-envoy-expected-rq-timeout-ms']}ms`);
    res.on('close', () => {
      if (!res.writableFinished) aborted.push(`${req.url} #${attempt}`);
    });
    const answer = (status: number, body = 'ok', headers: Record<string, string> = {}) => res.writeHead(status, headers).end(body);
    switch (req.url) {
      case '/retry':
        return attempt === 1 ? answer(503, 'busy') : answer(200, `served by attempt ${attempt}`);
      case '/hedge':
        if (attempt === 1) setTimeout(() => res.writable && answer(200, 'slow'), 3000).unref();
        else answer(200, 'fast');
        return;
      case '/retry-after':
        return attempt === 1 ? answer(503, 'later', { 'retry-after': '1' }) : answer(200);
      default:
        return; // /hang
    }
  };
}

describe('a live adapter on the public entry point, over node:http on loopback, under the real clock', () => {
  const seen: string[] = [];
  const aborted: string[] = [];
  const servers: Server[] = [];
  const clock = new RealClock();
  let ports: number[] = [];
  const built: BuiltRouter<LiveCall>[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const server = createServer(host(seen, aborted));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
    }
    ports = servers.map((s) => (s.address() as AddressInfo).port);
  });

  afterAll(async () => {
    for (const b of built) stopRouter(b);
    clock.cancelAll();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers.forEach((s) => s.closeAllConnections());
  });

  /** A router for the edge test → echo with `policy`, over both hosts. */
  function router(policy: EdgePolicy) {
    const b = buildRouter<LiveCall>(policy, { clock, rng: rng(7), hosts: [{ zone: 0 }, { zone: 0 }], callerZone: 0, upstream: new HttpUpstream(clock, ports) });
    built.push(b);
    return b.router;
  }

  const retries = (extra: object = {}) => ({ attempts: 2, retryOn: '5xx', retryAfter: true, retryIgnorePreviousHosts: true, hedgeOnPerTryTimeout: false, ...extra });

  it('retries a 503 on another host and forwards the second answer', async () => {
    const r = router({ timeoutMs: 5000, retries: retries({ backoff: { type: 'constant', base: 10 } }) });
    const call = new LiveCall(1, '/retry', clock.now());
    r.dispatch(call, caller);
    await call.done;
    expect(call.events).toEqual(['start 200', 'end ok']);
    expect(call.body).toBe('served by attempt 2');
    expect(call.committedAttempt).toBe(2);
    expect(r.stats.retries).toBe(1);
    expect(seen.filter((s) => s.startsWith('/retry #'))).toEqual(['/retry #1 expects 5000ms', expect.stringMatching(/^\/retry #2 expects \d+ms$/)]);
  });

  it('hedges on the per-try timeout: the second attempt wins, and the slow first one is reset', async () => {
    const r = router({ timeoutMs: 10_000, retries: retries({ attempts: 1, perTryTimeout: 100, hedgeOnPerTryTimeout: true }) });
    const call = new LiveCall(2, '/hedge', clock.now());
    r.dispatch(call, caller);
    await call.done;
    expect(call.events).toEqual(['start 200', 'end ok']);
    expect([call.body, call.committedAttempt, r.stats.hedges]).toEqual(['fast', 2, 1]);
    await until(() => aborted.includes('/hedge #1'));
  });

  it('cancel ends the call, resets its stream at the host and leaves no timer behind', async () => {
    const r = router({ timeoutMs: 10_000 });
    const call = new LiveCall(3, '/hang', clock.now());
    const before = clock.pending;
    r.dispatch(call, caller);
    await until(() => seen.some((s) => s.startsWith('/hang')));
    r.cancel(call);
    await call.done;
    expect(call.events).toEqual(['error cancelled']);
    await until(() => aborted.includes('/hang #1'));
    expect(clock.pending).toBe(before); // the route timer went with the call
  });

  it("waits the answer's Retry-After (1 s) on the real clock before the retry, never less", async () => {
    const r = router({ timeoutMs: 10_000, retries: retries({ backoff: { type: 'constant', base: 5 } }) });
    const call = new LiveCall(4, '/retry-after', clock.now());
    const started = performance.now();
    r.dispatch(call, caller);
    await call.done;
    const elapsed = performance.now() - started;
    expect(call.events).toEqual(['start 200', 'end ok']);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(8000); // generous: a busy 2-core machine
  });
});

/** Waits until `done()` holds, polling every 10 ms (at most 10 s). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
}
