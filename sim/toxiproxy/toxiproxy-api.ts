/**
 * Toxiproxy's HTTP API over a {@link ToxiproxyState}, as Toxiproxy 2.12's gorilla/mux router
 * serves it: the routes and methods of its `api.go`, its status codes (201 for a new proxy
 * and for /populate, 200 for a new toxic, 204 for deletes and /reset, 409 for a duplicate),
 * errors as `{"error":…,"status":N}` + newline sent `text/plain` (Go's `http.Error`, /populate
 * excepted), a fresh `X-Toxiproxy-Request-Id` on each routed request, 403 for browsers
 * (a User-Agent starting `Mozilla/`), 301 to the clean path, 404 `404 page not found` and an
 * empty 405 outside the routes, PATCH and the deprecated POST for updates.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { populateBody, proxyCreateBody, proxyUpdateBody, toxicCreateBody, toxicUpdateBody } from './api-bodies.js';
import { errorText, populateText, proxyMapText, proxyText, toxicsText, toxicText } from './json-shapes.js';
import { newRequestId } from './request-id.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './toxiproxy-metrics.js';
import type { MetricsOptions } from './toxiproxy-metrics.js';
import { BadRequestBodyError, ToxiproxyApiError } from './toxiproxy-errors.js';
import { PopulateError } from './toxiproxy-state.js';
import type { ToxiproxyState } from './toxiproxy-state.js';
import { TOXIPROXY_VERSION } from './toxiproxy-version.js';

/** What the API serves beyond Toxiproxy's defaults. */
export interface ToxiproxyApiOptions {
  /** Serve `/metrics` (404 otherwise, as Toxiproxy without its metrics flags). */
  readonly metrics?: MetricsOptions;
}

/** The largest request body read (Toxiproxy has no limit; a proxy list of this size would hold ~100,000 proxies). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One routed request. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path's variables: proxy name, toxic name. */
  readonly params: readonly string[];
}

type Handler = (exchange: Exchange) => Promise<void> | void;

interface Route {
  readonly pattern: RegExp;
  /** Handlers by method; `*` answers any method. */
  readonly methods: Readonly<Record<string, Handler>>;
}

/**
 * A `node:http` request listener serving Toxiproxy's API for `state`.
 *
 * @example
 * ```ts
 * const server = createServer(toxiproxyRequestHandler(new ToxiproxyState()));
 * server.listen(8474, '127.0.0.1');
 * ```
 */
export function toxiproxyRequestHandler(state: ToxiproxyState, options: ToxiproxyApiOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = routesOf(state, options);
  return (req, res) => {
    void serve(routes, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, `${(error as Error)?.message ?? String(error)}\n`);
      else res.destroy();
    });
  };
}

async function serve(routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = req.url ?? '/';
  const queryAt = raw.indexOf('?');
  const rawPath = queryAt < 0 ? raw : raw.slice(0, queryAt);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    sendText(res, 400, '400 Bad Request');
    return;
  }
  const clean = cleanPath(path);
  if (clean !== path) {
    res.writeHead(301, { Location: clean + (queryAt < 0 ? '' : raw.slice(queryAt)) }).end();
    return;
  }
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const handler = route.methods[req.method ?? 'GET'] ?? route.methods['*'];
    if (handler === undefined) {
      res.writeHead(405).end();
      return;
    }
    res.setHeader('X-Toxiproxy-Request-Id', newRequestId());
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      sendText(res, 403, 'User agent not allowed\n');
      return;
    }
    try {
      await handler({ req, res, params: match.slice(1) });
    } catch (error) {
      if (!(error instanceof ToxiproxyApiError)) throw error;
      sendText(res, error.status, `${errorText(error.message, error.status)}\n`);
    }
    return;
  }
  sendText(res, 404, '404 page not found\n');
}

/** A handler in the route table: it answers itself, or returns {@link noContent}. */
type TableHandler = (exchange: Exchange) => unknown;

