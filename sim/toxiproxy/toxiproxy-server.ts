/**
 * A Toxiproxy-compatible server in this process: the HTTP API on `host:port` over a
 * {@link ToxiproxyState}, for the `faultline toxiproxy` command, tests and live mode.
 *
 * @example
 * ```ts
 * const server = await startToxiproxyServer({ port: 0, seed: 7 });
 * const toxiproxy = new Toxiproxy(server.url); // toxiproxy-node-client, unchanged
 * // … or server.state.createProxy(…) from code …
 * await server.close(); // listeners, proxies and connections: nothing left open
 * ```
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { joinHostPort } from './listen-address.js';
import { toxiproxyRequestHandler } from './toxiproxy-api.js';
import type { MetricsOptions } from './toxiproxy-metrics.js';
import { ToxiproxyState } from './toxiproxy-state.js';
import type { ToxiproxyStateOptions } from './toxiproxy-state.js';

/** Where and how the server runs. */
export interface ToxiproxyServerOptions extends ToxiproxyStateOptions {
  /** Interface for the API; default `127.0.0.1`. */
  readonly host?: string;
  /** Port for the API; default 8474 (Toxiproxy's); 0 picks a free one. */
  readonly port?: number;
  /** Serve `/metrics`; off by default, as in Toxiproxy. */
  readonly metrics?: MetricsOptions;
  /** Serve this state instead of a new one (its randomness options are then its own); closed with the server. */
  readonly state?: ToxiproxyState;
}

/** A running server. */
export interface ToxiproxyServer {
  /** The API's base URL, e.g. `http://127.0.0.1:8474`: what a Toxiproxy client takes. */
  readonly url: string;
  readonly host: string;
  /** The API's port (the one picked, with port 0). */
  readonly port: number;
  /** The proxies and toxics, to drive from code as well. */
  readonly state: ToxiproxyState;
  /** Stops the API and every proxy, closing all their connections. */
  close(): Promise<void>;
}

/** Toxiproxy's HTTP timeouts: 15 s to read a request, 60 s for an idle keep-alive connection. */
const READ_TIMEOUT_MS = 15_000;
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Starts the API listening.
 *
 * @throws the listen error (`EADDRINUSE`…) when the port cannot be had
 */
export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const state = options.state ?? new ToxiproxyState(options);
  const http = createServer({ requestTimeout: READ_TIMEOUT_MS, headersTimeout: READ_TIMEOUT_MS, keepAliveTimeout: IDLE_TIMEOUT_MS }, toxiproxyRequestHandler(state, { metrics: options.metrics }));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8474, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${joinHostPort(host, port)}`,
    host,
    port,
    state,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await state.close();
        await stopped;
      })()),
  };
}
