import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, webcrypto } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import {
  resolveCertificateAuthority,
  type CertificateAuthorityConfig,
  type CertificateAuthorityOptions,
  type WorkloadCertificate,
} from '../../../proxy-core/identity/certificate-authority.js';
import type { CertificateIssuer } from '../../../proxy-core/identity/certificate-issuer.js';
import { parseSpiffeId, type SpiffeId } from '../../../proxy-core/identity/spiffe-id.js';
import { X509TrustBundle, type X509Root } from './x509-trust-bundle.js';

// SPIFFE: standards/X509-SVID.md (one URI SAN, CA flag false, digitalSignature, no keyCertSign);
// Istio signs workload certificates with serverAuth and clientAuth.

const EC: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

/** The PEM material of a workload certificate, and what TLS makes of it. */
export interface WorkloadMaterial {
  /** The certificate, PEM. */
  readonly certPem: string;
  /** Its private key (ECDSA P-256), PKCS#8 PEM. */
  readonly keyPem: string;
  /** The roots trusted when it was issued, PEM (the `ca` of {@link WorkloadMaterial.secureContext}). */
  readonly caPems: readonly string[];
  /**
   * `key`, `cert` and `ca` in one context, built once at issue: building one costs ~2 ms, so
   * connections share it (pass it as `secureContext`, never the PEMs, per connection).
   */
  readonly secureContext: SecureContext;
}

/** A workload certificate as the core sees it, with the real material besides. */
export interface X509WorkloadCertificate extends WorkloadCertificate {
  /** The certificate, its key and their secure context. */
  readonly material: WorkloadMaterial;
}

/** The material of `certificate` when a real issuer signed it; `null` for a simulated descriptor. */
export function materialOf(certificate: WorkloadCertificate): WorkloadMaterial | null {
  return (certificate as Partial<X509WorkloadCertificate>).material ?? null;
}

/** Options of an {@link X509Authority}: the simulator CA's, and the trust its workloads hold. */
export interface X509AuthorityOptions extends CertificateAuthorityOptions {
  /**
   * What the workloads it certifies trust (the `ca` of their secure contexts). Default: a new
   * bundle. Its own root is added unless {@link X509AuthorityOptions.trusted} is `false`.
   */
  readonly trust?: X509TrustBundle;
  /** Whether to add its root to `trust`; default true (`false`: a rogue CA, for tests). */
  readonly trusted?: boolean;
}

/** Validity of a certificate to mint, Unix ms. */
export interface Validity {
  readonly notBefore: number;
  readonly notAfter: number;
}

/** The CA's own keys and self-signed certificate. */
interface CaKeys {
  readonly keys: webcrypto.CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

/**
 * A real CA for one trust domain (istiod's CA, or SPIRE's): ECDSA P-256 with a self-signed
 * root, signing X.509-SVIDs behind the core's {@link CertificateIssuer} seam, so the core's
 * `WorkloadIdentity` drives real issuance and rotation. Each request gets a fresh key pair
 * and a certificate whose only URI SAN is the SPIFFE ID (serverAuth + clientAuth), valid
 * from the clock's `epochMs()` plus the configured skew for the configured TTL; the answer
 * is the core's descriptor with the certificate's own validity (whole seconds, as X.509
 * encodes it) and its {@link WorkloadMaterial}. While `available` is false it answers
 * `null`, as the simulator's CA does in an outage.
 */
export class X509Authority implements CertificateIssuer {
  /** The resolved configuration (TTL, skew, name, trust domain). */
  readonly config: CertificateAuthorityConfig;
  /** Its name, the `issuer` of its descriptors. */
  readonly name: string;
  /** The trust domain it signs for. */
  readonly trustDomain: string;
  /** What its workloads trust. */
  readonly trust: X509TrustBundle;
  /** Its root certificate, as a bundle lists it. */
  readonly root: X509Root;
  /** Whether it answers signing requests; `false` is a CA outage. */
  available = true;
  /** Current skew of its clock against the mesh clock, ms. */
  clockSkewMs: number;
  /** Certificates signed so far. */
  issued = 0;
  /** The last error met while signing (the request was answered `null`); `null` when none. */
  lastError: unknown = null;
  private readonly clock: Clock;
  private readonly ca: CaKeys;

  private constructor(clock: Clock, config: CertificateAuthorityConfig, ca: CaKeys, trust: X509TrustBundle) {
    this.clock = clock;
    this.config = config;
    this.name = config.name;
    this.trustDomain = config.trustDomain;
    this.clockSkewMs = config.clockSkewMs;
    this.ca = ca;
    this.trust = trust;
    this.root = { name: config.name, trustDomain: config.trustDomain, certPem: ca.certificate.toString('pem') };
  }

  /**
   * Generates the CA's key pair and root certificate (valid from a year before to ten years
   * after the clock's now, so certificates minted on an offset clock still chain to it).
   *
   * @throws RangeError for invalid options (as the simulator's CA).
   */
  static async create(clock: Clock, options: X509AuthorityOptions): Promise<X509Authority> {
    const config = resolveCertificateAuthority(options);
    const ca = await selfSignedRoot(config, clock.epochMs());
    const trust = options.trust ?? new X509TrustBundle();
    const authority = new X509Authority(clock, config, ca, trust);
    if (options.trusted !== false) trust.add(authority.root);
    return authority;
  }