function routesOf(state: ToxiproxyState, options: ToxiproxyApiOptions): Route[] {
  const routes: Array<{ pattern: RegExp; methods: Record<string, TableHandler> }> = [
    { pattern: /^\/reset$/, methods: { POST: () => state.reset().then(() => noContent) } },
    {
      pattern: /^\/proxies$/,
      methods: {
        GET: ({ res }) => sendJson(res, 200, proxyMapText(state.listProxies())),
        POST: async ({ req, res }) => sendJson(res, 201, proxyText(await state.createProxy(proxyCreateBody(await readBody(req))))),
      },
    },
    { pattern: /^\/populate$/, methods: { POST: populate(state) } },
    {
      pattern: /^\/proxies\/([^/]+)$/,
      methods: {
        GET: ({ res, params }) => sendJson(res, 200, proxyText(state.getProxy(params[0]))),
        POST: updateProxy(state),
        PATCH: updateProxy(state),
        DELETE: async ({ params }) => {
          await state.deleteProxy(params[0]);
          return noContent;
        },
      },
    },
    {
      pattern: /^\/proxies\/([^/]+)\/toxics$/,
      methods: {
        GET: ({ res, params }) => sendJson(res, 200, toxicsText(state.listToxics(params[0]))),
        POST: async ({ req, res, params }) => {
          state.getProxy(params[0]);
          sendJson(res, 200, toxicText(state.addToxic(params[0], toxicCreateBody(await readBody(req)))));
        },
      },
    },
    {
      pattern: /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
      methods: {
        GET: ({ res, params }) => sendJson(res, 200, toxicText(state.getToxic(params[0], params[1]))),
        POST: updateToxic(state),
        PATCH: updateToxic(state),
        DELETE: ({ params }) => {
          state.removeToxic(params[0], params[1]);
          return noContent;
        },
      },
    },
    { pattern: /^\/version$/, methods: { GET: ({ res }) => sendBody(res, 200, 'application/json;charset=utf-8', `{"version": "${TOXIPROXY_VERSION}"}\n`) } },
  ];
  if (options.metrics?.proxy || options.metrics?.runtime) {
    const metrics = options.metrics;
    routes.push({ pattern: /^\/metrics$/, methods: { '*': ({ res }) => sendBody(res, 200, METRICS_CONTENT_TYPE, renderMetrics(metrics, () => state.traffic())) } });
  }
  return routes.map((route) => ({ pattern: route.pattern, methods: withNoContent(route.methods) }));
}

/** A handler's way of saying "204, no body". */
const noContent = Symbol('no content');

/** Handlers that return {@link noContent} answer 204. */
function withNoContent(methods: Readonly<Record<string, TableHandler>>): Record<string, Handler> {
  const wrapped: Record<string, Handler> = {};
  for (const [method, handler] of Object.entries(methods)) {
    wrapped[method] = async (exchange) => {
      if ((await handler(exchange)) === noContent) exchange.res.writeHead(204).end();
    };
  }
  return wrapped;
}

function updateProxy(state: ToxiproxyState): Handler {
  return async ({ req, res, params }) => {
    state.getProxy(params[0]);
    sendJson(res, 200, proxyText(await state.updateProxy(params[0], proxyUpdateBody(await readBody(req)))));
  };
}

function updateToxic(state: ToxiproxyState): Handler {
  return async ({ req, res, params }) => {
    const toxic = state.getToxic(params[0], params[1]);
    sendJson(res, 200, toxicText(state.updateToxic(params[0], params[1], toxicUpdateBody(await readBody(req), toxic.type))));
  };
}

/** /populate answers its errors as JSON with the proxies handled before the failure (`null` when none). */
function populate(state: ToxiproxyState): Handler {
  return async ({ req, res }) => {
    try {
      sendJson(res, 201, populateText(await state.populate(populateBody(await readBody(req)))));
    } catch (error) {
      if (error instanceof PopulateError) sendJson(res, error.failure.status, populateText(error.proxies, error.failure));
      else if (error instanceof ToxiproxyApiError) sendJson(res, error.status, populateText([], error));
      else throw error;
    }
  };
}

/** The request body as text, at most {@link MAX_BODY_BYTES}. */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequestBodyError('http: request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The path gorilla/mux routes on: Go's `path.Clean` (no `//`, `.` or `..`), keeping a
 * trailing slash; a request elsewhere is redirected there.
 */
function cleanPath(path: string): string {
  if (path === '') return '/';
  return posix.normalize(path.startsWith('/') ? path : `/${path}`);
}

function sendJson(res: ServerResponse, status: number, json: string): void {
  sendBody(res, status, 'application/json', json);
}

function sendBody(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/** Go's `http.Error`: plain text, no sniffing. */
function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
