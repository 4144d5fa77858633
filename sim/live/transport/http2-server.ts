import { constants, createServer, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Headers } from '../../../proxy-core/call/headers.js';
import type { PeerIdentity } from '../../../proxy-core/inbound/peer-identity.js';
import { connectionPeer } from '../identity/mesh-listener.js';
import type { InboundExchange, InstanceServer, ServeExchange } from './inbound-exchange.js';
import { openInstancePort, type InboundTls, type OpenPort } from './listen-loopback.js';

const { NGHTTP2_INTERNAL_ERROR } = constants;
const ignore = (): void => {};

/** An HTTP/2 stream and its response, as an {@link InboundExchange}. */
class Http2Exchange implements InboundExchange {
  readonly method: string;
  readonly path: string;
  readonly authority: string | null;
  /** The request headers without the pseudo-headers (`:method`, `:path`… are the fields above). */
  readonly headers: Headers;
  /** The caller's identity from its certificate (mTLS), null over plaintext. */
  readonly peer: PeerIdentity | null;

  constructor(
    private readonly stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
  ) {
    // REQUIRED: a stream reset by the peer or closed with a code emits 'error', which would
    // otherwise crash the process.
    stream.on('error', ignore);
    const socket = stream.session?.socket;
    this.peer = socket ? (connectionPeer(socket)?.identity ?? null) : null;
    this.method = headers[':method'] ?? 'GET';
    this.path = headers[':path'] ?? '/';
    this.authority = headers[':authority'] ?? null;
    const plain: Record<string, string | readonly string[]> = {};
    for (const name in headers) {
      const value = headers[name];
      if (name.charCodeAt(0) !== 58 /* : */ && value !== undefined) plain[name] = value;
    }
    this.headers = plain;
    stream.resume(); // the body is not read: drain it
  }

  respond(status: number, headers: Readonly<Record<string, string>>, body: string): void {
    const stream = this.stream;
    if (stream.destroyed || stream.closed || stream.headersSent) return;
    stream.respond({ ...headers, ':status': status });
    stream.end(body);
  }

  /** Resets the stream (RST_STREAM INTERNAL_ERROR): the caller sees a reset, its other streams go on. */
  reset(): void {
    if (!this.stream.closed) this.stream.close(NGHTTP2_INTERNAL_ERROR);
  }

  onAbandoned(listener: () => void): void {
    // 'aborted': the peer reset the stream (or its session went) before the answer ended.
    this.stream.once('aborted', listener);
  }
}

/**
 * An instance's HTTP/2 server on 127.0.0.1: cleartext with prior knowledge (h2c), or, with
 * `tls`, behind a {@link MeshListener} that terminates mTLS (ALPN `h2`) by the
 * PeerAuthentication mode and hands the peer's identity to each stream — PERMISSIVE takes
 * h2c and mTLS on one port, as Istio's sidecar does. Like the HTTP/1.1 server it can crash —
 * stop listening and destroy every session, so callers' streams reset and new connections
 * are refused — and come back on the same port.
 */
export class Http2InstanceServer implements InstanceServer {
  private readonly server: Http2Server;
  private readonly sessions = new Set<Http2Session>();
  private open: OpenPort | null = null;
  private boundPort = 0;
  private listening = false;

  constructor(
    serve: ServeExchange,
    private readonly tls: InboundTls | null = null,
  ) {
    this.server = createServer();
    this.server.on('session', (session) => {
      session.on('error', ignore);
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    this.server.on('sessionError', ignore);
    this.server.on('stream', (stream, headers) => serve(new Http2Exchange(stream, headers)));
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<void> {
    this.open = await openInstancePort(this.server, this.boundPort, this.tls, ['h2']);
    this.boundPort = this.open.port;
    this.listening = true;
  }

  crash(): void {
    if (!this.listening) return;
    this.listening = false;
    void this.open?.close();
    this.destroySessions();
  }

  async close(graceMs = 0): Promise<void> {
    this.listening = false;
    const closed = this.open?.close() ?? Promise.resolve();
    for (const session of this.sessions) session.close();
    const timer = setTimeout(() => this.destroySessions(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  private destroySessions(): void {
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
  }
}