  /**
   * {@link CertificateIssuer}: `done(arg, certificate)` once signed (a few ms later, never
   * synchronously), or `done(arg, null)` at once while unavailable, or later if signing failed
   * ({@link X509Authority.lastError} says why).
   *
   * @throws RangeError if `subject` is outside its trust domain (SPIFFE-ID.md §4.1.2).
   */
  requestCertificate<T>(subject: SpiffeId, done: (arg: T, certificate: WorkloadCertificate | null) => void, arg: T): void {
    this.checkDomain(subject);
    if (!this.available) return done(arg, null);
    this.sign(subject, this.validityFromNow()).then(
      (certificate) => done(arg, certificate),
      (error: unknown) => {
        this.lastError = error;
        done(arg, null);
      },
    );
  }

  /**
   * The promise form of {@link X509Authority.requestCertificate}: a certificate for `subject`
   * valid from now, or `null` while unavailable.
   *
   * @throws RangeError if `subject` is outside its trust domain.
   */
  async issue(subject: SpiffeId): Promise<X509WorkloadCertificate | null> {
    this.checkDomain(subject);
    if (!this.available) return null;
    return this.sign(subject, this.validityFromNow());
  }

  /**
   * Signs a certificate for any SPIFFE ID with any validity, whatever the trust domain and
   * availability: the way to make a deliberately bad certificate (see bad-certificates.ts).
   *
   * @throws SpiffeIdError if `subject` is not a valid SPIFFE ID; RangeError if the validity
   * is not a finite, non-empty interval.
   */
  async mint(subject: SpiffeId | string, validity: Validity): Promise<X509WorkloadCertificate> {
    const id = typeof subject === 'string' ? parseSpiffeId(subject) : subject;
    if (!(Number.isFinite(validity.notBefore) && Number.isFinite(validity.notAfter) && validity.notBefore < validity.notAfter)) {
      throw new RangeError(`certificate authority ${this.name}: validity must be finite with notBefore < notAfter`);
    }
    return this.sign(id, validity);
  }

  private checkDomain(subject: SpiffeId): void {
    if (subject.trustDomain !== this.trustDomain) {
      throw new RangeError(`certificate authority ${this.name}: cannot sign ${subject.uri}, which is outside trust domain ${this.trustDomain}`);
    }
  }

  private validityFromNow(): Validity {
    const notBefore = this.clock.epochMs() + this.clockSkewMs;
    return { notBefore, notAfter: notBefore + this.config.workloadTtlMs };
  }

  private async sign(subject: SpiffeId, validity: Validity): Promise<X509WorkloadCertificate> {
    const issuedAt = this.clock.epochMs();
    const serial = ++this.issued;
    const keys = await generateKeyPair();
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serialHex(serial),
      subject: 'O=SPIFFE',
      issuer: this.ca.certificate.subject,
      notBefore: new Date(validity.notBefore),
      notAfter: new Date(validity.notAfter),
      publicKey: keys.publicKey,
      signingKey: this.ca.keys.privateKey,
      signingAlgorithm: EC,
      extensions: await leafExtensions(subject, keys.publicKey, this.ca.keys.publicKey),
    });
    const material = workloadMaterial(certificate.toString('pem'), pkcs8Pem(keys.privateKey), this.trust.caPems());
    return {
      serial,
      subject,
      issuer: this.name,
      trustDomain: this.trustDomain,
      issuedAt,
      notBefore: certificate.notBefore.getTime(),
      notAfter: certificate.notAfter.getTime(),
      material,
    };
  }
}

/** Builds the {@link WorkloadMaterial} of a certificate: its secure context, once. */
export function workloadMaterial(certPem: string, keyPem: string, caPems: readonly string[]): WorkloadMaterial {
  const secureContext = createSecureContext({ key: keyPem, cert: certPem, ca: [...caPems] });
  return { certPem, keyPem, caPems, secureContext };
}

async function selfSignedRoot(config: CertificateAuthorityConfig, nowEpochMs: number): Promise<CaKeys> {
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialHex(0),
    name: `CN=${config.name}, O=${config.trustDomain}`,
    keys,
    signingAlgorithm: EC,
    notBefore: new Date(nowEpochMs - YEAR_MS),
    notAfter: new Date(nowEpochMs + 10 * YEAR_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${config.trustDomain}` }]),
    ],
  });
  return { keys, certificate };
}

async function leafExtensions(subject: SpiffeId, publicKey: webcrypto.CryptoKey, caPublicKey: webcrypto.CryptoKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    new x509.SubjectAlternativeNameExtension([{ type: 'url', value: subject.uri }], true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caPublicKey),
  ];
}

async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  // Extractable: the private key is exported to PEM for node:tls.
  return globalThis.crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
}

function pkcs8Pem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** A positive serial: a random 64-bit prefix (distinct CAs of one name do not collide) and the count. */
function serialHex(count: number): string {
  const prefix = globalThis.crypto.getRandomValues(new Uint8Array(8));
  prefix[0] &= 0x7f;
  prefix[0] |= 0x01;
  return Buffer.from(prefix).toString('hex') + count.toString(16).padStart(8, '0');
}
