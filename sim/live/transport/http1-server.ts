import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Headers } from '../../../proxy-core/call/headers.js';
import type { PeerIdentity } from '../../../proxy-core/inbound/peer-identity.js';
import { connectionPeer } from '../identity/mesh-listener.js';
import type { InboundExchange, InstanceServer, ServeExchange } from './inbound-exchange.js';
import { openInstancePort, type InboundTls, type OpenPort } from './listen-loopback.js';

/** An HTTP/1.1 request and its response, as an {@link InboundExchange}. */
class Http1Exchange implements InboundExchange {
  readonly method: string;
  readonly path: string;
  readonly authority: string | null;
  readonly headers: Headers;
  readonly peer: PeerIdentity | null;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.peer = connectionPeer(req.socket)?.identity ?? null;
    this.method = req.method ?? 'GET';
    this.path = req.url ?? '/';
    this.authority = req.headers.host ?? null;
    this.headers = req.headers as Headers;
    req.resume(); // the body is not read: drain it
  }

  respond(status: number, headers: Readonly<Record<string, string>>, body: string): void {
    if (this.res.destroyed || this.res.headersSent) return;
    this.res.writeHead(status, headers).end(body);
  }

  reset(): void {
    this.res.destroy();
  }

  onAbandoned(listener: () => void): void {
    this.res.on('close', () => {
      if (!this.res.writableFinished) listener();
    });
  }
}

/**
 * An instance's HTTP/1.1 server on 127.0.0.1 (never another interface). With `tls`, its port
 * is a {@link MeshListener}, the sidecar's inbound listener: mTLS terminated by the
 * PeerAuthentication mode (STRICT, PERMISSIVE by the first byte, DISABLE), the client's
 * certificate checked, and the peer's identity on each request. It can crash — stop
 * listening and reset every connection, as a killed process does — and come back on the
 * same port, so its callers' pools find it again.
 */
export class Http1InstanceServer implements InstanceServer {
  private readonly server: Server;
  private open: OpenPort | null = null;
  private boundPort = 0;
  private listening = false;

  constructor(
    serve: ServeExchange,
    private readonly tls: InboundTls | null = null,
  ) {
    this.server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => serve(new Http1Exchange(req, res)));
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<void> {
    this.open = await openInstancePort(this.server, this.boundPort, this.tls);
    this.boundPort = this.open.port;
    this.listening = true;
  }

  crash(): void {
    if (!this.listening) return;
    this.listening = false;
    void this.open?.close();
    this.server.closeAllConnections();
  }

  async close(graceMs = 0): Promise<void> {
    this.listening = false;
    const closed = this.open?.close() ?? Promise.resolve();
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  }
}
