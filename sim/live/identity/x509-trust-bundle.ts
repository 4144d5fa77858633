import { X509Certificate } from 'node:crypto';
import type { TrustBundle } from '../../../proxy-core/identity/trust-bundle.js';

/** A root a workload trusts: a CA certificate, named as the core names issuers, for one trust domain. */
export interface X509Root {
  /** The CA's name: the `issuer` of the descriptors it signs (what the core's bundle lists). */
  readonly name: string;
  /** The trust domain whose identities it may sign. */
  readonly trustDomain: string;
  /** Its certificate, PEM. */
  readonly certPem: string;
}

/** A root as the bundle keeps it: parsed once, for the issuer checks done per connection. */
export interface ParsedRoot extends X509Root {
  /** node:crypto's view of {@link X509Root.certPem}. */
  readonly certificate: X509Certificate;
}

/**
 * The real-material side of the core's {@link TrustBundle}: for each trust domain, the CA
 * certificates whose signatures are accepted for identities in that domain (a SPIFFE bundle
 * set). It is a `TrustBundle` itself (`roots` lists the CA names per domain), so the core's
 * handshake machine and the live verification read the same trust.
 *
 * TLS is given every root at once ({@link X509TrustBundle.caPems}); which root may sign for
 * which domain is checked per peer by peer-verification.ts, as Envoy's SPIFFE validator does.
 * Add the roots before issuing: a secure context holds the CA list of the moment it is built.
 */
export class X509TrustBundle implements TrustBundle {
  private readonly byDomain = new Map<string, ParsedRoot[]>();
  private readonly names = new Map<string, Set<string>>();

  /** Trust domain → the names of its roots (the core's view). */
  get roots(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.names;
  }

  /**
   * Trusts `root` for its trust domain; adding the same certificate twice does nothing.
   *
   * @throws Error if `certPem` is not a certificate, or not a CA certificate.
   */
  add(root: X509Root): this {
    const certificate = new X509Certificate(root.certPem);
    if (!certificate.ca) throw new Error(`trust bundle: ${root.name} is not a CA certificate`);
    let list = this.byDomain.get(root.trustDomain);
    if (list === undefined) this.byDomain.set(root.trustDomain, (list = []));
    if (list.some((r) => r.certificate.fingerprint256 === certificate.fingerprint256)) return this;
    list.push({ ...root, certificate });
    let names = this.names.get(root.trustDomain);
    if (names === undefined) this.names.set(root.trustDomain, (names = new Set()));
    names.add(root.name);
    return this;
  }

  /** Whether some root is trusted for `trustDomain`. */
  trusts(trustDomain: string): boolean {
    return this.byDomain.has(trustDomain);
  }

  /** The roots trusted for `trustDomain` (empty when none). */
  rootsOf(trustDomain: string): readonly ParsedRoot[] {
    return this.byDomain.get(trustDomain) ?? [];
  }

  /** Every root's PEM, for a secure context's `ca`. */
  caPems(): string[] {
    const pems: string[] = [];
    for (const list of this.byDomain.values()) for (const root of list) pems.push(root.certPem);
    return pems;
  }
}
