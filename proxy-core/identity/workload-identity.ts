import type { WorkloadCertificate } from './certificate-authority.js';
import type { CertificateIssuer } from './certificate-issuer.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Rng } from '../clock/rng.js';
import type { SpiffeId } from './spiffe-id.js';

// Istio: security/pkg/nodeagent/cache/secretcache.go rotateTime(); istio-agent SECRET_GRACE_PERIOD_RATIO

/** Istio's `SECRET_GRACE_PERIOD_RATIO` default: rotate when half the lifetime remains. */
export const DEFAULT_SECRET_GRACE_PERIOD_RATIO = 0.5;

/** Options of a {@link WorkloadIdentity}; every field optional. */
export interface WorkloadIdentityOptions {
  /**
   * `SECRET_GRACE_PERIOD_RATIO`: the certificate is rotated once its remaining lifetime is at
   * most `graceRatio ×` its lifetime. In [0, 1]; default 0.5 (a 24 h certificate rotates at 12 h).
   */
  readonly graceRatio?: number;
  /**
   * `SECRET_GRACE_PERIOD_RATIO_JITTER`: each certificate's ratio is moved by a uniform draw in
   * ±jitter. In [0, 1]; default 0 here (Istio ≥ 1.24 defaults to 0.01), and needs `rng`.
   */
  readonly graceRatioJitter?: number;
  /** Where the jitter draws come from; required when `graceRatioJitter > 0`. */
  readonly rng?: Rng;
}

/** The numeric part of {@link WorkloadIdentityOptions} with defaults filled in. */
export interface WorkloadIdentityConfig {
  /** See {@link WorkloadIdentityOptions.graceRatio}. */
  readonly graceRatio: number;
  /** See {@link WorkloadIdentityOptions.graceRatioJitter}. */
  readonly graceRatioJitter: number;
}

/** Defaults of {@link WorkloadIdentityOptions}. */
export const DEFAULT_WORKLOAD_IDENTITY: WorkloadIdentityConfig = {
  graceRatio: DEFAULT_SECRET_GRACE_PERIOD_RATIO,
  graceRatioJitter: 0,
};

/**
 * Validates `options` and fills in the defaults.
 *
 * @throws RangeError if a ratio is outside [0, 1] or jitter is asked for without an `rng`.
 */
export function resolveWorkloadIdentity(options: WorkloadIdentityOptions = {}): WorkloadIdentityConfig {
  const graceRatio = options.graceRatio ?? DEFAULT_WORKLOAD_IDENTITY.graceRatio;
  const graceRatioJitter = options.graceRatioJitter ?? DEFAULT_WORKLOAD_IDENTITY.graceRatioJitter;
  if (!(graceRatio >= 0 && graceRatio <= 1)) {
    throw new RangeError(`workload identity: grace period ratio must be in [0, 1], got ${graceRatio}`);
  }
  if (!(graceRatioJitter >= 0 && graceRatioJitter <= 1)) {
    throw new RangeError(`workload identity: grace period ratio jitter must be in [0, 1], got ${graceRatioJitter}`);
  }
  if (graceRatioJitter > 0 && options.rng === undefined) {
    throw new RangeError('workload identity: a grace period ratio jitter needs an rng');
  }
  return { graceRatio, graceRatioJitter };
}

/**
 * How long to wait before asking again when the CA could not sign (an outage): 1 s. Istio's
 * agent retries the CSR with a backoff; a fixed second keeps a simulated outage cheap and a
 * recovery prompt.
 */
export const DEFAULT_CSR_RETRY_MS = 1000;

/** Hears a workload's certificate changes. */
export interface WorkloadIdentityListener {
  /** A new certificate replaced the previous one (not called for the first). */
  onRotated?(identity: WorkloadIdentity, certificate: WorkloadCertificate): void;
}

/**
 * A workload's certificate as istio-agent keeps it: requested from the CA when started, and
 * rotated by a timer at `expiry − graceRatio × lifetime` (lifetime counted from when the
 * agent got it, as Istio's `rotateTime`). While the CA cannot sign it keeps serving the old
 * certificate, even once expired, and asks again every {@link DEFAULT_CSR_RETRY_MS}. Its
 * timers are background timers: they never keep a run alive.
 */
