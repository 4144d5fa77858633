/**
 * The verdict on a peer certificate without sockets: the check order of the core (trust
 * domain, issuer, validity) where OpenSSL's single code would say otherwise, resumed and
 * unverified sessions, and the one table from node's codes to the core's failures.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import { HANDSHAKE_FAILURE_CODES } from '../../../proxy-core/identity/mtls-handshake.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { verifyPeerCertificate, type PeerCheck, type PeerEvidence } from '../../../sim/live/identity/peer-verification.js';
import { handshakeFailureOf, LIVE_HANDSHAKE_FAILURE_CODES } from '../../../sim/live/identity/tls-failures.js';
import { X509Authority } from '../../../sim/live/identity/x509-authority.js';

const TRUST_DOMAIN = 'cluster.local';
const ORDERS = workloadId(TRUST_DOMAIN, 'shop', 'orders');
const HOUR = 3_600_000;
const clock = new RealClock();
let authority: X509Authority;
let check: PeerCheck;
const certs: Record<string, X509Certificate> = {};

beforeAll(async () => {
  authority = await X509Authority.create(clock, { trustDomain: TRUST_DOMAIN });
  const rogue = await X509Authority.create(clock, { trustDomain: TRUST_DOMAIN, name: authority.name, trust: authority.trust, trusted: false });
  const other = await X509Authority.create(clock, { trustDomain: 'partner.example', trust: authority.trust }); // trusted, for its own domain only
  const now = Date.now();
  const valid = { notBefore: now - HOUR, notAfter: now + HOUR };
  const expired = { notBefore: now - 3 * HOUR, notAfter: now - 2 * HOUR };
  const minted = {
    good: authority.mint(ORDERS, valid),
    expired: authority.mint(ORDERS, expired),
    rogueExpired: rogue.mint(ORDERS, expired),
    crossSigned: other.mint(ORDERS, valid), // a trusted root of partner.example signing a cluster.local ID
    noSpiffe: authority.mint('spiffe://cluster.local', valid),
  };
  for (const [name, promise] of Object.entries(minted)) certs[name] = new X509Certificate((await promise).material.certPem);
  certs.dnsOnly = new X509Certificate(await dnsOnlyCertificate());
  check = { trust: authority.trust, peer: 'client' };
});

function evidence(certificate: X509Certificate | undefined, authorizationError: string | null, extra: Partial<PeerEvidence> = {}): PeerEvidence {
  return { certificate, authorized: authorizationError === null, authorizationError, resumed: false, nowEpochMs: Date.now(), ...extra };
}

describe('verifyPeerCertificate', () => {
  it('accepts a good certificate that node verified, with its identity', () => {
    expect(verifyPeerCertificate(evidence(certs.good, null), check)).toMatchObject({ ok: true, identity: { principal: 'cluster.local/ns/shop/sa/orders' } });
  });

  it('an expired certificate of an untrusted CA is untrusted-issuer, though OpenSSL reports CERT_HAS_EXPIRED (the core checks the issuer first)', () => {
    expect(verifyPeerCertificate(evidence(certs.expired, 'CERT_HAS_EXPIRED'), check)).toMatchObject({ ok: false, failure: 'expired' });
    expect(verifyPeerCertificate(evidence(certs.rogueExpired, 'CERT_HAS_EXPIRED'), check)).toMatchObject({ ok: false, failure: 'untrusted-issuer' });
  });

  it('a chain node accepted is still refused when the root that signed it is trusted for another trust domain only', () => {
    expect(verifyPeerCertificate(evidence(certs.crossSigned, null), check)).toMatchObject({ ok: false, failure: 'untrusted-issuer', code: 'FL_TLS_UNTRUSTED_ISSUER' });
  });

  it('a certificate without a SPIFFE ID is wrong-trust-domain (no domain to find a bundle for); none at all is no-client/server-certificate', () => {
    expect(verifyPeerCertificate(evidence(certs.dnsOnly, 'DEPTH_ZERO_SELF_SIGNED_CERT'), check)).toMatchObject({ ok: false, failure: 'wrong-trust-domain' });
    expect(verifyPeerCertificate(evidence(certs.noSpiffe, null), check)).toMatchObject({ ok: true }); // the trust domain's own ID is a SPIFFE ID too
    expect(verifyPeerCertificate(evidence(undefined, 'UNABLE_TO_GET_ISSUER_CERT'), check)).toMatchObject({ ok: false, failure: 'no-client-certificate' });
    expect(verifyPeerCertificate(evidence(undefined, null), { ...check, peer: 'server' })).toMatchObject({ ok: false, failure: 'no-server-certificate' });
  });

  it('a resumed session is checked against the clock (OpenSSL does not re-check), and a client refuses one that hides the server certificate', () => {
    const later = certs.good.validTo;
    const resumed = evidence(certs.good, null, { resumed: true, nowEpochMs: Date.parse(later) + 1000 });
    expect(verifyPeerCertificate(resumed, check)).toMatchObject({ ok: false, failure: 'expired' });
    expect(verifyPeerCertificate({ ...resumed, nowEpochMs: Date.now() }, check)).toMatchObject({ ok: true });
    expect(verifyPeerCertificate(evidence(undefined, null, { resumed: true }), { ...check, peer: 'server' })).toMatchObject({ ok: false, failure: 'no-server-certificate' });
  });

  it('a socket node did not verify (no code, not authorized) gets the signature and the period checked here', () => {
    const unverified = (certificate: X509Certificate) => ({ ...evidence(certificate, null), authorized: false });
    expect(verifyPeerCertificate(unverified(certs.good), check)).toMatchObject({ ok: true });
    expect(verifyPeerCertificate(unverified(certs.expired), check)).toMatchObject({ ok: false, failure: 'expired' });
    expect(verifyPeerCertificate(unverified(certs.rogueExpired), check)).toMatchObject({ ok: false, failure: 'untrusted-issuer' });
  });

  it('checks the expected server ID last', () => {
    const other = { ...check, peer: 'server' as const, expected: { ...ORDERS, uri: 'spiffe://cluster.local/ns/shop/sa/payments' } };
    expect(verifyPeerCertificate(evidence(certs.good, null), other)).toMatchObject({ ok: false, failure: 'wrong-server-identity', code: 'FL_TLS_WRONG_SERVER_IDENTITY' });
    expect(verifyPeerCertificate(evidence(certs.expired, 'CERT_HAS_EXPIRED'), other)).toMatchObject({ ok: false, failure: 'expired' });
  });
});

describe('handshakeFailureOf: one table from node to the core', () => {
  it.each([
    ['CERT_HAS_EXPIRED', 'expired'],
    ['CERT_NOT_YET_VALID', 'not-yet-valid'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted-issuer'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'untrusted-issuer'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'untrusted-issuer'],
    ['CERT_SIGNATURE_FAILURE', 'untrusted-issuer'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'no-client-certificate'],
    ['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', 'no-client-certificate'],
    ['FL_TLS_WRONG_TRUST_DOMAIN', 'wrong-trust-domain'],
    ['ECONNRESET', null],
    ['ERR_TLS_CERT_ALTNAME_INVALID', null],
  ])('%s → %s', (code, failure) => {
    expect(handshakeFailureOf(code)).toBe(failure);
    expect(handshakeFailureOf(Object.assign(new Error('x'), { code }))).toBe(failure);
  });

  it("maps every FL_TLS_ code back to its failure, the core's codes unchanged", () => {
    for (const [failure, code] of Object.entries(LIVE_HANDSHAKE_FAILURE_CODES)) expect(handshakeFailureOf(code)).toBe(failure);
    for (const [failure, code] of Object.entries(HANDSHAKE_FAILURE_CODES)) expect(LIVE_HANDSHAKE_FAILURE_CODES[failure as keyof typeof HANDSHAKE_FAILURE_CODES]).toBe(code);
    expect(handshakeFailureOf(null)).toBeNull();
  });
});

/** A self-signed certificate whose only SAN is a DNS name. */
async function dnsOnlyCertificate(): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await globalThis.crypto.subtle.generateKey(alg, false, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=orders.shop.svc',
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'orders.shop.svc' }])],
  });
  return cert.toString('pem');
}
