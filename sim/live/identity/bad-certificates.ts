import type { Clock } from '../../../proxy-core/clock/clock.js';
import type { WorkloadCertificate } from '../../../proxy-core/identity/certificate-authority.js';
import type { CertificateIssuer } from '../../../proxy-core/identity/certificate-issuer.js';
import { parseSpiffeId, SPIFFE_SCHEME_PREFIX, type SpiffeId } from '../../../proxy-core/identity/spiffe-id.js';
import { X509Authority, type X509WorkloadCertificate } from './x509-authority.js';

/** The deliberately bad certificates {@link BadCertificates} mints, one per certificate failure of the core. */
export const BAD_CERTIFICATE_KINDS = ['expired', 'not-yet-valid', 'wrong-trust-domain', 'untrusted-issuer'] as const;

/** One of {@link BAD_CERTIFICATE_KINDS}. */
export type BadCertificateKind = (typeof BAD_CERTIFICATE_KINDS)[number];

/** How far outside its validity a bad certificate is: an hour, far beyond any clock skew or test slowness. */
const MARGIN_MS = 3_600_000;

/**
 * Mints certificates that a peer of `authority`'s workloads must refuse, for tests and
 * chaos runs, each carrying the material its holder needs to present it:
 *
 * - `expired` / `not-yet-valid`: signed by `authority`, valid until an hour ago / from in an hour;
 * - `wrong-trust-domain`: the subject's path in another trust domain, signed by that
 *   domain's CA, which the bundle does not list;
 * - `untrusted-issuer`: the subject itself, signed by a rogue CA of the same trust domain and
 *   name that the bundle does not list.
 *
 * Each holds `authority`'s trust as its own, so its holder still verifies honest peers.
 */
export class BadCertificates {
  /** The CA whose workloads are to refuse them. */
  readonly authority: X509Authority;
  private readonly clock: Clock;
  private readonly foreign: X509Authority;
  private readonly rogue: X509Authority;

  private constructor(authority: X509Authority, clock: Clock, foreign: X509Authority, rogue: X509Authority) {
    this.authority = authority;
    this.clock = clock;
    this.foreign = foreign;
    this.rogue = rogue;
  }

  /** Generates the foreign and the rogue CA (untrusted by `authority.trust`). */
  static async create(authority: X509Authority, clock: Clock, foreignTrustDomain = 'foreign.example'): Promise<BadCertificates> {
    const untrusted = { trust: authority.trust, trusted: false, workloadTtlMs: authority.config.workloadTtlMs };
    const [foreign, rogue] = await Promise.all([
      X509Authority.create(clock, { ...untrusted, trustDomain: foreignTrustDomain }),
      X509Authority.create(clock, { ...untrusted, trustDomain: authority.trustDomain, name: authority.name }),
    ]);
    return new BadCertificates(authority, clock, foreign, rogue);
  }

  /** The root of the foreign trust domain's CA: a CA of the run that the mesh does not trust (a partner mesh's). */
  get foreignRootPem(): string {
    return this.foreign.root.certPem;
  }

  /** A certificate of `kind` for `subject` (in the foreign domain for `wrong-trust-domain`). */
  mint(kind: BadCertificateKind, subject: SpiffeId): Promise<X509WorkloadCertificate> {
    const now = this.clock.epochMs();
    const ttl = this.authority.config.workloadTtlMs;
    switch (kind) {
      case 'expired':
        return this.authority.mint(subject, { notBefore: now - MARGIN_MS - ttl, notAfter: now - MARGIN_MS });
      case 'not-yet-valid':
        return this.authority.mint(subject, { notBefore: now + MARGIN_MS, notAfter: now + MARGIN_MS + ttl });
      case 'wrong-trust-domain': {
        const id = parseSpiffeId(`${SPIFFE_SCHEME_PREFIX}${this.foreign.trustDomain}${subject.path}`);
        return this.foreign.mint(id, { notBefore: now, notAfter: now + ttl });
      }
      case 'untrusted-issuer':
        return this.rogue.mint(subject, { notBefore: now, notAfter: now + ttl });
    }
  }
}

/**
 * An issuer that answers every request with `certificate`: a workload stuck with it (a bad
 * certificate to present, or one frozen for a test). Its trust domain is the certificate's.
 */
export function fixedIssuer(certificate: WorkloadCertificate): CertificateIssuer {
  return {
    name: certificate.issuer,
    trustDomain: certificate.subject.trustDomain,
    requestCertificate<T>(_subject: SpiffeId, done: (arg: T, certificate: WorkloadCertificate | null) => void, arg: T): void {
      done(arg, certificate);
    },
  };
}
