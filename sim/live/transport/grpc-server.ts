import { Metadata, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Socket } from 'node:net';
import { GRPC_STATUS } from '../../../proxy-core/call/grpc-status.js';
import type { Headers } from '../../../proxy-core/call/headers.js';
import type { PeerIdentity } from '../../../proxy-core/inbound/peer-identity.js';
import { MeshListener } from '../identity/mesh-listener.js';
import type { PeerAccepted } from '../identity/peer-verification.js';
import { ECHO_SERVICE, encodePayload } from './grpc-echo.js';
import type { InboundExchange, InstanceServer, ServeExchange } from './inbound-exchange.js';
import type { InboundTls } from './listen-loopback.js';
import { grpcStatusOfHttp } from './protocol-status.js';
import { LOCAL_REPLY_CAUSE } from './wire-headers.js';

/** Response headers the gRPC transport sets itself, not carried into the trailing metadata. */
const OWN_HEADERS = new Set(['content-type']);

/** Metadata as the core reads headers: names in lower case, binary (`-bin`) values in base64. */
export function headersOfMetadata(metadata: Metadata): Headers {
  const out: Record<string, string | readonly string[]> = {};
  const all = metadata.toJSON();
  for (const name in all) {
    const values = all[name].map((v) => (typeof v === 'string' ? v : v.toString('base64')));
    if (values.length > 0) out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** A unary gRPC call and its answer, as an {@link InboundExchange}. */
class GrpcExchange implements InboundExchange {
  readonly method = 'POST';
  readonly path: string;
  readonly authority: string | null;
  readonly headers: Headers;
  /** The caller's identity from its certificate (mTLS), null over plaintext. */
  readonly peer: PeerIdentity | null;
  private answered = false;

  constructor(
    private readonly call: ServerUnaryCall<Buffer, Buffer>,
    private readonly callback: sendUnaryData<Buffer>,
    peer: PeerIdentity | null,
  ) {
    this.peer = peer;
    this.path = call.getPath();
    this.authority = call.getHost() || null;
    this.headers = headersOfMetadata(call.metadata);
  }

  /**
   * Answers with the gRPC status `status` maps to (protocol-status.ts); `headers` go in the
   * trailing metadata (a trailers-only response for a failure), `body` is the response's
   * `Payload` on OK and the status message otherwise.
   */
  respond(status: number, headers: Readonly<Record<string, string>>, body: string): void {
    if (this.answered || this.call.cancelled) return;
    this.answered = true;
    const code = grpcStatusOfHttp(status);
    const trailers = new Metadata();
    for (const name in headers) if (!OWN_HEADERS.has(name)) trailers.set(name, headers[name]);
    if (code === GRPC_STATUS.OK) this.callback(null, encodePayload(Buffer.from(body)), trailers);
    else this.callback({ code, details: body, metadata: trailers });
  }

  /**
   * grpc-js gives a server no way to reset one stream: the sidecar answers UNAVAILABLE and
   * states the cause `reset`, which the caller's `GrpcUpstream` reads as a transport reset.
   * In a crash the server's sessions are destroyed right after, which the caller reads as a
   * reset too, whichever arrives.
   */
  reset(): void {
    this.respond(503, { [LOCAL_REPLY_CAUSE]: 'reset' }, 'reset');
  }

  onAbandoned(listener: () => void): void {
    // grpc-js emits 'cancelled' when the stream closes, answered or not: only a close before the answer counts.
    this.call.on('cancelled', () => {
      if (!this.answered) listener();
    });
  }
}

/** Server options: no limits of grpc-js's own get in the way of the scenario's. */
const SERVER_OPTIONS = { 'grpc.max_concurrent_streams': 1_000_000 };

/** `address:port` of a socket's far end, as grpc-js's `call.getPeer()` spells it for IPv4. */
function peerKey(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/**
 * An instance's gRPC server on 127.0.0.1 (grpc-js, the one method of faultline-echo.proto).
 * Plaintext, it binds its own port. With `tls`, a {@link MeshListener} owns the port and
 * terminates mTLS by the PeerAuthentication mode (PERMISSIVE: h2c and mTLS on one port);
 * each admitted socket is injected into grpc-js (`createConnectionInjector`), and a call's
 * peer identity is found by the connection's far address, which grpc-js gives as
 * `getPeer()`. A crash is `forceShutdown` — listeners closed, every session destroyed, so
 * callers' calls reset and new connections are refused — and the instance comes back with a
 * new `grpc.Server` on the same port (a shut-down grpc-js server cannot bind again).
 */
export class GrpcInstanceServer implements InstanceServer {
  private server: Server | null = null;
  private listener: MeshListener | null = null;
  /** The verified peer of each TLS connection the listener admitted, by {@link peerKey}. */
  private readonly peers = new Map<string, PeerAccepted>();
  private boundPort = 0;

  constructor(
    private readonly serve: ServeExchange,
    private readonly tls: InboundTls | null = null,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<void> {
    const server = new Server(SERVER_OPTIONS);
    server.addService(ECHO_SERVICE, {
      Call: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        const peer = this.tls === null ? null : (this.peers.get(call.getPeer())?.identity ?? null);
        this.serve(new GrpcExchange(call, callback, peer));
      },
    });
    if (this.tls !== null) return this.listenBehindMeshListener(server, this.tls);
    try {
      this.boundPort = await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${this.boundPort}`, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
      );
    } catch (error) {
      server.forceShutdown();
      throw error;
    }
    this.server = server;
  }

  private async listenBehindMeshListener(server: Server, tls: InboundTls): Promise<void> {
    // The TLS is terminated by the listener: grpc-js gets plaintext HTTP/2 over the TLS socket.
    const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
    const listener = new MeshListener({
      ...tls,
      ALPNProtocols: ['h2'],
      onConnection: (socket, peer) => {
        if (peer !== null) {
          const key = peerKey(socket);
          this.peers.set(key, peer);
          socket.once('close', () => this.peers.delete(key));
        }
        injector.injectConnection(socket);
      },
    });
    this.boundPort = (await listener.listen(this.boundPort)).port;
    this.listener = listener;
    this.server = server;
  }

  crash(): void {
    void this.listener?.close();
    this.listener = null;
    this.server?.forceShutdown();
    this.server = null;
  }

  async close(graceMs = 0): Promise<void> {
    const server = this.server;
    this.server = null;
    const listener = this.listener;
    this.listener = null;
    if (listener !== null) await listener.close();
    if (server === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
