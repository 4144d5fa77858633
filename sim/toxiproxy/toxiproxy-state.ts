/**
 * Every proxy and toxic of a Toxiproxy-compatible server, operated from code: the HTTP API
 * (toxiproxy-api.ts) is a thin layer over this, and live mode drives it directly. Each
 * operation behaves as its endpoint does in Toxiproxy 2.12 — the same defaults, checks in the
 * same order, the same errors ({@link ToxiproxyApiError} subclasses carrying the HTTP status).
 *
 * @example
 * ```ts
 * const state = new ToxiproxyState({ seed: 42 });
 * const proxy = await state.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: '127.0.0.1:6379' });
 * state.addToxic('redis', { type: 'latency', attributes: { latency: 100, jitter: 10 } }); // every connection, open ones too
 * // … connect to proxy.listen …
 * state.removeToxic('redis', 'latency_downstream');
 * await state.close();
 * ```
 */
import type { ProxyJson, ToxicJson } from './json-shapes.js';
import { TcpProxy } from './tcp-proxy.js';
import type { ToxicChanges, ToxicInput } from './toxic-definition.js';
import { toxiproxyRng } from './toxiproxy-rng.js';
import type { RandomnessOptions } from './toxiproxy-rng.js';
import { MissingFieldError, ProxyExistsError, ProxyNotFoundError, ToxicNotFoundError, ToxiproxyApiError } from './toxiproxy-errors.js';
import { TrafficCounters } from './traffic-counters.js';
import type { TrafficCount } from './traffic-counters.js';
import type { Rng } from '../../proxy-core/clock/rng.js';

/** A proxy to create. */
export interface ProxyInput {
  /** Unique; required. */
  readonly name: string;
  /**
   * `host:port` to listen on; port 0 picks a free one. `localhost:0` is reported as
   * `127.0.0.1:40211` once listening. An empty host (`:0`, or `''` as Toxiproxy allows)
   * listens on every interface.
   */
  readonly listen: string;
  /** `host:port` to connect each accepted connection to; required, not checked until a connection comes. */
  readonly upstream: string;
  /** Listen at once; default true. */
  readonly enabled?: boolean;
}

/** A change to a proxy: what is not given keeps its value. */
export interface ProxyChanges {
  readonly listen?: string;
  readonly upstream?: string;
  readonly enabled?: boolean;
}

/** How a {@link ToxiproxyState} draws its random numbers. */
export type ToxiproxyStateOptions = RandomnessOptions;

/**
 * A /populate that failed part-way: the error it stopped at, and the proxies created or kept
 * before it (which stay), as Toxiproxy answers `{"error","status","proxies"}`.
 */
export class PopulateError extends Error {
  /** Stable code. */
  readonly code = 'FL_TOXIPROXY_POPULATE';
  override readonly name = 'PopulateError';
  constructor(
    /** The failure, with its HTTP status. */
    readonly failure: ToxiproxyApiError,
    /** The proxies of the list handled before it. */
    readonly proxies: readonly ProxyJson[],
  ) {
    super(failure.message);
  }
}

/** The proxies and toxics of one server. */
export class ToxiproxyState {
  private readonly proxies = new Map<string, TcpProxy>();
  private readonly rng: Rng;
  private readonly counters = new TrafficCounters();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(options: ToxiproxyStateOptions = {}) {
    this.rng = toxiproxyRng(options);
  }

  /**
   * Creates a proxy and, unless `enabled` is false, starts it listening.
   *
   * @throws {@link MissingFieldError} (name, then upstream), {@link ProxyExistsError}, {@link ProxyListenError}
   */
  createProxy(input: ProxyInput): Promise<ProxyJson> {
    return this.serial(async () => {
      checkProxyInput(input, '');
      if (this.proxies.has(input.name)) throw new ProxyExistsError();
      const proxy = this.newProxy(input);
      if (input.enabled ?? true) await proxy.start();
      this.proxies.set(proxy.name, proxy);
      return proxy.toJson();
    });
  }

  /**
   * A proxy and its toxics.
   *
   * @throws {@link ProxyNotFoundError}
   */
  getProxy(name: string): ProxyJson {
    return this.proxy(name).toJson();
  }

