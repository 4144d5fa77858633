import type { AttemptHandler, Upstream, UpstreamAttempt } from '../../../proxy-core/call/upstream.js';
import type { LiveCall } from '../live-call.js';

/**
 * The router's transport to one callee in live mode, whatever the protocol: the core's
 * {@link Upstream} plus what the mesh's fault rules and its end need. HTTP/1.1 and HTTP/2
 * (`HttpUpstream`, undici) and gRPC (`GrpcUpstream`, grpc-js) implement it.
 */
export interface LiveUpstream extends Upstream<LiveCall> {
  /** Sends attempt `number` of `call` to `host`, after `delayMs` when a latency fault holds it back. */
  send(call: LiveCall, host: number, number: number, expectedTimeoutMs: number, handler: AttemptHandler<LiveCall>, delayMs?: number): void;
  /** A fault loses the attempt on the wire (a partition, a blackhole): it is sent and never answered. */
  lose(call: LiveCall, host: number, number: number, handler: AttemptHandler<LiveCall>): void;
  /** A fault aborts the attempt with HTTP `status` after `delayMs`, as Envoy's fault filter answers locally. */
  abort(call: LiveCall, host: number, number: number, handler: AttemptHandler<LiveCall>, status: number, delayMs: number): void;
  abandon(attempt: UpstreamAttempt<LiveCall>): void;
  /** Opens up to `count` connections to each of `hosts` hosts ahead of the run (a transport with one multiplexed channel may do nothing). */
  preconnect(hosts: number, count: number): Promise<void>;
  /** Closes every connection once its requests have ended. */
  close(): Promise<void>;
  /** Closes every connection at once. */
  destroy(): Promise<void>;
}
