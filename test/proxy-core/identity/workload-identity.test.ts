import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../../proxy-core/identity/certificate-authority.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { DEFAULT_WORKLOAD_IDENTITY, WorkloadIdentity, resolveWorkloadIdentity } from '../../../proxy-core/identity/workload-identity.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const HOUR = 3_600_000;
const sleep = workloadId('cluster.local', 'default', 'sleep');

function setup(options?: ConstructorParameters<typeof WorkloadIdentity>[3]) {
  const clock = new VirtualClock();
  const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local' });
  const identity = new WorkloadIdentity(clock, ca, sleep, options);
  return { clock, ca, identity };
}

/** An Rng that returns the scripted draws in order. */
function scripted(...draws: number[]): Rng {
  return { next: () => draws.shift()!, int: (n) => Math.floor(draws.shift()! * n), fork: () => scripted() };
}

describe('WorkloadIdentity (Istio secretcache rotateTime, SECRET_GRACE_PERIOD_RATIO 0.5)', () => {
  it('defaults to grace ratio 0.5 without jitter', () => {
    expect(DEFAULT_WORKLOAD_IDENTITY).toEqual({ graceRatio: 0.5, graceRatioJitter: 0 });
  });

  it('gets its first certificate lazily and rotates a 24 h certificate at exactly 12 h', () => {
    const { clock, identity } = setup();
    expect(identity.peek()).toBeNull();
    const first = identity.certificate()!;
    expect(first.serial).toBe(1);
    expect(identity.rotateAt).toBe(12 * HOUR);
    clock.runUntil(12 * HOUR - 1);
    expect(identity.certificate()).toBe(first);
    expect(identity.rotations).toBe(0);
    clock.runUntil(12 * HOUR);
    const second = identity.certificate()!;
    expect(second.serial).toBe(2);
    expect([second.notBefore, second.notAfter]).toEqual([12 * HOUR, 36 * HOUR]);
    expect(identity.rotations).toBe(1);
    expect(identity.rotateAt).toBe(24 * HOUR);
  });

  it('graceRatio 0.25 on a 1 h certificate rotates when 15 minutes remain', () => {
    const clock = new VirtualClock();
    const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local', workloadTtlMs: HOUR });
    const identity = new WorkloadIdentity(clock, ca, sleep, { graceRatio: 0.25 });
    identity.certificate();
    expect(identity.rotateAt).toBe(45 * 60_000);
  });

  it('keeps the old certificate, even expired, while the CA is down, and rotates when it is back', () => {
    const { clock, ca, identity } = setup();
    const first = identity.certificate()!;
    ca.available = false;
    clock.runUntil(30 * HOUR); // past notAfter (24 h)
    expect(identity.certificate()).toBe(first);
    expect(identity.rotations).toBe(0);
    ca.available = true;
    clock.runUntil(31 * HOUR);
    expect(identity.certificate()!.notAfter).toBe(55 * HOUR);
    expect(identity.rotations).toBe(1);
  });

  it('returns null until the CA has answered once', () => {
    const { ca, identity } = setup();
    ca.available = false;
    expect(identity.certificate()).toBeNull();
    ca.available = true;
    expect(identity.certificate()!.serial).toBe(1);
    expect(identity.rotations).toBe(0);
  });

  it('measures the lifetime from when it got the certificate, as Istio (CreatedTime), not notBefore', () => {
    const { ca, identity } = setup();
    ca.clockSkewMs = 2 * HOUR; // notBefore 2 h, notAfter 26 h; lifetime seen by the agent: 26 h
    identity.certificate();
    expect(identity.rotateAt).toBe(13 * HOUR);
  });

  it('applies SECRET_GRACE_PERIOD_RATIO_JITTER with a draw per certificate', () => {
    const { identity } = setup({ graceRatioJitter: 0.01, rng: scripted(1, 0) });
    identity.certificate(); // ratio 0.5 + 0.01 ⇒ rotate when 0.51 × 24 h remains
    expect(identity.rotateAt).toBeCloseTo(0.49 * 24 * HOUR, 6);
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
