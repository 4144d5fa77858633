import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { PeerAuthMode } from '../../../proxy-core/identity/peer-authentication.js';
import { verifyPeer, type PeerAccepted } from './peer-verification.js';
import { failureCodeOf, type LiveHandshakeFailure } from './tls-failures.js';
import type { WorkloadTls } from './workload-tls.js';

// Istio: PERMISSIVE listeners tell mTLS from plaintext with Envoy's tls_inspector (a TLS
// record starts with content type 22, handshake); STRICT takes only mTLS, DISABLE only plaintext.

/** The first byte of a TLS record carrying a handshake message (ClientHello): content type 22. */
export const TLS_HANDSHAKE_RECORD = 0x16;

/** A connection the listener turned away, and why. */
export interface ConnectionRefusal {
  /** Why: the client's certificate failed a check, or it had none (plaintext to a STRICT server). */
  readonly failure: LiveHandshakeFailure;
  /** The stable `FL_TLS_…` code of `failure`. */
  readonly code: string;
  /** What was wrong, for logs. */
  readonly detail: string;
  /** `tls`: a TLS connection whose client certificate was refused; `plaintext`: refused for being plaintext. */
  readonly transport: 'tls' | 'plaintext';
}

/** Options of a {@link MeshListener}. */
export interface MeshListenerOptions {
  /** PeerAuthentication mode: STRICT (mTLS only), PERMISSIVE (both, by the first byte), DISABLE (plaintext only). */
  readonly mode: PeerAuthMode;
  /** The workload's TLS (server certificate, trust); required unless `mode` is DISABLE, with a certificate issued. */
  readonly tls?: WorkloadTls;
  /** ALPN protocols the TLS side offers: `['h2']` for node:http2 (it refuses a TLS socket without `h2`), none for node:http. */
  readonly ALPNProtocols?: string[];
  /**
   * Takes each admitted connection: a TLS socket whose client passed {@link verifyPeer}
   * (`peer` set), or a plaintext socket (`peer` null) with its first bytes still unread.
   * {@link serveWith} hands it to a node:http or node:http2 server.
   */
  readonly onConnection: (socket: Socket | TLSSocket, peer: PeerAccepted | null) => void;
  /** Hears refusals (the socket is destroyed already). */
  readonly onRefused?: (refusal: ConnectionRefusal) => void;
  /** Hears TLS errors before a verdict: a client that rejected our certificate, a broken handshake. */
  readonly onTlsError?: (error: Error) => void;
}

const PEER = Symbol('faultline.mesh-peer');

/**
 * The peer the listener verified on `socket`: its identity for the core's `InboundChain`,
 * or `null` for plaintext. Works on node:http's `req.socket` and node:http2's
 * `stream.session.socket` (a proxy that reads through to the TLS socket).
 */
export function connectionPeer(socket: Socket | TLSSocket): PeerAccepted | null {
  return (socket as { [PEER]?: PeerAccepted })[PEER] ?? null;
}

/** Anything that takes connections by its `connection` event: node:http's and node:http2's servers (plaintext `createServer`). */
export interface ConnectionSink {
  emit(event: 'connection', socket: Socket): boolean;
}

/**
 * An `onConnection` that hands every admitted socket, TLS or plaintext, to `server` as its
 * `connection` event. Verified on Node 20 for `http.createServer()` and for
 * `http2.createServer()`, which takes both plaintext h2c and the listener's TLS sockets (ALPN
 * `h2`): the TLS is already terminated here, so a secure server (`https`,
 * `http2.createSecureServer`) must not be used; its own `connection` event would start a
 * second handshake.
 */
export function serveWith(server: ConnectionSink): (socket: Socket | TLSSocket) => void {
  return (socket) => {
    server.emit('connection', socket);
  };
}

