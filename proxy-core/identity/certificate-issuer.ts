import type { WorkloadCertificate } from './certificate-authority.js';
import type { SpiffeId } from './spiffe-id.js';

/**
 * Where a workload gets its certificates: istiod's CA over the CSR API, or SPIRE. Answers
 * through a callback, now (the simulator's descriptor CA) or later (a real X.509 signer).
 */
export interface CertificateIssuer {
  /** The CA's name: the `issuer` of what it signs, and what a trust bundle lists as a root. */
  readonly name: string;
  /** The trust domain it signs for. */
  readonly trustDomain: string;
  /**
   * Asks for a certificate for `subject`: `done(arg, certificate)` once, with `null` when
   * the CA cannot sign now (an outage). Passing `arg` keeps the caller free of closures.
   */
  requestCertificate<T>(subject: SpiffeId, done: (arg: T, certificate: WorkloadCertificate | null) => void, arg: T): void;
}
