// SPIFFE: spiffe/spiffe standards/SPIFFE-ID.md §2 (scheme, trust domain, path, 2048-byte limit)
// Istio: workload identity spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>

/** The URI scheme prefix of every SPIFFE ID. Lowercase only, as go-spiffe requires. */
export const SPIFFE_SCHEME_PREFIX = 'spiffe://';

/** SPIFFE-ID.md §2.3: implementations must support, and should not generate, longer IDs. */
export const SPIFFE_ID_MAX_BYTES = 2048;

/** SPIFFE-ID.md §2.3: the trust domain is a URI host, at most 255 bytes (RFC 3986). */
export const TRUST_DOMAIN_MAX_BYTES = 255;

/** Istio's default trust domain (istio-agent `TRUST_DOMAIN`, MeshConfig `trustDomain`). */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** A parsed, valid SPIFFE ID. */
export interface SpiffeId {
  /** The whole ID, e.g. `spiffe://cluster.local/ns/default/sa/sleep`. */
  readonly uri: string;
  /** The trust domain (URI authority), e.g. `cluster.local`. */
  readonly trustDomain: string;
  /** The path, `''` for the trust domain's own ID, else starting with `/`. */
  readonly path: string;
  /** The namespace when the path has Istio's form `/ns/<ns>/sa/<sa>`. */
  readonly namespace?: string;
  /** The service account when the path has Istio's form `/ns/<ns>/sa/<sa>`. */
  readonly serviceAccount?: string;
}

/** Stable codes of {@link SpiffeIdError}, one per rule of SPIFFE-ID.md that can be broken. */
export const SPIFFE_ID_ERROR_CODES = [
  'FL_SPIFFE_EMPTY',
  'FL_SPIFFE_TOO_LONG',
  'FL_SPIFFE_SCHEME',
  'FL_SPIFFE_QUERY_OR_FRAGMENT',
  'FL_SPIFFE_TRUST_DOMAIN_MISSING',
  'FL_SPIFFE_TRUST_DOMAIN_TOO_LONG',
  'FL_SPIFFE_USERINFO',
  'FL_SPIFFE_PORT',
  'FL_SPIFFE_PERCENT_ENCODED',
  'FL_SPIFFE_TRUST_DOMAIN_CHAR',
  'FL_SPIFFE_PATH_EMPTY_SEGMENT',
  'FL_SPIFFE_PATH_DOT_SEGMENT',
  'FL_SPIFFE_PATH_TRAILING_SLASH',
  'FL_SPIFFE_PATH_CHAR',
] as const;

/** One of {@link SPIFFE_ID_ERROR_CODES}. */
export type SpiffeIdErrorCode = (typeof SPIFFE_ID_ERROR_CODES)[number];

/** A string that is not a valid SPIFFE ID; `code` says which rule it breaks. */
export class SpiffeIdError extends Error {
  /** Which rule the input breaks; stable across releases. */
  readonly code: SpiffeIdErrorCode;
  /** The rejected input. */
  readonly input: string;

  /** Creates the error; the message names the input and what was wrong with it. */
  constructor(code: SpiffeIdErrorCode, input: string, problem: string) {
    super(`invalid SPIFFE ID ${JSON.stringify(input)}: ${problem}`);
    this.name = 'SpiffeIdError';
    this.code = code;
    this.input = input;
  }
}

/** Whether `error` is a {@link SpiffeIdError}. */
export function isSpiffeIdError(error: unknown): error is SpiffeIdError {
  return error instanceof SpiffeIdError;
}

/**
 * Parses and validates a SPIFFE ID (SPIFFE-ID.md §2): scheme `spiffe://` (lowercase, as
 * go-spiffe), a non-empty lowercase trust domain of `[a-z0-9._-]` with no userinfo, port or
 * percent-encoding, no query or fragment, a path of non-empty segments of `[A-Za-z0-9._-]`
 * that are not `.` or `..` and no trailing `/`, at most 2048 bytes in all. Recognises
 * Istio's `/ns/<ns>/sa/<sa>` path.
 *
 * @throws SpiffeIdError with a stable `code` when `uri` is not a valid SPIFFE ID.
 */