  /** Every proxy, by name. */
  listProxies(): ProxyJson[] {
    return [...this.proxies.values()].map((proxy) => proxy.toJson()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Changes a proxy's listen address, upstream or enabled flag; a new address or upstream
   * restarts it (dropping its connections), `enabled: false` closes its listener and every
   * open connection.
   *
   * @throws {@link ProxyNotFoundError}, {@link ProxyListenError} (the proxy is then left disabled, with the new address)
   */
  updateProxy(name: string, changes: ProxyChanges): Promise<ProxyJson> {
    return this.serial(async () => {
      const proxy = this.proxy(name);
      await proxy.update({ listen: changes.listen ?? proxy.listen, upstream: changes.upstream ?? proxy.upstream, enabled: changes.enabled ?? proxy.enabled });
      return proxy.toJson();
    });
  }

  /**
   * Stops a proxy, closing its connections, and forgets it.
   *
   * @throws {@link ProxyNotFoundError}
   */
  deleteProxy(name: string): Promise<void> {
    return this.serial(async () => {
      const proxy = this.proxy(name);
      proxy.stop();
      this.proxies.delete(name);
    });
  }

  /**
   * Creates or replaces proxies from a list, as Toxiproxy's /populate and `-config`: every
   * entry is checked for a name and an upstream first (nothing is done if one lacks them);
   * then, in order, a proxy of the same name with the same listen address and upstream is
   * kept as it is (toxics, enabled flag and all), one that differs is stopped and replaced,
   * and a new one is created. Proxies not in the list are left alone.
   *
   * @returns the proxies of the list, as they now are
   * @throws {@link MissingFieldError} (`name at proxy 2`); {@link PopulateError} when a proxy
   * fails to listen, with the proxies handled before it (they stay)
   */
  populate(inputs: readonly ProxyInput[]): Promise<ProxyJson[]> {
    return this.serial(async () => {
      inputs.forEach((input, i) => checkProxyInput(input, ` at proxy ${i + 1}`));
      const done: ProxyJson[] = [];
      for (const input of inputs) {
        try {
          done.push(await this.addOrReplace(input));
        } catch (error) {
          if (error instanceof ToxiproxyApiError) throw new PopulateError(error, done);
          throw error;
        }
      }
      return done;
    });
  }

  /**
   * Enables every proxy (those created disabled too) and removes every toxic.
   *
   * @throws {@link ProxyListenError} when a proxy cannot listen again (those before it are reset already)
   */
  reset(): Promise<void> {
    return this.serial(async () => {
      for (const proxy of this.sortedProxies()) {
        await proxy.start();
        proxy.toxics.reset();
      }
    });
  }

  /**
   * Adds a toxic to a proxy: it acts on new connections and on those already open.
   *
   * @throws {@link ProxyNotFoundError}, {@link InvalidStreamError}, {@link InvalidToxicTypeError},
   * {@link ToxicExistsError}, {@link BadRequestBodyError}
   */
  addToxic(proxyName: string, input: ToxicInput): ToxicJson {
    return this.proxy(proxyName).toxics.add(input).toJson();
  }

  /**
   * Changes a toxic's attributes (those given; the others keep their values) or toxicity;
   * open connections restart it, rolling its toxicity again.
   *
   * @throws {@link ProxyNotFoundError}, {@link ToxicNotFoundError}, {@link BadRequestBodyError}
   */
  updateToxic(proxyName: string, toxicName: string, changes: ToxicChanges): ToxicJson {
    return this.proxy(proxyName).toxics.update(toxicName, changes).toJson();
  }

  /**
   * Removes a toxic; open connections carry on without it, losing no byte (removing a
   * `timeout` closes them, as in Toxiproxy).
   *
   * @throws {@link ProxyNotFoundError}, {@link ToxicNotFoundError}
   */
  removeToxic(proxyName: string, toxicName: string): void {
    this.proxy(proxyName).toxics.remove(toxicName);
  }

  /**
   * A proxy's toxics: upstream first, then downstream.
   *
   * @throws {@link ProxyNotFoundError}
   */
  listToxics(proxyName: string): ToxicJson[] {
    return this.proxy(proxyName)
      .toxics.list()
      .map((toxic) => toxic.toJson());
  }

  /**
   * One toxic.
   *
   * @throws {@link ProxyNotFoundError}, {@link ToxicNotFoundError}
   */
  getToxic(proxyName: string, toxicName: string): ToxicJson {
    const toxic = this.proxy(proxyName).toxics.find(toxicName);
    if (toxic === undefined) throw new ToxicNotFoundError();
    return toxic.toJson();
  }

  /** Bytes through every proxy so far, by direction, proxy, listener and upstream (for /metrics). */
  traffic(): TrafficCount[] {
    return this.counters.totals([...this.proxies.values()].flatMap((proxy) => [...proxy.liveTraffic()]));
  }

  /** Stops every proxy, closing their listeners and connections. Later operations are refused. */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = this.serial(async () => {
        for (const proxy of this.proxies.values()) proxy.stop();
        this.proxies.clear();
      });
      this.closed = true;
    }
    return this.closing;
  }

  private proxy(name: string): TcpProxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw new ProxyNotFoundError();
    return proxy;
  }

  private newProxy(input: ProxyInput): TcpProxy {
    return new TcpProxy(input.name, input.listen, input.upstream, this.rng.fork(`proxy/${input.name}`), this.counters);
  }

  private sortedProxies(): TcpProxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Toxiproxy's `AddOrReplace`: keep a proxy that has the same address and upstream, else stop it and start the new one. */
  private async addOrReplace(input: ProxyInput): Promise<ProxyJson> {
    const existing = this.proxies.get(input.name);
    if (existing !== undefined) {
      if (!(await existing.differs(input))) return existing.toJson();
      existing.stop();
    }
    const proxy = this.newProxy(input);
    if (input.enabled ?? true) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy.toJson();
  }

  /** Runs proxy operations one after another: each may wait for a listener, and none may see another half done. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the Toxiproxy server is closed'));
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function checkProxyInput(input: ProxyInput, where: string): void {
  if (!input.name) throw new MissingFieldError(`name${where}`);
  if (!input.upstream) throw new MissingFieldError(`upstream${where}`);
}
