/**
 * One proxy (Toxiproxy's `Proxy`): a TCP listener whose every accepted connection is dialled
 * through to the upstream and piped both ways through the proxy's toxics. Disabling it closes
 * the listener and every open connection; enabling it listens again. The upstream is not
 * checked when the proxy is made: a connection whose upstream cannot be reached is closed
 * once accepted, as Toxiproxy does.
 */
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Rng } from '../../proxy-core/clock/rng.js';
import type { ProxyJson } from './json-shapes.js';
import { listenOn, resolveAddress, splitHostPort } from './listen-address.js';
import { ProxyConnection } from './proxy-connection.js';
import type { ConnectionOwner } from './proxy-connection.js';
import { ToxicCollection } from './toxic-collection.js';
import type { TrafficCount, TrafficCounters, TrafficLabels } from './traffic-counters.js';

/** Where a proxy listens, where it connects to, and whether it is on. */
export interface ProxySettings {
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

/** A proxy: its listener, its open connections and its toxics. */
export class TcpProxy implements ConnectionOwner {
  /** The bound address while enabled (`127.0.0.1:40211`); as given while disabled. */
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics = new ToxicCollection();
  private server: Server | null = null;
  private readonly connections = new Map<ProxyConnection, TrafficLabels>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly rng: Rng,
    private readonly counters: TrafficCounters,
  ) {
    this.listen = listen;
    this.upstream = upstream;
  }

  /**
   * Starts listening; `listen` becomes the bound address. Does nothing when enabled already.
   *
   * @throws {@link ProxyListenError} when the address is malformed or taken
   */
  async start(): Promise<void> {
    if (this.enabled) return;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) => this.accept(client));
    this.listen = await listenOn(server, this.listen);
    this.server = server;
    this.enabled = true;
  }

  /** Stops listening and destroys every open connection. */
  stop(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.server?.close();
    this.server = null;
    for (const connection of [...this.connections.keys()]) connection.destroy();
  }

  /**
   * Applies `settings` as Toxiproxy's `Proxy.Update` does: a new listen address (compared
   * once resolved, so `localhost:P` is `127.0.0.1:P`) or upstream stops the proxy and takes
   * the new values; then it is started or stopped to match `enabled`. If listening fails the
   * proxy stays disabled with the new address stored.
   *
   * @throws {@link ProxyListenError}
   */
  async update(settings: ProxySettings): Promise<void> {
    if (await this.differs(settings)) {
      this.stop();
      this.listen = settings.listen;
      this.upstream = settings.upstream;
    }
    if (settings.enabled === this.enabled) return;
    if (settings.enabled) await this.start();
    else this.stop();
  }

  /**
   * Whether `settings` name another listen address or upstream than the proxy's.
   *
   * @throws {@link ProxyListenError} when the listen address cannot be resolved
   */
  async differs(settings: Pick<ProxySettings, 'listen' | 'upstream'>): Promise<boolean> {
    return this.listen !== (await resolveAddress(settings.listen)) || this.upstream !== settings.upstream;
  }

  /** The proxy as the API shows it. */
  toJson(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      Logger: {},
      toxics: this.toxics.list().map((toxic) => toxic.toJson()),
    };
  }

  /** Bytes of the open connections. */
  *liveTraffic(): Iterable<TrafficCount> {
    for (const [connection, labels] of this.connections) yield { labels, bytes: connection.bytes() };
  }

  connectionClosed(connection: ProxyConnection): void {
    const labels = this.connections.get(connection);
    if (labels === undefined) return;
    this.connections.delete(connection);
    this.counters.add(labels, connection.bytes());
  }

  private accept(client: Socket): void {
    let target: { host: string; port: number };
    try {
      target = splitHostPort(this.upstream);
    } catch {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.host === '' ? 'localhost' : target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    const connection = new ProxyConnection(this, client, upstream);
    this.connections.set(connection, { proxy: this.name, listener: this.listen, upstream: this.upstream });
    upstream.once('connect', () => connection.start(this.toxics, this.rng));
  }
}
