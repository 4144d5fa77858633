/**
 * The Toxiproxy APIs a staging run drives, through toxiproxy-node-client — the same client
 * code for a real Toxiproxy and for `faultline toxiproxy`. The client drops status codes
 * (every non-2xx is "Request failed with status code N"), so the code is read back from the
 * message where it matters (a toxic already gone is not an error when removing it).
 */
import { Proxy, Toxic, Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import type { ToxicPlace } from './fault-journal.js';
import type { ToxicSpec } from './toxics-of-fault.js';

/** A Toxiproxy API that could not be reached or refused a request; exit code 3 (the run could not be carried out). */
export class ToxiproxyUnavailableError extends Error {
  readonly code = 'FL_TOXIPROXY';
  constructor(
    readonly api: string,
    what: string,
    cause: unknown,
  ) {
    super(`Toxiproxy at ${api}: ${what}: ${describeCause(cause)}`);
    this.name = 'ToxiproxyUnavailableError';
  }
}

/**
 * What went wrong, in words: toxiproxy-node-client turns a refused connection into a bare
 * "fetch failed" (its cause dropped), which says nothing to an operator.
 */
function describeCause(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message === 'fetch failed' ? 'could not reach the API (is Toxiproxy running there, and the address right?)' : message;
}

/** A toxic as an API lists it. */
export interface ListedToxic {
  readonly api: string;
  readonly proxy: string;
  readonly toxic: string;
}

/** The HTTP status in one of toxiproxy-node-client's errors, or null. */
function statusOf(error: unknown): number | null {
  if (!(error instanceof ToxiproxyError) && !(error instanceof Error)) return null;
  const m = /status code (\d{3})/.exec(error.message);
  return m === null ? null : Number(m[1]);
}

/** The Toxiproxy APIs of a target, by base URL. */
export class ToxiproxyFleet {
  private readonly clients = new Map<string, Toxiproxy>();
  private readonly proxies = new Map<string, Proxy>();

  constructor(apis: readonly string[]) {
    for (const api of apis) this.clients.set(api, new Toxiproxy(api.replace(/\/+$/, '')));
  }

  /**
   * Checks that every API answers and has the proxies the run needs (`needed`: API → proxy
   * names), and keeps them for {@link ToxiproxyFleet.add}.
   *
   * @returns one sentence per proxy missing (empty: all there)
   * @throws {@link ToxiproxyUnavailableError} when an API cannot be reached
   */
  async preflight(needed: ReadonlyMap<string, ReadonlySet<string>>): Promise<string[]> {
    const missing: string[] = [];
    for (const [api, names] of needed) {
      const all = await this.call(api, 'listing proxies', (c) => c.getAll());
      for (const name of names) {
        const proxy = all[name];
        if (proxy === undefined) missing.push(`proxy ${JSON.stringify(name)} is not on the Toxiproxy at ${api} (it has ${Object.keys(all).map((n) => JSON.stringify(n)).join(', ') || 'none'})`);
        else this.proxies.set(`${api} ${name}`, proxy);
      }
    }
    return missing;
  }

  /** Adds toxic `spec` named `place.toxic` to `place.proxy`. */
  async add(place: ToxicPlace, spec: ToxicSpec): Promise<void> {
    const proxy = this.proxies.get(`${place.api} ${place.proxy}`) ?? (await this.call(place.api, `finding proxy ${place.proxy}`, (c) => c.get(place.proxy)));
    try {
      await proxy.addToxic({ name: place.toxic, type: spec.type, stream: spec.stream, toxicity: spec.toxicity, attributes: spec.attributes } as Parameters<Proxy['addToxic']>[0]);
    } catch (error) {
      throw new ToxiproxyUnavailableError(place.api, `adding toxic ${place.toxic} to proxy ${place.proxy}`, error);
    }
  }

  /** Removes the toxic at `place`; resolves `absent` when it was not there (already removed, or its proxy gone). */
  async remove(place: ToxicPlace): Promise<'removed' | 'absent'> {
    const client = this.client(place.api);
    const toxic = new Toxic(client.getApi(), `${client.host}/proxies/${encodeURIComponent(place.proxy)}`, { name: place.toxic } as ConstructorParameters<typeof Toxic>[2]);
    try {
      await toxic.remove();
      return 'removed';
    } catch (error) {
      if (statusOf(error) === 404) return 'absent';
      throw new ToxiproxyUnavailableError(place.api, `removing toxic ${place.toxic} from proxy ${place.proxy}`, error);
    }
  }

  /** Every toxic on every proxy of `api`. */
  async list(api: string): Promise<ListedToxic[]> {
    const client = this.client(api);
    const all = await this.call(api, 'listing proxies', (c) => c.getAll());
    const out: ListedToxic[] = [];
    for (const name of Object.keys(all)) {
      const { data } = await this.call(api, `listing the toxics of ${name}`, (c) => c.getApi().get<{ name: string }[]>(`${client.host}/proxies/${encodeURIComponent(name)}/toxics`));
      for (const t of data ?? []) out.push({ api, proxy: name, toxic: t.name });
    }
    return out;
  }

  private client(api: string): Toxiproxy {
    let client = this.clients.get(api);
    if (client === undefined) this.clients.set(api, (client = new Toxiproxy(api.replace(/\/+$/, ''))));
    return client;
  }

  private async call<T>(api: string, what: string, request: (client: Toxiproxy) => Promise<T>): Promise<T> {
    try {
      return await request(this.client(api));
    } catch (error) {
      throw new ToxiproxyUnavailableError(api, what, error);
    }
  }
}
