/**
 * The hosts a staging run may touch. A pattern is a host name (`api.staging.example.internal`),
 * a wildcard over a domain's subdomains (`*.staging.example.internal`), or an IP address
 * (`127.0.0.1`, `::1`, `[::1]`). Hosts and patterns are compared in the form a URL parser
 * gives them (WHATWG): lower case, no trailing dot, international names in punycode, IPv4
 * in dotted decimal (so `0x7f.1` is `127.0.0.1`), IPv6 compressed — a host cannot slip
 * past a pattern by being spelt differently.
 *
 * `*.x.y` matches any name that ends in `.x.y`, one label deep or more (`a.x.y`, `a.b.x.y`),
 * as Istio and Envoy read `*.` host wildcards; it does not match `x.y` itself, `evilx.y` or
 * an IP address. A wildcard must cover at least two labels (`*.internal` is refused as too
 * broad) and `*` alone is refused: an allowlist that allows everything protects nothing.
 */
import { isIP } from 'node:net';

/** One label of a host name: letters, digits, `-` and `_`, not starting or ending with `-`. */
const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/**
 * The canonical form of a host (a name or an IP address, IPv6 with or without brackets),
 * or undefined when `host` is not one (it has a scheme, a port, a path, spaces…).
 *
 * @example canonicalHost('API.Example.com.') // 'api.example.com'
 * @example canonicalHost('[0:0:0:0:0:0:0:1]') // '::1'
 */
export function canonicalHost(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) === 6) return parsedHostname(`[${bare}]`)?.slice(1, -1);
  if (bare === '' || /[^A-Za-z0-9._\-\u0080-\uffff]/.test(bare)) return undefined;
  const name = parsedHostname(bare)?.replace(/\.$/, '');
  return name !== undefined && (isIP(name) === 4 || HOST_NAME.test(name)) ? name : undefined;
}

/** The hostname a URL parser gives `host`, or undefined when it gives none. */
function parsedHostname(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** A pattern of an allowlist, checked and in canonical form. */
export type HostPattern = { kind: 'exact'; host: string } | { kind: 'subdomains'; suffix: string };

/**
 * Reads one pattern of `allowHosts`.
 *
 * @returns the pattern, or a sentence saying why it is not one (for the target file's errors)
 */
export function parseHostPattern(pattern: string): HostPattern | { problem: string } {
  if (pattern.trim() === '*') return { problem: '"*" would allow every host; list the staging hosts, or a wildcard over their domain like *.staging.example.internal' };
  if (pattern.startsWith('*.')) {
    const domain = canonicalHost(pattern.slice(2));
    if (domain === undefined || isIP(domain) !== 0) return { problem: 'expected a domain name after "*."' };
    if (!domain.includes('.')) return { problem: `"*.${domain}" is too broad: a wildcard must cover at least two labels, like *.staging.${domain}` };
    return { kind: 'subdomains', suffix: `.${domain}` };
  }
  if (pattern.includes('*')) return { problem: 'a wildcard may only stand for the leading labels, as in *.staging.example.internal' };
  const host = canonicalHost(pattern);
  if (host === undefined) return { problem: 'expected a host name, *.domain or an IP address, without scheme, port or path' };
  return { kind: 'exact', host };
}

/** Whether the canonical host `host` matches `pattern`. */
export function hostMatches(pattern: HostPattern, host: string): boolean {
  if (pattern.kind === 'exact') return host === pattern.host;
  return isIP(host) === 0 && host.length > pattern.suffix.length && host.endsWith(pattern.suffix);
}

/**
 * Whether `host` is allowed by the patterns of `allow` (see this module's description for
 * their meaning). A host that is not a host name or an IP address is never allowed, and a
 * pattern that is not valid allows nothing (the target file refuses such patterns when read).
 *
 * @param allow - patterns as written in `allowHosts`
 * @param host - a host name or IP address (IPv6 with or without brackets), without port
 * @example isHostAllowed(['*.staging.example.internal'], 'a.b.staging.example.internal') // true
 * @example isHostAllowed(['*.staging.example.internal'], 'evilstaging.example.internal') // false
 */
export function isHostAllowed(allow: readonly string[], host: string): boolean {
  const canonical = canonicalHost(host);
  if (canonical === undefined) return false;
  return allow.some((text) => {
    const pattern = parseHostPattern(text);
    return !('problem' in pattern) && hostMatches(pattern, canonical);
  });
}
