/**
 * The staging target file: where a scenario's services really are in a staging mesh, which
 * hosts a run may touch, the Toxiproxy proxies that stand in front of services for L4 faults,
 * and how L7 faults are applied. The README's "Staging target file" section documents it.
 */
import { z } from 'zod';
import { duration } from '../../scenarios/schema-primitives.js';
import { canonicalHost, parseHostPattern } from './host-allowlist.js';

const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const EDGE = /^[A-Za-z][A-Za-z0-9_.-]*->[A-Za-z][A-Za-z0-9_.-]*$/;
/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PORT = /^(\[[^\]]*\]|[^:[\]/\s]+):([0-9]{1,5})$/;

/** A pattern of `allowHosts` (see `host-allowlist.ts`). */
const HostPatternText = z.string().superRefine((text, ctx) => {
  const pattern = parseHostPattern(text);
  if ('problem' in pattern) ctx.addIssue({ code: 'custom', message: pattern.problem });
});

/** Why `text` is not an http(s) URL a target file may hold, or undefined when it is one. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an http:// or https:// URL, like http://frontend.staging.example.internal:8080';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http:// or https:// URL, like http://frontend.staging.example.internal:8080';
  if (url.username !== '' || url.password !== '') return 'a URL with a user name or password: keep credentials out of the target file';
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) return 'expected a URL without query or fragment (request classes give the path)';
  if (canonicalHost(url.hostname) === undefined) return 'expected a URL whose host is a host name or an IP address';
  return undefined;
}

const HttpUrl = z.string().superRefine((text, ctx) => {
  const problem = urlProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** The host and port of a `host:port` address, or a sentence saying why it is not one. */
export function parseHostPort(text: string): { host: string; port: number } | { problem: string } {
  const match = HOST_PORT.exec(text);
  const host = match ? canonicalHost(match[1]) : undefined;
  if (match === null || host === undefined) return { problem: 'expected host:port, like payments.staging.example.internal:9090 or [::1]:9090' };
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return { problem: 'expected a port from 1 to 65535' };
  return { host, port };
}

const GrpcAddress = z.string().superRefine((text, ctx) => {
  const parsed = parseHostPort(text);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

/** Where a scenario service is: an HTTP base URL, or a gRPC address. */
export type ServiceAddress = { kind: 'http'; url: string } | { kind: 'grpc'; address: string; tls: boolean };

/** A service of the target: exactly one of `url` (HTTP/1.1 or HTTP/2) and `grpc` (with `tls`, default false). */
const ServiceEntry = z
  .strictObject({
    url: HttpUrl.optional().meta({ description: 'Base URL of an HTTP service: http(s)://host[:port][/prefix]; request paths are appended.' }),
    grpc: GrpcAddress.optional().meta({ description: 'Address of a gRPC service: host:port.' }),
    tls: z.boolean().optional().meta({ description: 'gRPC over TLS (default false: plaintext).' }),
  })
  .superRefine((entry, ctx) => {
    if ((entry.url === undefined) === (entry.grpc === undefined)) {
      ctx.addIssue({ code: 'custom', message: entry.url === undefined ? 'expected url (an HTTP service) or grpc (a gRPC service)' : 'expected url or grpc, not both' });
    } else if (entry.tls !== undefined && entry.grpc === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls applies to a grpc address; an HTTP service says https:// in its url' });
    }
  })
  .transform((entry): ServiceAddress => (entry.url !== undefined ? { kind: 'http', url: entry.url } : { kind: 'grpc', address: entry.grpc!, tls: entry.tls ?? false }));

/** A proxy's key: a scenario service, or a `caller->callee` edge. */
const ProxyKey = z.string().refine((key) => SERVICE_NAME.test(key) || EDGE.test(key), 'expected a service name or an edge like checkout->inventory');
/** A Toxiproxy proxy's name; it goes into the API's paths, so no slashes or blanks. */
const ProxyName = z.string().regex(/^[^\s/]+$/, 'expected a Toxiproxy proxy name, without blanks or slashes');

/** One Toxiproxy API and the proxies on it that stand in front of scenario services or edges. */
const ToxiproxyApi = z.strictObject({
  api: HttpUrl.meta({ description: "The Toxiproxy API's base URL, e.g. http://toxiproxy.staging.example.internal:8474." }),
  proxies: z.record(ProxyKey, ProxyName).meta({ description: 'Scenario service, or caller->callee edge, to the name of the proxy in front of it.' }),
});

/** The whole target file. */
export const StagingTargetSchema = z.strictObject({
  version: z.literal(1).meta({ description: 'Format version; 1.' }),
  target: z.string().min(1).max(200).meta({ description: 'A name for the staging environment, shown in reports.' }),
  allowHosts: z
    .array(HostPatternText)
    .min(1)
    .meta({ description: 'Every host a run may touch: names, *.domain wildcards (any depth of subdomain), IP addresses. Anything else is refused before the run.' }),
  maxDuration: duration({ above: 0 }, 'The longest run allowed against this target.'),
  services: z.record(z.string().regex(SERVICE_NAME, 'expected a name of letters, digits, _ . -'), ServiceEntry).meta({ description: 'Scenario service name to where it really is.' }),
  toxiproxy: z.array(ToxiproxyApi).default([]).meta({ description: 'Toxiproxy APIs (a real Toxiproxy or faultline toxiproxy) and their proxies, for L4 faults.' }),
  l7Faults: z
    .enum(['headers', 'none'])
    .default('none')
    .meta({ description: "How L7 faults (abort) are applied: headers (Envoy fault filter headers on the generator's requests) or none (a scenario with one is refused)." }),
});

/** A parsed target file (maxDuration in ms, services as {@link ServiceAddress}). */
export type StagingTarget = z.output<typeof StagingTargetSchema>;
