import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import type { Pool } from 'undici';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import type { Service } from '../../../scenarios/schema.js';
import { GrpcInstanceServer } from './grpc-server.js';
import { GrpcUpstream } from './grpc-upstream.js';
import { HttpUpstream } from './http-upstream.js';
import { Http1InstanceServer } from './http1-server.js';
import { Http2InstanceServer } from './http2-server.js';
import type { InstanceServer, ServeExchange } from './inbound-exchange.js';
import type { InboundTls } from './listen-loopback.js';
import type { LiveUpstream } from './live-upstream.js';

/** The protocol a service's instances serve in live mode (the scenario's `protocol`). */
export type Protocol = Service['protocol'];

/** Where a callee's hosts listen, and the hooks for how to reach them (TLS). */
export interface UpstreamHosts {
  /** `http://127.0.0.1:<port>` of each host, in the router's host order (`https://` once TLS is on). */
  origin(host: number): string;
  /**
   * undici Pool options for host `host` over HTTP/1.1 and HTTP/2 (TLS `connect` options);
   * spread over the protocol's own, so HTTP/2 over TLS is `{ allowH2: true, connect: {…} }`.
   */
  poolOptions?(host: number): Pool.Options;
  /** The gRPC channel's credentials for host `host`; insecure by default. */
  grpcCredentials?(host: number): ChannelCredentials;
  /** More gRPC channel options for host `host` (`grpc.ssl_target_name_override` with TLS). */
  grpcChannelOptions?(host: number): ChannelOptions;
}

/**
 * HTTP/2 without TLS: h2c with prior knowledge. undici 7 does it (`useH2c`, which its Pool
 * passes on to its connector only through `connect`); over TLS, `allowH2` with ALPN.
 */
const H2C_POOL_OPTIONS = { allowH2: true, connect: { useH2c: true } } as Pool.Options;

/**
 * An instance's server for `protocol`, serving each exchange through `serve`; with `tls`
 * its port terminates mTLS by the PeerAuthentication mode (the sidecar's mesh listener), on every protocol.
 */
export function createInstanceServer(protocol: Protocol, serve: ServeExchange, tls: InboundTls | null = null): InstanceServer {
  switch (protocol) {
    case 'http1':
      return new Http1InstanceServer(serve, tls);
    case 'http2':
      return new Http2InstanceServer(serve, tls);
    case 'grpc':
      return new GrpcInstanceServer(serve, tls);
  }
}

/** The router's transport to a callee serving `protocol` on `hosts`. */
export function createUpstream(protocol: Protocol, clock: Clock, hosts: UpstreamHosts): LiveUpstream {
  switch (protocol) {
    case 'http1':
      return new HttpUpstream(clock, hosts);
    case 'http2':
      return new HttpUpstream(clock, {
        origin: (host) => hosts.origin(host),
        poolOptions: (host) => ({ ...H2C_POOL_OPTIONS, ...hosts.poolOptions?.(host) }),
      });
    case 'grpc':
      return new GrpcUpstream(clock, {
        target: (host) => new URL(hosts.origin(host)).host,
        credentials: hosts.grpcCredentials && ((host) => hosts.grpcCredentials!(host)),
        channelOptions: hosts.grpcChannelOptions && ((host) => hosts.grpcChannelOptions!(host)),
      });
  }
}