export class WorkloadIdentity {
  /** The resolved configuration. */
  readonly config: WorkloadIdentityConfig;
  /** The identity it holds certificates for. */
  readonly subject: SpiffeId;
  /** Certificates replaced by a newer one (the first issue is not a rotation). */
  rotations = 0;
  /** Wall time (Unix ms) from which the current certificate is due for rotation; `-Infinity` when there is none. */
  rotateAt = -Infinity;
  private readonly clock: Clock;
  private readonly issuer: CertificateIssuer;
  private readonly rng: Rng | null;
  private readonly listener: WorkloadIdentityListener;
  private current: WorkloadCertificate | null = null;
  private timer: TimerHandle = 0;
  private started = false;

  /**
   * Creates the identity without a certificate; {@link WorkloadIdentity.start} asks the CA.
   *
   * @throws RangeError for invalid options (see {@link resolveWorkloadIdentity}), or if
   * `subject` is outside the issuer's trust domain.
   */
  constructor(clock: Clock, issuer: CertificateIssuer, subject: SpiffeId, options: WorkloadIdentityOptions = {}, listener: WorkloadIdentityListener = {}) {
    this.config = resolveWorkloadIdentity(options);
    if (subject.trustDomain !== issuer.trustDomain) {
      throw new RangeError(`workload identity ${subject.uri}: CA ${issuer.name} signs for trust domain ${issuer.trustDomain} only`);
    }
    this.clock = clock;
    this.issuer = issuer;
    this.subject = subject;
    this.rng = options.rng ?? null;
    this.listener = listener;
  }

  /** Asks the CA for the first certificate; rotation follows by timer. Starting twice does nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.request();
  }

  /** Cancels the pending rotation or retry (teardown). */
  stop(): void {
    this.started = false;
    if (this.timer !== 0) this.clock.cancel(this.timer);
    this.timer = 0;
  }

  /** The certificate to present now: `null` until the CA has answered once. */
  certificate(): WorkloadCertificate | null {
    return this.current;
  }

  /**
   * The fraction of its lifetime the current certificate has left at `nowEpochMs` (1 before
   * the first; negative once expired) — Envoy's `server.days_until_first_cert_expiring`, as a
   * fraction. At most the grace ratio once the certificate is due for rotation.
   */
  lifeLeft(nowEpochMs: number): number {
    const cert = this.current;
    if (cert === null) return 1;
    const lifetime = cert.notAfter - cert.issuedAt;
    return lifetime > 0 ? (cert.notAfter - nowEpochMs) / lifetime : 0;
  }

  private request(): void {
    this.timer = 0;
    this.issuer.requestCertificate(this.subject, WorkloadIdentity.received, this);
  }

  /** The issuer's answer (static: requesting allocates no closure). */
  private static received(identity: WorkloadIdentity, certificate: WorkloadCertificate | null): void {
    if (!identity.started) return;
    if (certificate === null) {
      identity.timer = identity.clock.scheduleBackground(DEFAULT_CSR_RETRY_MS, WorkloadIdentity.due, identity);
      return;
    }
    const previous = identity.current;
    const now = identity.clock.epochMs();
    identity.current = certificate;
    identity.rotateAt = certificate.notAfter - identity.ratio() * (certificate.notAfter - now);
    // A certificate due at once (a CA whose clock runs far behind) is asked for again no sooner than a retry.
    identity.timer = identity.clock.scheduleBackground(Math.max(identity.rotateAt - now, DEFAULT_CSR_RETRY_MS), WorkloadIdentity.due, identity);
    if (previous !== null) {
      identity.rotations += 1;
      identity.listener.onRotated?.(identity, certificate);
    }
  }

  private static due(identity: WorkloadIdentity): void {
    identity.request();
  }

  private ratio(): number {
    const { graceRatio, graceRatioJitter } = this.config;
    if (graceRatioJitter === 0 || this.rng === null) return graceRatio;
    const r = graceRatio + (2 * this.rng.next() - 1) * graceRatioJitter;
    return r < 0 ? 0 : r > 1 ? 1 : r;
  }
}
