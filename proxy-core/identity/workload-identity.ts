import type { CertificateAuthority, WorkloadCertificate } from './certificate-authority.js';
import type { Clock } from '../clock/clock.js';
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
 * A workload's certificate as istio-agent keeps it: fetched from the CA on first use and
 * rotated lazily, when read at or after `expiry − graceRatio × lifetime` (lifetime counted
 * from when the agent got it, as Istio's `rotateTime`). While the CA is down it keeps
 * serving the old certificate, even once expired, and tries again at every read.
 */
export class WorkloadIdentity {
  /** The resolved configuration. */
  readonly config: WorkloadIdentityConfig;
  /** The identity it holds certificates for. */
  readonly subject: SpiffeId;
  /** Certificates replaced by a newer one (the first issue is not a rotation). */
  rotations = 0;
  /** Clock time from which the current certificate is due for rotation; `-Infinity` when there is none. */
  rotateAt = -Infinity;
  private readonly clock: Clock;
  private readonly ca: CertificateAuthority;
  private readonly rng: Rng | null;
  private current: WorkloadCertificate | null = null;

  /**
   * Creates the identity without a certificate; the first {@link WorkloadIdentity.certificate}
   * call asks the CA.
   *
   * @throws RangeError for invalid options (see {@link resolveWorkloadIdentity}), or if
   * `subject` is outside the CA's trust domain.
   */
  constructor(clock: Clock, ca: CertificateAuthority, subject: SpiffeId, options: WorkloadIdentityOptions = {}) {
    this.config = resolveWorkloadIdentity(options);
    if (subject.trustDomain !== ca.trustDomain) {
      throw new RangeError(`workload identity ${subject.uri}: CA ${ca.name} signs for trust domain ${ca.trustDomain} only`);
    }
    this.clock = clock;
    this.ca = ca;
    this.subject = subject;
    this.rng = options.rng ?? null;
  }

  /**
   * The certificate to present now: the current one, replaced first if it is due for rotation
   * and the CA is available. `null` only before the CA has ever answered.
   */
  certificate(): WorkloadCertificate | null {
    const now = this.clock.now();
    if (now < this.rotateAt) return this.current;
    const fresh = this.ca.issue(this.subject);
    if (fresh === null) return this.current;
    if (this.current !== null) this.rotations += 1;
    this.current = fresh;
    this.rotateAt = fresh.notAfter - this.ratio() * (fresh.notAfter - now);
    return fresh;
  }

  /** The certificate held now, without asking the CA. */
  peek(): WorkloadCertificate | null {
    return this.current;
  }

  private ratio(): number {
    const { graceRatio, graceRatioJitter } = this.config;
    if (graceRatioJitter === 0 || this.rng === null) return graceRatio;
    const r = graceRatio + (2 * this.rng.next() - 1) * graceRatioJitter;
    return r < 0 ? 0 : r > 1 ? 1 : r;
  }
}