/**
 * A workload's inbound port as Istio's sidecar runs it: in PERMISSIVE mode it peeks at the
 * first byte of each connection and terminates TLS (0x16) with the workload's current
 * certificate, or passes plaintext through; STRICT closes plaintext connections; DISABLE takes
 * everything as plaintext without peeking. A TLS client must present a certificate that
 * passes {@link verifyPeer}, or the connection is closed and {@link ConnectionRefusal}
 * reported. After a rotation, new connections get the new certificate. No session tickets
 * (see `LIVE_TLS_SECURE_OPTIONS`). Use {@link MeshListener.listen}, or {@link
 * MeshListener.accept} from a server of your own.
 *
 * Not modelled: a sniffing timeout (a client that sends nothing holds its socket until it or
 * {@link MeshListener.close} ends it), and Envoy's split of TLS by ALPN (in PERMISSIVE, a TLS
 * client without Istio's ALPN is passed through to the application; here every TLS client
 * must do mTLS).
 */
export class MeshListener {
  /** The net server {@link MeshListener.listen} listens on. */
  readonly server: NetServer;
  /** Connections admitted, by transport. */
  readonly admitted = { tls: 0, plaintext: 0 };
  /** Connections refused. */
  refused = 0;
  private readonly options: MeshListenerOptions;
  private readonly tlsServer: TlsServer | null;
  private readonly sockets = new Set<Socket>();
  private unsubscribe: () => void = ignore;

  /**
   * Creates the listener (not listening yet).
   *
   * @throws Error if `mode` needs TLS and `tls` is absent or has no certificate yet (await its `ready()`).
   */
  constructor(options: MeshListenerOptions) {
    this.options = options;
    this.tlsServer = options.mode === 'DISABLE' ? null : this.createTlsServer();
    this.server = createNetServer({ noDelay: true }, (socket) => this.accept(socket)); // no Nagle: small answers go out at once
  }

  /** Listens on `host:port` (default an ephemeral port on 127.0.0.1); resolves with the address. */
  listen(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops listening and destroys every connection it took; resolves once the server is closed. */
  close(): Promise<void> {
    this.unsubscribe();
    return new Promise((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  /** Takes one raw TCP connection: peeks, then admits or refuses it. */
  accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', ignore); // reported by whoever reads the socket; a reset before the first byte is nobody's
    if (this.options.mode === 'DISABLE') return this.admitPlaintext(socket);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === TLS_HANDSHAKE_RECORD) this.handshake(socket);
      else if (this.options.mode === 'PERMISSIVE') this.admitPlaintext(socket);
      else this.refuse(socket, { failure: 'no-client-certificate', code: failureCodeOf('no-client-certificate'), detail: 'plaintext connection to a STRICT port', transport: 'plaintext' });
    });
  }

  private admitPlaintext(socket: Socket): void {
    this.admitted.plaintext += 1;
    this.options.onConnection(socket, null);
    process.nextTick(() => socket.resume());
  }

  private handshake(socket: Socket): void {
    this.options.tls!.refresh(); // a rotation since the last connection swaps the context first
    this.tlsServer!.emit('connection', socket);
  }

  private onSecureConnection(socket: TLSSocket): void {
    const tls = this.options.tls!;
    const verdict = verifyPeer(socket, { trust: tls.trust, peer: 'client' }, tls.clock.epochMs());
    if (!verdict.ok) {
      socket.destroy();
      return this.refuse(null, { failure: verdict.failure, code: verdict.code, detail: verdict.detail, transport: 'tls' });
    }
    (socket as { [PEER]?: PeerAccepted })[PEER] = verdict;
    this.admitted.tls += 1;
    this.options.onConnection(socket, verdict);
  }

  private refuse(socket: Socket | null, refusal: ConnectionRefusal): void {
    socket?.destroy();
    this.refused += 1;
    this.options.onRefused?.(refusal);
  }

  private createTlsServer(): TlsServer {
    const tls = this.options.tls;
    const context = tls?.serverContextOptions();
    if (tls === undefined || context == null) {
      throw new Error(`mesh listener: mode ${this.options.mode} needs a workload TLS with a certificate (await its ready())`);
    }
    const server = createTlsServer({ ...context, requestCert: true, rejectUnauthorized: false, ALPNProtocols: this.options.ALPNProtocols });
    this.unsubscribe = tls.onChange(() => server.setSecureContext(tls.serverContextOptions()!));
    server.on('secureConnection', (socket: TLSSocket) => this.onSecureConnection(socket));
    server.on('tlsClientError', (error: Error) => this.options.onTlsError?.(error));
    return server;
  }
}

function ignore(): void {}
