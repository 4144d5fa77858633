import type { AddressInfo, Server } from 'node:net';
import type { MeshListenerOptions } from '../identity/mesh-listener.js';

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