export function parseSpiffeId(uri: string): SpiffeId {
  if (uri.length === 0) fail('FL_SPIFFE_EMPTY', uri, 'it is empty');
  if (uri.length > SPIFFE_ID_MAX_BYTES) {
    fail('FL_SPIFFE_TOO_LONG', uri, `it is ${uri.length} characters long, over the limit of ${SPIFFE_ID_MAX_BYTES} bytes`);
  }
  if (!uri.startsWith(SPIFFE_SCHEME_PREFIX)) {
    fail('FL_SPIFFE_SCHEME', uri, `it must start with "${SPIFFE_SCHEME_PREFIX}" (lowercase)`);
  }
  if (uri.includes('?') || uri.includes('#')) {
    fail('FL_SPIFFE_QUERY_OR_FRAGMENT', uri, 'a SPIFFE ID must not have a query or a fragment');
  }
  const rest = uri.slice(SPIFFE_SCHEME_PREFIX.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  checkTrustDomain(trustDomain, uri);
  checkPath(path, uri);
  return withIstioParts(uri, trustDomain, path);
}

/**
 * Checks a trust domain name on its own (SPIFFE-ID.md §2.1).
 *
 * @throws SpiffeIdError as {@link parseSpiffeId} does for the trust-domain rules.
 */
export function checkTrustDomainName(trustDomain: string): void {
  checkTrustDomain(trustDomain, SPIFFE_SCHEME_PREFIX + trustDomain);
}

/**
 * The Istio workload ID `spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>`.
 *
 * @throws SpiffeIdError if any part is not valid in a SPIFFE ID.
 */
export function workloadId(trustDomain: string, namespace: string, serviceAccount: string): SpiffeId {
  return parseSpiffeId(`${SPIFFE_SCHEME_PREFIX}${trustDomain}/ns/${namespace}/sa/${serviceAccount}`);
}

/**
 * The Istio principal of an ID: the URI without `spiffe://`, e.g.
 * `cluster.local/ns/default/sa/sleep` — what AuthorizationPolicy `principals` match.
 */
export function principalOf(id: SpiffeId): string {
  return id.uri.slice(SPIFFE_SCHEME_PREFIX.length);
}

function fail(code: SpiffeIdErrorCode, input: string, problem: string): never {
  throw new SpiffeIdError(code, input, problem);
}

function checkTrustDomain(td: string, uri: string): void {
  if (td.length === 0) fail('FL_SPIFFE_TRUST_DOMAIN_MISSING', uri, 'the trust domain is empty');
  if (td.length > TRUST_DOMAIN_MAX_BYTES) {
    fail('FL_SPIFFE_TRUST_DOMAIN_TOO_LONG', uri, `the trust domain is ${td.length} bytes long, over ${TRUST_DOMAIN_MAX_BYTES}`);
  }
  if (td.startsWith('[')) fail('FL_SPIFFE_TRUST_DOMAIN_CHAR', uri, 'an IPv6 address is not a valid trust domain');
  if (td.includes('@')) fail('FL_SPIFFE_USERINFO', uri, 'the authority must not carry userinfo ("user@")');
  if (td.includes(':')) fail('FL_SPIFFE_PORT', uri, 'the trust domain must not carry a port');
  if (td.includes('%')) fail('FL_SPIFFE_PERCENT_ENCODED', uri, 'the trust domain must not be percent-encoded');
  for (let i = 0; i < td.length; i++) {
    const c = td.charCodeAt(i);
    if (!isTrustDomainChar(c)) {
      fail('FL_SPIFFE_TRUST_DOMAIN_CHAR', uri, `the trust domain has ${JSON.stringify(td[i])} at ${i}; only lowercase letters, digits, ".", "-" and "_" are allowed`);
    }
  }
}

function checkPath(path: string, uri: string): void {
  if (path.length === 0) return;
  if (path === '/' || path.endsWith('/')) {
    fail('FL_SPIFFE_PATH_TRAILING_SLASH', uri, 'the path must not end with "/"');
  }
  if (path.includes('%')) fail('FL_SPIFFE_PERCENT_ENCODED', uri, 'the path must not be percent-encoded');
  let start = 1;
  while (start <= path.length) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    checkSegment(path, start, end, uri);
    start = end + 1;
  }
}

function checkSegment(path: string, start: number, end: number, uri: string): void {
  if (end === start) fail('FL_SPIFFE_PATH_EMPTY_SEGMENT', uri, 'the path has an empty segment ("//")');
  const segment = path.slice(start, end);
  if (segment === '.' || segment === '..') {
    fail('FL_SPIFFE_PATH_DOT_SEGMENT', uri, `the path has a relative segment "${segment}"`);
  }
  for (let i = 0; i < segment.length; i++) {
    if (!isPathChar(segment.charCodeAt(i))) {
      fail('FL_SPIFFE_PATH_CHAR', uri, `the path segment "${segment}" has ${JSON.stringify(segment[i])}; only letters, digits, ".", "-" and "_" are allowed`);
    }
  }
}

function withIstioParts(uri: string, trustDomain: string, path: string): SpiffeId {
  const parts = path.split('/');
  if (parts.length === 5 && parts[1] === 'ns' && parts[3] === 'sa') {
    return { uri, trustDomain, path, namespace: parts[2], serviceAccount: parts[4] };
  }
  return { uri, trustDomain, path };
}

/** `[a-z0-9._-]` */
function isTrustDomainChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 95;
}

/** `[A-Za-z0-9._-]` */
function isPathChar(c: number): boolean {
  return isTrustDomainChar(c) || (c >= 65 && c <= 90);
}
