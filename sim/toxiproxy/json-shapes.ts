/**
 * The JSON Toxiproxy 2.12 answers with, byte for byte where clients could notice: a proxy is
 * `{"name","listen","upstream","enabled","Logger":{},"toxics":[…]}` — the stray `"Logger":{}`
 * is Go's exported logger field leaking into the JSON, and kept for parity — and a toxic is
 * `{"attributes":{…},"name","type","stream","toxicity"}` in Go's struct order.
 */
import { float32Text, goQuote } from './go-json-encode.js';

/** A toxic as the API shows it. */
export interface ToxicJson {
  /** Every attribute of its kind, in Toxiproxy's order (`latency`, `jitter`…). */
  readonly attributes: Readonly<Record<string, number>>;
  readonly name: string;
  readonly type: string;
  /** As the client wrote it (`UPSTREAM` stays upper case). */
  readonly stream: string;
  /** The probability per connection, as a float32 prints (0.1, not 0.10000000149011612). */
  readonly toxicity: number;
}

/** A proxy as the API shows it. */
export interface ProxyJson {
  readonly name: string;
  /** Where it listens: the bound address once enabled (`127.0.0.1:40211`), as written while disabled. */
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  /** Always `{}`: Toxiproxy leaks its logger field into the JSON; kept so responses match. */
  readonly Logger: Readonly<Record<string, never>>;
  /** Upstream toxics first, then downstream, each in the order added. */
  readonly toxics: readonly ToxicJson[];
}

/** A toxic's JSON text. */
export function toxicText(toxic: ToxicJson): string {
  const attributes = Object.entries(toxic.attributes)
    .map(([key, value]) => `${goQuote(key)}:${String(value)}`)
    .join(',');
  return `{"attributes":{${attributes}},"name":${goQuote(toxic.name)},"type":${goQuote(toxic.type)},"stream":${goQuote(toxic.stream)},"toxicity":${float32Text(toxic.toxicity)}}`;
}

/** A list of toxics as JSON text. */
export function toxicsText(toxics: readonly ToxicJson[]): string {
  return `[${toxics.map(toxicText).join(',')}]`;
}

/** A proxy's JSON text. */
export function proxyText(proxy: ProxyJson): string {
  return `{"name":${goQuote(proxy.name)},"listen":${goQuote(proxy.listen)},"upstream":${goQuote(proxy.upstream)},"enabled":${proxy.enabled},"Logger":{},"toxics":${toxicsText(proxy.toxics)}}`;
}

/** `GET /proxies`: an object keyed by name, keys sorted by their UTF-8 bytes as Go sorts map keys (`{}` when empty). */
export function proxyMapText(proxies: readonly ProxyJson[]): string {
  const sorted = [...proxies].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  return `{${sorted.map((proxy) => `${goQuote(proxy.name)}:${proxyText(proxy)}`).join(',')}}`;
}

/**
 * `POST /populate`'s answer: `{"proxies":[…]}`, or with an error `{"error":…,"status":N,"proxies":[…]}`;
 * no proxies print as `null`, as Go prints a nil slice.
 */
export function populateText(proxies: readonly ProxyJson[], error?: { message: string; status: number }): string {
  const list = proxies.length === 0 ? 'null' : `[${proxies.map(proxyText).join(',')}]`;
  const head = error ? `"error":${goQuote(error.message)},"status":${error.status},` : '';
  return `{${head}"proxies":${list}}`;
}

/** An API error's JSON text (without the newline Go's `http.Error` adds). */
export function errorText(message: string, status: number): string {
  return `{"error":${goQuote(message)},"status":${status}}`;
}
