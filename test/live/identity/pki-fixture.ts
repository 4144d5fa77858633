/**
 * Shared setup of the live identity tests: a CA per file (keys are generated once per file,
 * a few ms each), workloads started on it, and promise forms of the callback APIs.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Clock, TimerHandle } from '../../../proxy-core/clock/clock.js';
import { workloadId, type SpiffeId } from '../../../proxy-core/identity/spiffe-id.js';
import type { WorkloadIdentityOptions } from '../../../proxy-core/identity/workload-identity.js';
import { fixedIssuer } from '../../../sim/live/identity/bad-certificates.js';
import { MeshListener, type ConnectionRefusal, type MeshListenerOptions } from '../../../sim/live/identity/mesh-listener.js';
import type { PeerAccepted, PeerVerdict } from '../../../sim/live/identity/peer-verification.js';
import { WorkloadTls } from '../../../sim/live/identity/workload-tls.js';
import type { X509Authority, X509WorkloadCertificate } from '../../../sim/live/identity/x509-authority.js';

export const TRUST_DOMAIN = 'cluster.local';
export const ORDERS = workloadId(TRUST_DOMAIN, 'shop', 'orders');
export const FRONTEND = workloadId(TRUST_DOMAIN, 'shop', 'frontend');

/**
 * Wall time and `now()` are real; timers wait until {@link SteppedClock.fire} runs them, so
 * a test rotates a certificate when it chooses, with X.509 validity still against real time.
 */
export class SteppedClock implements Clock {
  private next = 1;
  private readonly timers = new Map<TimerHandle, { callback: (arg: unknown) => void; arg: unknown; delayMs: number }>();
  now(): number {
    return performance.now();
  }
  epochMs(): number {
    return Date.now();
  }
  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    const handle = this.next++;
    this.timers.set(handle, { callback: callback as (arg: unknown) => void, arg, delayMs });
    return handle;
  }
  scheduleBackground<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle {
    return this.schedule(delayMs, callback, arg);
  }
  cancel(handle: TimerHandle): void {
    this.timers.delete(handle);
  }
  /** Delays of the pending timers. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.delayMs);
  }
  /** Runs every pending timer now (a rotation or a CSR retry falls due). */
  fire(): void {
    const due = [...this.timers.entries()];
    this.timers.clear();
    for (const [, t] of due) t.callback(t.arg);
  }
}

/** Starts a workload on `authority`. */
export function startWorkload(clock: Clock, authority: X509Authority, subject: SpiffeId, options?: WorkloadIdentityOptions): Promise<WorkloadTls> {
  return WorkloadTls.start(clock, authority, subject, options);
}

/** A workload stuck with `certificate` (a bad one to present), trusting what `authority` trusts. */
export function stuckWorkload(clock: Clock, authority: X509Authority, certificate: X509WorkloadCertificate): Promise<WorkloadTls> {
  return WorkloadTls.start(clock, fixedIssuer(certificate), certificate.subject, {}, authority.trust);
}

/** What a client's connect came to. */
export interface Connected {
  error: Error | null;
  socket: TLSSocket | null;
  verdict: PeerVerdict | null;
}

/** {@link WorkloadTls.connect} as a promise that never rejects. */
export function connect(tls: WorkloadTls, port: number, expected: SpiffeId, ALPNProtocols?: string[]): Promise<Connected> {
  return new Promise((resolve) => {
    tls.connect({ host: '127.0.0.1', port, expected, ALPNProtocols }, (error, socket, verdict) => resolve({ error, socket, verdict }));
  });
}

/** A listener that records what it admits and refuses, and answers each admitted connection with a line and closes. */
export interface RecordingListener {
  listener: MeshListener;
  port: number;
  admitted: { socket: Socket | TLSSocket; peer: PeerAccepted | null }[];
  refused: ConnectionRefusal[];
  /** Resolves with the next refusal. */
  nextRefusal(): Promise<ConnectionRefusal>;
  /** Resolves with the next admission. */
  nextAdmission(): Promise<{ socket: Socket | TLSSocket; peer: PeerAccepted | null }>;
}

/**
 * Listens on 127.0.0.1:0. `onConnection` defaults to writing the peer's principal (or
 * `plaintext`) and closing.
 */
export async function recordingListener(options: Omit<MeshListenerOptions, 'onConnection' | 'onRefused'> & { onConnection?: MeshListenerOptions['onConnection'] }): Promise<RecordingListener> {
  const admitted: RecordingListener['admitted'] = [];
  const refused: ConnectionRefusal[] = [];
  let refusalWaiters: ((r: ConnectionRefusal) => void)[] = [];
  let admissionWaiters: ((a: RecordingListener['admitted'][number]) => void)[] = [];
  const listener = new MeshListener({
    ...options,
    onConnection: (socket, peer) => {
      const entry = { socket, peer };
      admitted.push(entry);
      const waiters = admissionWaiters;
      admissionWaiters = [];
      for (const w of waiters) w(entry);
      if (options.onConnection) return options.onConnection(socket, peer);
      socket.end(`${peer?.identity.principal ?? 'plaintext'}\n`);
    },
    onRefused: (refusal) => {
      refused.push(refusal);
      const waiters = refusalWaiters;
      refusalWaiters = [];
      for (const w of waiters) w(refusal);
    },
  });
  const { port } = await listener.listen();
  return {
    listener,
    port,
    admitted,
    refused,
    nextRefusal: () => new Promise((resolve) => refusalWaiters.push(resolve)),
    nextAdmission: () => new Promise((resolve) => admissionWaiters.push(resolve)),
  };
}

/** Reads a socket to its end (or its close), as text. */
export function readAll(socket: Socket | TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
}
