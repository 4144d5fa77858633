/**
 * A client connection through a proxy and its connection to the upstream: two links, one
 * per direction. An end of input is passed on as a half-close (FIN) after what the toxics
 * hold, so a client that shuts down its sending side still gets its answer. A toxic closing
 * the connection (limit_data, timeout), or a socket failing, closes both sockets once what
 * is already on its way is written, as Toxiproxy closes both; reset_peer resets both; a
 * disabled or deleted proxy destroys both at once.
 */
import type { Socket } from 'node:net';
import type { Rng } from '../../proxy-core/clock/rng.js';
import type { ToxicCollection } from './toxic-collection.js';
import type { Direction } from './toxic-definition.js';
import { ToxicLink } from './toxic-link.js';
import type { LinkHost } from './toxic-link.js';

/** How long a closing socket may take to write out what it holds before it is destroyed anyway (a peer that stopped reading). */
const FLUSH_TIMEOUT_MS = 10_000;

/** Bytes one direction of a connection has moved: read from its source, written to its destination. */
export interface DirectionBytes {
  readonly received: number;
  readonly sent: number;
}

/** What a connection tells its proxy. */
export interface ConnectionOwner {
  /** Both sockets are closed (or destroyed): the connection is gone. */
  connectionClosed(connection: ProxyConnection): void;
}

/** A client connection and its upstream connection. */
export class ProxyConnection implements LinkHost {
  private links: ToxicLink[] = [];
  private toxics: ToxicCollection | null = null;
  private fullClose = false;
  private openSockets = 2;
  private done = false;
  private readonly flushing = new Set<Socket>();

  constructor(
    private readonly owner: ConnectionOwner,
    readonly client: Socket,
    readonly upstream: Socket,
  ) {
    for (const socket of [client, upstream]) {
      socket.on('error', ignoreError);
      socket.once('close', () => this.socketClosed());
    }
  }

  /** The upstream is connected: starts both links with the proxy's toxics as they are now. */
  start(toxics: ToxicCollection, rng: Rng): void {
    if (this.done) return;
    this.toxics = toxics;
    this.links = [new ToxicLink('upstream', this.client, this.upstream, rng, this), new ToxicLink('downstream', this.upstream, this.client, rng, this)];
    for (const link of this.links) {
      link.start(toxics.chain(link.direction));
      toxics.attach(link);
    }
  }

  /** Bytes moved so far in each direction. */
  bytes(): Record<Direction, DirectionBytes> {
    return {
      upstream: { received: this.client.bytesRead, sent: this.upstream.bytesWritten },
      downstream: { received: this.upstream.bytesRead, sent: this.client.bytesWritten },
    };
  }

  /** Destroys both sockets now (the proxy is disabled or deleted). */
  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.finish();
  }

  linkFinished(link: ToxicLink): void {
    if (this.fullClose) this.closeWhenFlushed(link.dest);
    else if (!link.dest.destroyed) link.dest.end();
  }

  closeConnection(): void {
    if (this.fullClose || this.done) return;
    this.fullClose = true;
    for (const link of this.links) {
      if (link.finished) this.closeWhenFlushed(link.dest);
      else link.endInput(true);
    }
  }

  resetConnection(): void {
    if (this.done) return;
    for (const socket of [this.client, this.upstream]) if (!socket.destroyed) socket.resetAndDestroy();
    this.finish();
  }

  private socketClosed(): void {
    this.openSockets--;
    if (this.links.length === 0) this.destroy(); // before the upstream connected: nothing to pass on
    else if (this.openSockets > 0) this.closeConnection();
    else this.finish();
  }

  /** Ends `socket` and destroys it once its writes are out (at most {@link FLUSH_TIMEOUT_MS} later). */
  private closeWhenFlushed(socket: Socket): void {
    if (socket.destroyed || this.flushing.has(socket)) return;
    this.flushing.add(socket);
    if (!socket.writableEnded) socket.end();
    if (socket.writableFinished) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => socket.destroy(), FLUSH_TIMEOUT_MS).unref();
    socket.once('finish', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const link of this.links) {
      link.dispose();
      this.toxics?.detach(link);
    }
    this.owner.connectionClosed(this);
  }
}

function ignoreError(): void {
  // A socket's failure shows as its 'close', handled there.
}
