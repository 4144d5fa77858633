import { describe, expect, it } from 'vitest';
import { CertificateAuthority, type WorkloadCertificate } from '../../../proxy-core/identity/certificate-authority.js';
import type { CertificateIssuer } from '../../../proxy-core/identity/certificate-issuer.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { DEFAULT_CSR_RETRY_MS, DEFAULT_WORKLOAD_IDENTITY, WorkloadIdentity, resolveWorkloadIdentity } from '../../../proxy-core/identity/workload-identity.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const HOUR = 3_600_000;
const sleep = workloadId('cluster.local', 'default', 'sleep');

/** A clock whose wall time equals its run time, a CA, and a started identity that records its rotations. */
function setup(options?: ConstructorParameters<typeof WorkloadIdentity>[3], ttl?: number) {
  const clock = new VirtualClock(undefined, 0);
  const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local', ...(ttl ? { workloadTtlMs: ttl } : {}) });
  const rotated: number[] = [];
  const identity = new WorkloadIdentity(clock, ca, sleep, options, { onRotated: (_, cert) => rotated.push(cert.serial) });
  return { clock, ca, identity, rotated };
}

/** An Rng that returns the scripted draws in order. */
function scripted(...draws: number[]): Rng {
  return { next: () => draws.shift()!, int: (n) => Math.floor(draws.shift()! * n), fork: () => scripted() };
}

describe('WorkloadIdentity (Istio secretcache rotateTime, SECRET_GRACE_PERIOD_RATIO 0.5)', () => {
  it('defaults to grace ratio 0.5 without jitter', () => {
    expect(DEFAULT_WORKLOAD_IDENTITY).toEqual({ graceRatio: 0.5, graceRatioJitter: 0 });
  });

  it('gets its first certificate when started, and rotates a 24 h certificate by timer at exactly 12 h', () => {
    const { clock, identity, rotated } = setup();
    expect(identity.certificate()).toBeNull();
    identity.start();
    const first = identity.certificate()!;
    expect(first.serial).toBe(1);
    expect(identity.rotateAt).toBe(12 * HOUR);
    clock.runUntil(12 * HOUR - 1);
    expect(identity.certificate()).toBe(first);
    clock.runUntil(12 * HOUR); // no read needed: the timer rotates it
    const second = identity.certificate()!;
    expect([second.serial, second.notBefore, second.notAfter]).toEqual([2, 12 * HOUR, 36 * HOUR]);
    expect(identity.rotations).toBe(1);
    expect(rotated).toEqual([2]);
    expect(identity.rotateAt).toBe(24 * HOUR);
  });

  it('its timers are background timers: a run does not wait for the next rotation', () => {
    const { clock, identity } = setup();
    identity.start();
    clock.run();
    expect(clock.now()).toBe(0);
    expect(clock.backgroundPending).toBe(1);
    identity.stop();
    expect(clock.queue.size).toBe(0);
  });

  it('graceRatio 0.25 on a 1 h certificate rotates when 15 minutes remain', () => {
    const { identity } = setup({ graceRatio: 0.25 }, HOUR);
    identity.start();
    expect(identity.rotateAt).toBe(45 * 60_000);
  });

  it('keeps the old certificate, even expired, while the CA is down, asks again every second, and rotates once it is back', () => {
    const { clock, ca, identity, rotated } = setup();
    identity.start();
    const first = identity.certificate()!;
    ca.available = false;
    clock.runUntil(30 * HOUR); // past notAfter (24 h)
    expect(identity.certificate()).toBe(first);
    expect(identity.rotations).toBe(0);
    ca.available = true;
    clock.runUntil(30 * HOUR + DEFAULT_CSR_RETRY_MS);
    expect(identity.certificate()!.notAfter).toBe(30 * HOUR + DEFAULT_CSR_RETRY_MS + 24 * HOUR);
    expect(rotated).toEqual([2]);
  });

  it('null until the CA has answered once', () => {
    const { clock, ca, identity } = setup();
    ca.available = false;
    identity.start();
    expect(identity.certificate()).toBeNull();
    ca.available = true;
    clock.runUntil(DEFAULT_CSR_RETRY_MS);
    expect(identity.certificate()!.serial).toBe(1);
    expect(identity.rotations).toBe(0);
  });

  it('works with an issuer that answers later, as a real CA does over the network', () => {
    const clock = new VirtualClock(undefined, 0);
    const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local' });
    const slow: CertificateIssuer = {
      name: ca.name,
      trustDomain: ca.trustDomain,
      requestCertificate: (subject, done, arg) => clock.schedule(250, () => done(arg, ca.issue(subject)), null),
    };
    const identity = new WorkloadIdentity(clock, slow, sleep);
    identity.start();
    expect(identity.certificate()).toBeNull();
    clock.runUntil(250);
    const cert: WorkloadCertificate = identity.certificate()!;
    expect(cert.notBefore).toBe(250);
    expect(identity.rotateAt).toBe(250 + 12 * HOUR);
  });

  it('measures the lifetime from when it got the certificate, as Istio (CreatedTime), not notBefore', () => {
    const { ca, identity } = setup();
    ca.clockSkewMs = 2 * HOUR; // notBefore 2 h, notAfter 26 h; lifetime seen by the agent: 26 h
    identity.start();
    expect(identity.rotateAt).toBe(13 * HOUR);
  });

  it('applies SECRET_GRACE_PERIOD_RATIO_JITTER with a draw per certificate', () => {
    const { identity } = setup({ graceRatioJitter: 0.01, rng: scripted(1, 0) });
    identity.start(); // ratio 0.5 + 0.01 ⇒ rotate when 0.51 × 24 h remains
    expect(identity.rotateAt).toBeCloseTo(0.49 * 24 * HOUR, 6);
  });

  it('a certificate due at once is asked for again after a retry interval, not in a loop', () => {
    const { clock, ca, identity } = setup();
    ca.clockSkewMs = -25 * HOUR; // expired when issued
    identity.start();
    clock.runUntil(10 * DEFAULT_CSR_RETRY_MS);
    expect(ca.issued).toBe(11);
  });

  it('rejects bad options and a subject outside the CA trust domain', () => {
    expect(() => resolveWorkloadIdentity({ graceRatio: 1.5 })).toThrow(RangeError);
    expect(() => resolveWorkloadIdentity({ graceRatio: -0.1 })).toThrow(RangeError);
    expect(() => resolveWorkloadIdentity({ graceRatioJitter: 0.01 })).toThrow(/rng/);
    const clock = new VirtualClock();
    const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local' });
    expect(() => new WorkloadIdentity(clock, ca, workloadId('other.mesh', 'a', 'b'))).toThrow(RangeError);
  });
});
