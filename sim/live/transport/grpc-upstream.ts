import { Client, credentials, Metadata, type ChannelCredentials, type ChannelOptions, type ClientUnaryCall, type StatusObject } from '@grpc/grpc-js';
import { GRPC_STATUS } from '../../../proxy-core/call/grpc-status.js';
import { headerValue } from '../../../proxy-core/call/headers.js';
import { parseRetryAfter } from '../../../proxy-core/call/retry-after.js';
import type { AttemptHandler } from '../../../proxy-core/call/upstream.js';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import type { LiveCall } from '../live-call.js';
import { ECHO_CALL_PATH, decodePayload } from './grpc-echo.js';
import { headersOfMetadata } from './grpc-server.js';
import { attemptHeaders } from './http-upstream.js';
import type { LiveUpstream } from './live-upstream.js';
import { failureOfGrpcStatus, grpcStatusOfHttp, httpStatusOfGrpc, outcomeOfAnswer, statedCause } from './protocol-status.js';
import { LOCAL_REPLY_DETAIL, RETRY_AFTER } from './wire-headers.js';
import { WireAttempt, WireUpstream } from './wire-upstream.js';

/** Where the hosts of a gRPC upstream listen, and how to reach them. */
export interface GrpcHosts {
  /** `127.0.0.1:<port>` of each host, in the router's host order. */
  target(host: number): string;
  /** The channel's credentials for host `host` (the TLS hook); insecure by default. */
  credentials?(host: number): ChannelCredentials;
  /** More channel options for host `host` (`grpc.ssl_target_name_override`…), over the transport's own. */
  channelOptions?(host: number): ChannelOptions;
}

/**
 * The transport's channel options. grpc-js must not retry, hedge or throttle (proxy-core
 * does, as Envoy); its reconnect backoff is short, as Envoy connects again on the next
 * request after a crash; each upstream has its own subchannels, so `destroy` closes them.
 */
const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.enable_retries': 0,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.use_local_subchannel_pool': 1,
};

/**
 * The deadline sent (`grpc-timeout`) and enforced by grpc-js is the attempt's expected
 * timeout plus this: the router's own per-try or overall timer, due first, decides; the
 * deadline is what the callee sees, and a backstop.
 */
const DEADLINE_GRACE_MS = 5;

/** Request headers gRPC sets itself (or forbids), not carried into the metadata. */
function isOwnHeader(name: string): boolean {
  return name.charCodeAt(0) === 58 /* : */ || name.startsWith('grpc-') || name === 'content-type' || name === 'te' || name === 'user-agent' || name === 'host' || name === 'connection';
}

const EMPTY = Buffer.alloc(0);
const same = (b: Buffer): Buffer => b;

/** One attempt on the wire: the unary gRPC call that carries it. */
export class GrpcAttempt extends WireAttempt {
  /** grpc-js's call, once started. */
  grpcCall: ClientUnaryCall | null = null;
  /** Response headers arrived: the status that ends the call is the server's. */
  headersReceived = false;
  /** The response message, when the call succeeded. */
  message: Buffer | null = null;
}

/**
 * The router's transport for gRPC in live mode (grpc-js, no codegen): each attempt is one
 * unary call of `faultline.echo.v1.Echo/Call` on a channel per host, with the call's headers
 * and Envoy's attempt headers as metadata, the attempt's expected timeout as its deadline,
 * and `call.cancel()` when the router abandons it. The scenario call's own method and path
 * are not carried: every gRPC attempt calls the one method (so authorization rules on paths
 * match `/faultline.echo.v1.Echo/Call`).
 *
 * The answer reaches the router as HTTP's does (protocol-status.ts): the HTTP status its
 * gRPC status maps to, with the gRPC status, the callee sidecar's reason read from the
 * trailing metadata. A status grpc-js makes up without an answer (no headers, no trailers)
 * is a transport failure: `connect-failure` or `reset`; a local DEADLINE_EXCEEDED is a 504.
 */
export class GrpcUpstream extends WireUpstream<GrpcAttempt> implements LiveUpstream {
  private readonly clients: (Client | undefined)[] = [];
  private readonly inFlight = new Set<GrpcAttempt>();

  constructor(
    clock: Clock,
    private readonly hosts: GrpcHosts,
  ) {
    super(clock);
  }

