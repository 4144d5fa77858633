import type { Headers } from '../../../proxy-core/call/headers.js';
import type { PeerIdentity } from '../../../proxy-core/inbound/peer-identity.js';

/**
 * One request as an instance's server received it, whatever the protocol: what the
 * callee's sidecar reads, and how it answers. HTTP/1.1 (node:http) implements it here; an
 * HTTP/2 stream or a gRPC call implements the same, so the mesh serves every protocol with
 * one code path.
 */
export interface InboundExchange {
  readonly method: string;
  /** The path (`/package.Service/Method` for gRPC). */
  readonly path: string;
  readonly authority: string | null;
  /** Request headers (gRPC metadata), names in lower case. */
  readonly headers: Headers;
  /** Who the connection's client certificate says the caller is; null over plaintext. */
  readonly peer: PeerIdentity | null;
  /**
   * Answers with an HTTP status (a gRPC transport sends the gRPC status it maps to), the
   * given response headers and a short body. Ignored once answered or reset.
   */
  respond(status: number, headers: Readonly<Record<string, string>>, body: string): void;
  /** Resets the stream or the connection without an answer (the instance crashed). */
  reset(): void;
  /** Calls `listener` once if the caller goes away before the answer. */
  onAbandoned(listener: () => void): void;
}

/** Serves one exchange: the mesh's entry point on the server side of every transport. */
export type ServeExchange = (exchange: InboundExchange) => void;

/** An instance's server, whatever the protocol: it can crash and come back on its port. */
export interface InstanceServer {
  /** The port it listens on (0 before the first `listen`). */
  readonly port: number;
  /** Listens on 127.0.0.1: a free port the first time, the same one after a crash. */
  listen(): Promise<void>;
  /** Stops listening and resets every connection at once (a crash). */
  crash(): void;
  /** Stops for good: idle connections closed, the rest reset after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}
