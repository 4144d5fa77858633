import { describe, expect, it } from 'vitest';
import {
  CertificateAuthority,
  DEFAULT_WORKLOAD_CERT_TTL_MS,
  MAX_WORKLOAD_CERT_TTL_MS,
  resolveCertificateAuthority,
} from '../../../proxy-core/identity/certificate-authority.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const sleep = workloadId('cluster.local', 'default', 'sleep');

describe('CertificateAuthority (Istio DefaultWorkloadCertTTL 24h)', () => {
  it('defaults to a 24 h lifetime, 90 d maximum, and names itself after the trust domain', () => {
    expect(DEFAULT_WORKLOAD_CERT_TTL_MS).toBe(86_400_000);
    expect(MAX_WORKLOAD_CERT_TTL_MS).toBe(7_776_000_000);
    expect(resolveCertificateAuthority({ trustDomain: 'cluster.local' })).toEqual({
      trustDomain: 'cluster.local',
      name: 'istiod.cluster.local',
      workloadTtlMs: 86_400_000,
      clockSkewMs: 0,
    });
  });

  it('issues certificates valid from now for the TTL, with serials counting from 1', () => {
    const clock = new VirtualClock(undefined, 0);
    const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local', name: 'root-a', workloadTtlMs: 3_600_000 });
    clock.runUntil(1_000);
    expect(ca.issue(sleep)).toEqual({
      serial: 1,
      subject: sleep,
      issuer: 'root-a',
      trustDomain: 'cluster.local',
      issuedAt: 1_000,
      notBefore: 1_000,
      notAfter: 3_601_000,
    });
    expect(ca.issue(sleep)!.serial).toBe(2);
    expect(ca.issued).toBe(2);
  });

  it('returns null while unavailable, and resumes when back', () => {
    const clock = new VirtualClock(undefined, 0);
    const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local' });
    ca.available = false;
    expect(ca.issue(sleep)).toBeNull();
    expect(ca.issued).toBe(0);
    ca.available = true;
    expect(ca.issue(sleep)!.serial).toBe(1);
  });

  it('a clock skew issues certificates that are not yet valid', () => {
    const clock = new VirtualClock(undefined, 0);
    const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local', clockSkewMs: 30_000 });
    const cert = ca.issue(sleep)!;
    expect([cert.issuedAt, cert.notBefore, cert.notAfter]).toEqual([0, 30_000, 30_000 + 86_400_000]);
    ca.clockSkewMs = -5_000;
    expect(ca.issue(sleep)!.notBefore).toBe(-5_000);
  });

  it('refuses to sign outside its trust domain', () => {
    const ca = new CertificateAuthority(new VirtualClock(undefined, 0), { trustDomain: 'cluster.local' });
    expect(() => ca.issue(workloadId('other.mesh', 'default', 'sleep'))).toThrow(RangeError);
  });

  it('rejects bad options with a RangeError', () => {
    const clock = new VirtualClock(undefined, 0);
    expect(() => new CertificateAuthority(clock, { trustDomain: 'Cluster.Local' })).toThrow(/trust domain/);
    expect(() => new CertificateAuthority(clock, { trustDomain: 'td', workloadTtlMs: 0 })).toThrow(RangeError);
    expect(() => new CertificateAuthority(clock, { trustDomain: 'td', workloadTtlMs: MAX_WORKLOAD_CERT_TTL_MS + 1 })).toThrow(RangeError);
    expect(() => new CertificateAuthority(clock, { trustDomain: 'td', name: '' })).toThrow(RangeError);
    expect(() => new CertificateAuthority(clock, { trustDomain: 'td', clockSkewMs: Number.NaN })).toThrow(RangeError);
  });
});
