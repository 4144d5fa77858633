/**
 * The real CA behind the core's CertificateIssuer seam: what it signs, when it is valid
 * (from the clock it is given), outages, and the core's WorkloadIdentity driving it.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import type { WorkloadCertificate } from '../../../proxy-core/identity/certificate-authority.js';
import { verifyCertificate } from '../../../proxy-core/identity/mtls-handshake.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { WorkloadIdentity } from '../../../proxy-core/identity/workload-identity.js';
import { materialOf, X509Authority, type X509WorkloadCertificate } from '../../../sim/live/identity/x509-authority.js';

const TRUST_DOMAIN = 'cluster.local';
const ORDERS = workloadId(TRUST_DOMAIN, 'shop', 'orders');
const HOUR = 3_600_000;
const TTL = 2 * HOUR;
const clock = new RealClock();

/** The real clock with its wall time moved by `offsetMs`. */
function offsetClock(offsetMs: number): Clock {
  return {
    now: () => clock.now(),
    epochMs: () => clock.epochMs() + offsetMs,
    schedule: (d, cb, arg) => clock.schedule(d, cb, arg),
    scheduleBackground: (d, cb, arg) => clock.scheduleBackground(d, cb, arg),
    cancel: (h) => clock.cancel(h),
  };
}

let authority: X509Authority;
let issued: X509WorkloadCertificate;
let requestedAt: number;

beforeAll(async () => {
  authority = await X509Authority.create(clock, { trustDomain: TRUST_DOMAIN, workloadTtlMs: TTL });
  requestedAt = Date.now();
  issued = (await authority.issue(ORDERS))!;
});

afterAll(() => clock.cancelAll());

describe('X509Authority', () => {
  it('signs an X.509-SVID: the SPIFFE ID as the only URI SAN, serverAuth + clientAuth, not a CA, chained to its root', () => {
    const cert = new X509Certificate(issued.material.certPem);
    const root = new X509Certificate(authority.root.certPem);
    expect(cert.subjectAltName).toBe(`URI:${ORDERS.uri}`);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']); // node names the EKU keyUsage
    expect(cert.ca).toBe(false);
    expect(root.ca).toBe(true);
    expect(cert.checkIssued(root) && cert.verify(root.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(authority.trust.caPems()).toEqual([authority.root.certPem]);
  });

  it("answers the core's descriptor with the certificate's own validity: from the clock's epochMs, for the TTL, to the second", () => {
    const cert = new X509Certificate(issued.material.certPem);
    expect(issued).toMatchObject({ subject: ORDERS, issuer: authority.name, trustDomain: TRUST_DOMAIN, serial: 1 });
    expect(issued.notBefore).toBe(Date.parse(cert.validFrom));
    expect(issued.notAfter).toBe(Date.parse(cert.validTo));
    expect(issued.notAfter - issued.notBefore).toBe(TTL);
    expect(issued.notBefore % 1000).toBe(0);
    expect(issued.notBefore).toBeGreaterThan(requestedAt - 1000);
    expect(issued.notBefore).toBeLessThanOrEqual(Date.now());
    expect(materialOf(issued)).toBe(issued.material);
    expect(cert.checkPrivateKey(createPrivateKey(issued.material.keyPem))).toBe(true);
  });

  it("is the core's issuer and trust bundle: the core's own check accepts what it signs", () => {
    expect(verifyCertificate(issued, authority.trust, Date.now())).toBeNull();
    expect(authority.trust.roots.get(TRUST_DOMAIN)).toEqual(new Set([authority.name]));
  });

  it('on a clock behind or ahead it mints certificates the core and node both see as expired or not yet valid', async () => {
    const past = await X509Authority.create(offsetClock(-2 * TTL), { trustDomain: TRUST_DOMAIN, workloadTtlMs: TTL });
    const future = await X509Authority.create(offsetClock(2 * TTL), { trustDomain: TRUST_DOMAIN, workloadTtlMs: TTL });
    const [old, early] = await Promise.all([past.issue(ORDERS), future.issue(ORDERS)]);
    expect(verifyCertificate(old!, past.trust, Date.now())).toBe('expired');
    expect(verifyCertificate(early!, future.trust, Date.now())).toBe('not-yet-valid');
    expect(Date.parse(new X509Certificate(old!.material.certPem).validTo)).toBeLessThan(Date.now());
    expect(Date.parse(new X509Certificate(early!.material.certPem).validFrom)).toBeGreaterThan(Date.now());
  });

  it('answers null at once while unavailable (a CA outage), and refuses a subject outside its trust domain', async () => {
    authority.available = false;
    const answers: (WorkloadCertificate | null)[] = [];
    authority.requestCertificate(ORDERS, (list, cert) => list.push(cert), answers);
    expect(answers).toEqual([null]);
    expect(await authority.issue(ORDERS)).toBeNull();
    authority.available = true;
    expect(() => authority.requestCertificate(workloadId('other.org', 'ns', 'sa'), () => {}, null)).toThrow(RangeError);
  });

  it("drives the core's WorkloadIdentity: the first certificate arrives asynchronously, then is served", async () => {
    const identity = new WorkloadIdentity(clock, authority, ORDERS);
    identity.start();
    expect(identity.certificate()).toBeNull();
    const arrived = await new Promise<WorkloadCertificate>((resolve) => {
      const poll = (): void => {
        const c = identity.certificate();
        if (c !== null) resolve(c);
        else setTimeout(poll, 5);
      };
      poll();
    });
    expect(materialOf(arrived)).not.toBeNull();
    // Rotation at half the lifetime left when it arrived (Istio's rotateTime), on the real clock.
    expect(identity.rotateAt).toBeGreaterThanOrEqual(arrived.notAfter - TTL / 2);
    expect(identity.rotateAt).toBeLessThanOrEqual(arrived.notAfter - (arrived.notAfter - Date.now()) / 2);
    identity.stop();
  });
});
