/**
 * Shared by the live load tests: a real node:http server on 127.0.0.1 (port 0) that counts
 * what it sees, loads parsed from scenario syntax, and a way to run one to its end.
 */
import { createHook } from 'node:async_hooks';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import { Load, type ScenarioInput } from '../../../scenarios/schema.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { createLiveLoad } from '../../../sim/live/load/create-live-load.js';
import type { LiveLoad, LiveLoadOptions } from '../../../sim/live/load/live-load.js';
import type { LoadRequest } from '../../../sim/live/load/load-request.js';
import type { LiveLoadReport } from '../../../sim/live/load/load-stats.js';
import type { LoadTarget } from '../../../sim/live/load/load-target.js';
import { UndiciTarget } from '../../../sim/live/load/undici-target.js';

/** How the test server answers: called with the request's arrival time on the test's clock. */
export type Handler = (req: IncomingMessage, res: ServerResponse, arrivedAt: number) => void;

/** A test server: where it listens, and what it saw. */
export interface TestServer {
  origin: string;
  port: number;
  /** Arrival times (clock ms) of every request, in order. */
  arrivals: number[];
  /** Requests being handled now, and the most ever at once. */
  active: number;
  maxActive: number;
  close(): Promise<void>;
}

/** The clock every test reads (the loads' and the servers'). */
export const clock = new RealClock();

/** Starts a node:http server on 127.0.0.1, port 0. */
export async function startServer(handler: Handler = (_req, res) => res.end('ok')): Promise<TestServer> {
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const arrivedAt = clock.now();
    t.arrivals.push(arrivedAt);
    t.active++;
    if (t.active > t.maxActive) t.maxActive = t.active;
    let counted = true;
    const leave = (): void => {
      if (counted) t.active--;
      counted = false;
    };
    res.on('finish', leave);
    res.on('close', leave);
    handler(req, res, arrivedAt);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const t: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    arrivals: [],
    active: 0,
    maxActive: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return t;
}

/** A load from scenario syntax (`'200/s'`, `'1s'`), with `target` filled in. */
export function load(input: Record<string, unknown>): Load {
  return Load.parse({ target: 'api', ...input } as ScenarioInput['load'][string]);
}

/** One answered request, as a test sees it. */
export interface Result {
  id: number;
  vu: number;
  classIndex: number;
  intendedAt: number;
  sentAt: number;
  latencyMs: number;
  answeredAt: number;
  outcome: Outcome;
  status: number;
}

/** A started load and what it records. */
export interface Run {
  load: LiveLoad;
  origin: number;
  results: Result[];
  done: Promise<LiveLoadReport>;
}

/** Starts `spec` against `target` (seed 1 unless given), collecting every answer. */
export function startLoad(spec: Load, target: LoadTarget, options: Partial<LiveLoadOptions> & { seed?: number } = {}): Run {
  const results: Result[] = [];
  const live = createLiveLoad(spec, {
    clock,
    rng: new SeededRng(options.seed ?? 1).fork('load/test'),
    target,
    onResult: (r: LoadRequest, outcome, status, latencyMs, nowMs) =>
      results.push({ id: r.id, vu: r.vu, classIndex: r.classIndex, intendedAt: r.intendedAt, sentAt: r.sentAt, latencyMs, answeredAt: nowMs, outcome, status }),
    ...options,
  });
  const origin = clock.now();
  live.start(origin);
  return { load: live, origin, results, done: live.done };
}

/** An undici target on `server`, closed by `closeAll`. */
export function undiciTarget(server: TestServer, timeoutMs = 10_000): UndiciTarget {
  return new UndiciTarget(server.origin, { connections: 256, timeoutMs, clock });
}

/** Resource kinds a target or a server could leave open (timers: see {@link watchTimers}; vitest's own come and go). */
const WATCHED = new Set(['TCPSocketWrap', 'TCPServerWrap']);

/** How many sockets and servers are open now. */
export function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (WATCHED.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Waits (up to 1 s) until no more sockets or servers are open than in `before`:
 * closed sockets and servers leave the list a loop turn or two after their close.
 */
export async function handlesBackTo(before: Record<string, number>): Promise<Record<string, number>> {
  const added = (): Record<string, number> => {
    const now = openHandles();
    return Object.fromEntries(Object.entries(now).filter(([kind, n]) => n > (before[kind] ?? 0)));
  };
  for (let i = 0; i < 100 && Object.keys(added()).length > 0; i++) await sleep(10);
  return added();
}

/** A timer or immediate as Node keeps it: `_destroyed` once fired or cleared. */
interface NodeTimer {
  _destroyed?: boolean;
  hasRef?: () => boolean;
}

/**
 * Watches the timers and immediates created from now on; `pending()` counts, after one turn
 * of the event loop (undici answers through a `setImmediate`), those neither fired nor
 * cleared that would keep the process alive (ref'd).
 */
export function watchTimers(): { pending(): Promise<number>; stop(): void } {
  const created: NodeTimer[] = [];
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout' || type === 'Immediate') created.push(resource as NodeTimer);
    },
  }).enable();
  return {
    pending: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return created.filter((t) => t._destroyed === false && (t.hasRef?.() ?? true)).length;
    },
    stop: () => hook.disable(),
  };
}

/** Spins for `ms`: blocks the event loop, as a stalled process does. */
export function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A real wait. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
