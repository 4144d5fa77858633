import type { AddressInfo, Server } from 'node:net';
import { MeshListener, serveWith, type MeshListenerOptions } from '../identity/mesh-listener.js';

/** How an instance's port terminates mTLS: its PeerAuthentication mode and its workload's TLS. */
export type InboundTls = Pick<MeshListenerOptions, 'mode' | 'tls'>;

/**
 * Listens with `server` (node:net, node:http or node:http2) on 127.0.0.1 — never another
 * interface — at `port` (0: a free one); resolves with the port bound.
 */
export function listenLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** An instance server's open port: the number bound, and how to close it. */
export interface OpenPort {
  readonly port: number;
  /** Stops listening (the mesh listener also destroys the connections it took); resolves once closed. */
  close(): Promise<void>;
}

/**
 * Opens the port of an instance's `server` on 127.0.0.1 at `port` (0: a free one): behind a
 * {@link MeshListener}, the sidecar's inbound listener that terminates mTLS and hands the
 * server its connections, when `tls` is given (with `alpn`, e.g. `['h2']`); else the
 * server's own, in plaintext.
 */
export async function openInstancePort(server: Server, port: number, tls: InboundTls | null, alpn?: string[]): Promise<OpenPort> {
  if (tls === null) {
    const bound = await listenLoopback(server, port);
    return { port: bound, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
  const listener = new MeshListener({ ...tls, ...(alpn ? { ALPNProtocols: alpn } : {}), onConnection: serveWith(server) });
  const { port: bound } = await listener.listen(port);
  return { port: bound, close: () => listener.close() };
}
