/**
 * A load's request classes as the table a k6 script picks from by weight, as faultline picks
 * them (sim/load-runner.ts): each with its method, path, headers and the tags its requests
 * carry (`entry_service`, and `class` when the load has classes). A load without classes
 * sends `GET /`, as in faultline. A class's token is read from the environment
 * (`FAULTLINE_TOKEN_<NAME>`) and sent as `Authorization: Bearer`: a staging mesh trusts its
 * own issuers' tokens, not tokens faultline would sign. For a gRPC entry service, a class's
 * path names the method (`/package.Service/Method`), which k6 calls with server reflection.
 */
import type { Load } from '../../scenarios/schema.js';
import type { K6Protocol } from './k6-protocol.js';

/** The tag naming the service a request enters (k6's own `service` tag names a gRPC service). */
export const ENTRY_SERVICE_TAG = 'entry_service';
/** The tag naming a request's class. */
export const CLASS_TAG = 'class';

/** One request class of a k6 script. */
export interface K6RequestClass {
  /** The running total of weights up to and including this class: the script draws x in [0, total) and takes the first class with x < upTo. */
  upTo: number;
  /** HTTP method; for gRPC, the method's full name without the leading slash (`package.Service/Method`). */
  method: string;
  /** HTTP path, starting with `/`; empty for gRPC. */
  path: string;
  /** Headers (HTTP) or metadata (gRPC), lower-case names. */
  headers: Record<string, string>;
  /** The token of `security.tokens` sent as `Authorization: Bearer`, if any. */
  token?: string;
  tags: Record<string, string>;
}

/** A full gRPC method name, `/package.Service/Method` (the leading slash optional). */
const GRPC_METHOD = /^\/?((?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Za-z_][A-Za-z0-9_]*\/[A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The classes of the load `name`, or why they cannot be sent (a gRPC class whose path names
 * no method, one sentence per class, with its key path).
 */
export function requestClassesOf(name: string, load: Load, protocol: K6Protocol): { classes: K6RequestClass[] } | { problems: string[] } {
  const base = { [ENTRY_SERVICE_TAG]: load.target };
  if (load.classes.length === 0) {
    if (protocol === 'grpc') return { problems: [`load.${name}: it sends requests to the gRPC service ${load.target} without request classes; give it a class whose path names the gRPC method (/package.Service/Method)`] };
    return { classes: [{ upTo: 1, method: 'GET', path: '/', headers: {}, tags: base }] };
  }
  const problems: string[] = [];
  let total = 0;
  const classes = load.classes.map((c, i): K6RequestClass => {
    total += c.weight;
    const headers = Object.fromEntries(Object.entries(c.headers).map(([key, value]) => [key.toLowerCase(), value]));
    const tags = { ...base, [CLASS_TAG]: c.name };
    const token = c.token === undefined ? {} : { token: c.token };
    if (protocol === 'http') return { upTo: total, method: c.method, path: c.path.startsWith('/') ? c.path : `/${c.path}`, headers, ...token, tags };
    const method = GRPC_METHOD.exec(c.path)?.[1];
    if (method === undefined) problems.push(`load.${name}.classes[${i}].path: ${JSON.stringify(c.path)} names no gRPC method of ${load.target}; expected /package.Service/Method`);
    return { upTo: total, method: method ?? '', path: '', headers, ...token, tags };
  });
  return problems.length > 0 ? { problems } : { classes };
}