  protected newAttempt(call: LiveCall, host: number, number: number, sentAt: number, handler: AttemptHandler<LiveCall>): GrpcAttempt {
    return new GrpcAttempt(call, host, number, sentAt, handler);
  }

  protected cancelOnWire(a: GrpcAttempt): void {
    this.inFlight.delete(a);
    a.grpcCall?.cancel();
  }

  /** Envoy's fault filter answers gRPC with the gRPC status its HTTP status maps to. */
  protected override abortGrpcStatus(status: number): number {
    return grpcStatusOfHttp(status);
  }

  /** One HTTP/2 channel per host carries every call: nothing to open ahead (its connection opens on the first call). */
  async preconnect(): Promise<void> {}

  /** Closes every channel: calls in flight end first. */
  async close(): Promise<void> {
    for (const client of this.clients) client?.close();
  }

  /** Cancels every call in flight and closes every channel. */
  async destroy(): Promise<void> {
    for (const a of this.inFlight) {
      a.cancelled = true;
      a.grpcCall?.cancel();
    }
    this.inFlight.clear();
    for (const client of this.clients) client?.close();
  }

  private client(host: number): Client {
    const hosts = this.hosts;
    return (this.clients[host] ??= new Client(hosts.target(host), hosts.credentials?.(host) ?? credentials.createInsecure(), {
      ...CHANNEL_OPTIONS,
      ...hosts.channelOptions?.(host),
    }));
  }

  protected start(a: GrpcAttempt): void {
    const metadata = new Metadata();
    const headers = attemptHeaders(a.call, a.number, a.expectedTimeoutMs);
    for (const name in headers) {
      if (isOwnHeader(name)) continue;
      const value = headers[name];
      try {
        if (typeof value === 'string') metadata.set(name, value);
        else for (const v of value) metadata.add(name, v);
      } catch {
        // not a valid metadata key or value: left out, as a gRPC proxy would drop it
      }
    }
    const remainingMs = a.expectedTimeoutMs - (this.clock.now() - a.sentAt);
    const deadline = Number.isFinite(remainingMs) ? Date.now() + Math.max(1, remainingMs) + DEADLINE_GRACE_MS : Infinity;
    const grpcCall = this.client(a.host).makeUnaryRequest(ECHO_CALL_PATH, same, same, EMPTY, metadata, { deadline }, (_error, value) => {
      if (value !== undefined) a.message = value;
    });
    a.grpcCall = grpcCall;
    this.inFlight.add(a);
    grpcCall.on('metadata', () => {
      a.headersReceived = true;
    });
    grpcCall.on('status', (status: StatusObject) => {
      this.inFlight.delete(a);
      if (!a.abandoned && !a.cancelled) this.settle(a, status);
    });
  }

  private settle(a: GrpcAttempt, status: StatusObject): void {
    const trailers = headersOfMetadata(status.metadata);
    const answered = a.headersReceived || Object.keys(trailers).length > 0;
    const handler = a.handler;
    if (!answered) {
      if (status.code === GRPC_STATUS.DEADLINE_EXCEEDED) return handler.onAttemptResponse(a, 504, 'timeout', status.code, -1, null);
      const failure = failureOfGrpcStatus(status.details);
      return handler.onAttemptError(a, failure.cause, failure.detail);
    }
    const detail = headerValue(trailers, LOCAL_REPLY_DETAIL) ?? null;
    const cause = statedCause(trailers);
    if (cause === 'reset' || cause === 'connect-failure') return handler.onAttemptError(a, cause, detail);
    const http = httpStatusOfGrpc(status.code);
    const retryAfter = headerValue(trailers, RETRY_AFTER);
    const retryAfterMs = retryAfter === undefined ? -1 : parseRetryAfter(retryAfter, this.clock.epochMs());
    handler.onAttemptResponseStart(a, http, outcomeOfAnswer(http, status.code, trailers), status.code, retryAfterMs, detail, trailers);
    if (a.abandoned) return;
    if (a.message !== null && a.message.length > 0) handler.onAttemptResponseData(a, decodePayload(a.message));
    if (!a.abandoned) handler.onAttemptResponseEnd(a, status.code, trailers);
  }
}
