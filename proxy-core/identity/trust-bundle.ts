import type { CertificateIssuer } from './certificate-issuer.js';

/**
 * The trust a proxy holds, as a SPIFFE bundle set: for each trust domain it accepts, the
 * roots (CA names) whose signatures it accepts for identities in that domain. A peer from a
 * domain with no bundle is refused (`wrong-trust-domain`), one signed by another root
 * (`untrusted-issuer`).
 */
export interface TrustBundle {
  /** Trust domain → the names of its trusted roots. */
  readonly roots: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The bundle that trusts exactly `issuers`, each for its own trust domain. */
export function trustBundleOf(issuers: readonly CertificateIssuer[]): TrustBundle {
  const roots = new Map<string, Set<string>>();
  for (const issuer of issuers) {
    let set = roots.get(issuer.trustDomain);
    if (set === undefined) roots.set(issuer.trustDomain, (set = new Set()));
    set.add(issuer.name);
  }
  return { roots };
}
