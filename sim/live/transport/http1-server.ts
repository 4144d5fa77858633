import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Headers } from '../../../proxy-core/call/headers.js';
import type { InboundExchange, InstanceServer, ServeExchange } from './inbound-exchange.js';

/** An HTTP/1.1 request and its response, as an {@link InboundExchange}. */
class Http1Exchange implements InboundExchange {
  readonly method: string;
  readonly path: string;
  readonly authority: string | null;
  readonly headers: Headers;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
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
 * An instance's HTTP/1.1 server on 127.0.0.1 (never another interface). It can crash — stop
 * listening and reset every connection, as a killed process does — and come back on the
 * same port, so its callers' pools find it again.
 */
export class Http1InstanceServer implements InstanceServer {
  private readonly server: Server;
  private boundPort = 0;
  private listening = false;

  constructor(serve: ServeExchange) {
    this.server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => serve(new Http1Exchange(req, res)));
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.boundPort, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  crash(): void {
    if (!this.listening) return;
    this.listening = false;
    this.server.close();
    this.server.closeAllConnections();
  }

  async close(graceMs = 0): Promise<void> {
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  }
}
