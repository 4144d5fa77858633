import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves one request. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * An instance's HTTP/1.1 server on 127.0.0.1 (never another interface). It can crash — stop
 * listening and reset every connection, as a killed process does — and come back on the
 * same port, so its callers' pools find it again.
 */
export class InstanceServer {
  private readonly server: Server;
  private boundPort = 0;
  private listening = false;

  constructor(listener: RequestListener) {
    this.server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, listener);
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  /** The port it listens on (0 before the first {@link InstanceServer.listen}). */
  get port(): number {
    return this.boundPort;
  }

  /** Listens on 127.0.0.1: a free port the first time, the same one after a crash. */
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

  /** Stops listening and resets every connection at once (a crash). */
  crash(): void {
    if (!this.listening) return;
    this.listening = false;
    this.server.close();
    this.server.closeAllConnections();
  }

  /** Stops for good: no new connection, idle ones closed, the rest reset after `graceMs`. */
  async close(graceMs = 0): Promise<void> {
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  }
}
