import type { Clock } from '../clock/clock.js';
import type { CertificateIssuer } from './certificate-issuer.js';
import { checkTrustDomainName, isSpiffeIdError, type SpiffeId } from './spiffe-id.js';

// Istio: security/pkg/cmd/constants.go DefaultWorkloadCertTTL (24h), DefaultMaxWorkloadCertTTL (90d)

/** Istio's default workload certificate lifetime: 24 h (`DEFAULT_WORKLOAD_CERT_TTL`, agent `SECRET_TTL`). */
export const DEFAULT_WORKLOAD_CERT_TTL_MS = 24 * 60 * 60 * 1000;

/** Istio's maximum workload certificate lifetime: 90 days (`MAX_WORKLOAD_CERT_TTL`). */
export const MAX_WORKLOAD_CERT_TTL_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * An X.509-SVID as the core sees it: who, signed by whom, valid when (wall time, Unix ms,
 * from {@link Clock.epochMs}). A live issuer returns an object with the PEM material besides.
 */
export interface WorkloadCertificate {
  /** Serial number, unique per CA, counting from 1. */
  readonly serial: number;
  /** The SPIFFE ID in the certificate's URI SAN. */
  readonly subject: SpiffeId;
  /** Name of the issuing CA (what a {@link TrustBundle}'s `issuers` lists). */
  readonly issuer: string;
  /** The issuing CA's trust domain. */
  readonly trustDomain: string;
  /** Wall time at which the CA signed it (the mesh's clock, without the CA's skew), Unix ms. */
  readonly issuedAt: number;
  /** Start of validity, Unix ms (issue time plus the CA's clock skew). */
  readonly notBefore: number;
  /** End of validity, Unix ms (inclusive, as X.509 `notAfter`). */
  readonly notAfter: number;
}

/** Options of a {@link CertificateAuthority}; only `trustDomain` is required. */
export interface CertificateAuthorityOptions {
  /** The trust domain it signs for, e.g. `cluster.local`. */
  readonly trustDomain: string;
  /** Its name, the certificates' `issuer`; default `istiod.<trustDomain>`. */
  readonly name?: string;
  /** Lifetime of issued certificates; default {@link DEFAULT_WORKLOAD_CERT_TTL_MS} (24 h). */
  readonly workloadTtlMs?: number;
  /**
   * How far the CA's clock runs ahead of the mesh clock (negative: behind); default 0.
   * A positive skew issues certificates that are not yet valid for their first `skew` ms.
   */
  readonly clockSkewMs?: number;
}

/** A {@link CertificateAuthorityOptions} with its defaults filled in. */
export type CertificateAuthorityConfig = Required<CertificateAuthorityOptions>;

/** Defaults of the optional {@link CertificateAuthorityOptions} (the name depends on the trust domain). */
export const DEFAULT_CERTIFICATE_AUTHORITY = {
  workloadTtlMs: DEFAULT_WORKLOAD_CERT_TTL_MS,
  clockSkewMs: 0,
} as const;

/**
 * Validates `options` and fills in Istio's defaults.
 *
 * @throws RangeError for an invalid trust domain, an empty name, a lifetime that is not in
 * (0, 90 days] or a non-finite skew.
 */
export function resolveCertificateAuthority(options: CertificateAuthorityOptions): CertificateAuthorityConfig {
  const { trustDomain } = options;
  try {
    checkTrustDomainName(trustDomain);
  } catch (error) {
    if (isSpiffeIdError(error)) throw new RangeError(`certificate authority: trust domain: ${error.message}`);
    throw error;
  }
  const name = options.name ?? `istiod.${trustDomain}`;
  const workloadTtlMs = options.workloadTtlMs ?? DEFAULT_CERTIFICATE_AUTHORITY.workloadTtlMs;
  const clockSkewMs = options.clockSkewMs ?? DEFAULT_CERTIFICATE_AUTHORITY.clockSkewMs;
  if (name.length === 0) throw new RangeError('certificate authority: name must not be empty');
  if (!(workloadTtlMs > 0) || workloadTtlMs > MAX_WORKLOAD_CERT_TTL_MS) {
    throw new RangeError(`certificate authority: workload certificate TTL must be in (0, 90 days] ms, got ${workloadTtlMs}`);
  }
  if (!Number.isFinite(clockSkewMs)) {
    throw new RangeError(`certificate authority: clock skew must be a finite number of ms, got ${clockSkewMs}`);
  }
  return { trustDomain, name, workloadTtlMs, clockSkewMs };
}

/**
 * A scenario's certificate authority (istiod's CA): signs workload certificates for its
 * trust domain with a fixed lifetime, as descriptors (the simulator's issuer; live mode
 * plugs a real X.509 issuer into the same {@link CertificateIssuer} seam). A scenario can
 * take it down (`available = false`: it signs nothing) and skew its clock.
 */
export class CertificateAuthority implements CertificateIssuer {
  /** The resolved configuration. */
  readonly config: CertificateAuthorityConfig;
  /** Its name, the `issuer` of its certificates. */
  readonly name: string;
  /** The trust domain it signs for. */
  readonly trustDomain: string;
  /** Whether it answers signing requests; a scenario fault sets this to `false`. */
  available = true;
  /** Current skew of its clock against the mesh clock, ms (initially `config.clockSkewMs`). */
  clockSkewMs: number;
  /** Certificates issued so far. */
  issued = 0;
  private readonly clock: Clock;

  /**
   * Creates an available CA.
   *
   * @throws RangeError for invalid options (see {@link resolveCertificateAuthority}).
   */
  constructor(clock: Clock, options: CertificateAuthorityOptions) {
    this.config = resolveCertificateAuthority(options);
    this.name = this.config.name;
    this.trustDomain = this.config.trustDomain;
    this.clockSkewMs = this.config.clockSkewMs;
    this.clock = clock;
  }

  /**
   * Signs a certificate for `subject`, valid from now (plus the CA's skew) for the
   * configured TTL; `null` while the CA is unavailable.
   *
   * @throws RangeError if `subject` is in another trust domain: a SPIFFE authority only
   * asserts identities in its own trust domain (SPIFFE-ID.md §4.1.2).
   */
  issue(subject: SpiffeId): WorkloadCertificate | null {
    if (subject.trustDomain !== this.trustDomain) {
      throw new RangeError(`certificate authority ${this.name}: cannot sign ${subject.uri}, which is outside trust domain ${this.trustDomain}`);
    }
    if (!this.available) return null;
    const now = this.clock.epochMs();
    const notBefore = now + this.clockSkewMs;
    this.issued += 1;
    return {
      serial: this.issued,
      subject,
      issuer: this.name,
      trustDomain: this.trustDomain,
      issuedAt: now,
      notBefore,
      notAfter: notBefore + this.config.workloadTtlMs,
    };
  }

  /** {@link CertificateIssuer}: answers at once with {@link CertificateAuthority.issue}'s result. */
  requestCertificate<T>(subject: SpiffeId, done: (arg: T, certificate: WorkloadCertificate | null) => void, arg: T): void {
    done(arg, this.issue(subject));
  }
}
