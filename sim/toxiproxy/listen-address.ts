/**
 * Addresses as Toxiproxy handles them with Go's `net` package: `host:port` (`[v6]:port`,
 * `:port` for every interface), a host name listened on at its first IPv4 address, the
 * address reported once listening (`localhost:0` → `127.0.0.1:40211`), and Go's wording for
 * what goes wrong (`listen tcp 127.0.0.1:3310: bind: address already in use`).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { ProxyListenError } from './toxiproxy-errors.js';

/** An address split into host (empty for every interface) and port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Splits `host:port` as Go's `net.SplitHostPort` does and reads the port (0–65535).
 *
 * @throws {@link ProxyListenError} with Go's message, e.g. `address redis: missing port in address`
 */
export function splitHostPort(address: string): HostPort {
  let host: string;
  let port: string;
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0) throw new ProxyListenError(`address ${address}: missing ']' in address`);
    if (end + 1 === address.length) throw new ProxyListenError(`address ${address}: missing port in address`);
    if (address[end + 1] !== ':') throw new ProxyListenError(`address ${address}: missing port in address`);
    host = address.slice(1, end);
    port = address.slice(end + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw new ProxyListenError(`address ${address}: missing port in address`);
    host = address.slice(0, colon);
    if (host.includes(':')) throw new ProxyListenError(`address ${address}: too many colons in address`);
    port = address.slice(colon + 1);
  }
  return { host, port: parsePort(address, port) };
}

function parsePort(address: string, port: string): number {
  if (port === '') return 0;
  if (!/^[0-9]+$/.test(port)) throw new ProxyListenError(`lookup tcp/${port}: unknown port`);
  const value = Number(port);
  if (value > 65535) throw new ProxyListenError(`address ${address}: invalid port`);
  return value;
}

/**
 * The address Go's `net.ResolveTCPAddr` gives for `address`, as text (`localhost:3310` →
 * `127.0.0.1:3310`, `:0` → `:0`): how Toxiproxy decides whether an update or a /populate
 * entry moves a proxy.
 *
 * @throws {@link ProxyListenError} when the address cannot be split or its host resolved
 */
export async function resolveAddress(address: string): Promise<string> {
  const { host, port } = splitHostPort(address);
  if (host === '') return `:${port}`;
  return joinHostPort(await resolveHost(host), port);
}

/**
 * Starts `server` listening on `listen` and returns the address it listens on, as Go prints
 * a listener's address (`127.0.0.1:40211`, `[::1]:40211`, `[::]:40211` for every interface).
 *
 * @throws {@link ProxyListenError} with Go's wording when the address is malformed, its host
 * unknown, or the port taken
 */
export async function listenOn(server: Server, listen: string): Promise<string> {
  const { host, port } = splitHostPortForListen(listen);
  const ip = host === '' ? undefined : await resolveHost(host, listen);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(new ProxyListenError(`listen tcp ${listen}: ${goNetError(error)}`));
    server.once('error', onError);
    server.listen({ host: ip, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return joinHostPort(bound.address, bound.port);
}

/** `host:port`, brackets around an IPv6 host, as Go's `net.JoinHostPort`. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function splitHostPortForListen(listen: string): HostPort {
  try {
    return splitHostPort(listen);
  } catch (error) {
    throw new ProxyListenError(`listen tcp: ${(error as Error).message}`);
  }
}

/** An IP literal as is; a name at its first IPv4 address (else its first), as Go listens on a host name. */
async function resolveHost(host: string, listen?: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    const addresses = await lookup(host, { all: true });
    return (addresses.find((a) => a.family === 4) ?? addresses[0]).address;
  } catch {
    throw new ProxyListenError(`${listen === undefined ? '' : 'listen tcp: '}lookup ${host}: no such host`);
  }
}

/** A bind failure in Go's words (`bind: address already in use`). */
function goNetError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'bind: address already in use';
    case 'EACCES':
      return 'bind: permission denied';
    case 'EADDRNOTAVAIL':
      return 'bind: cannot assign requested address';
    default:
      return error.message;
  }
}
