import { describe, expect, it } from 'vitest';
import { CertificateAuthority, type WorkloadCertificate } from '../../../proxy-core/identity/certificate-authority.js';
import { HANDSHAKE_FAILURE_CODES, HANDSHAKE_STATES, MtlsHandshake, handshake, verifyCertificate } from '../../../proxy-core/identity/mtls-handshake.js';
import { trustBundleOf } from '../../../proxy-core/identity/trust-bundle.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const HOUR = 3_600_000;

function mesh() {
  const clock = new VirtualClock(undefined, 0); // wall time = run time
  const ca = new CertificateAuthority(clock, { trustDomain: 'cluster.local', name: 'root-a' });
  const foreign = new CertificateAuthority(clock, { trustDomain: 'other.mesh', name: 'root-x' });
  const rogue = new CertificateAuthority(clock, { trustDomain: 'cluster.local', name: 'rogue' });
  const client = ca.issue(workloadId('cluster.local', 'shop', 'frontend'))!;
  const server = ca.issue(workloadId('cluster.local', 'shop', 'cart'))!;
  const trust = trustBundleOf([ca]);
  return { clock, ca, foreign, rogue, client, server, trust };
}

describe('mTLS handshake state machine', () => {
  it('names its states in order', () => {
    expect(HANDSHAKE_STATES).toEqual(['start', 'client-hello', 'server-verified', 'client-verified', 'established', 'failed']);
  });

  it('establishes mTLS when both certificates verify', () => {
    const { client, server, trust } = mesh();
    expect(handshake(client, server, trust, 1_000, 'STRICT')).toEqual({ outcome: 'ok', code: null, state: 'established', failedIn: null, peer: null, resumed: false });
  });

  it('a resumed session is established with the same checks', () => {
    const { client, server, trust } = mesh();
    const r = handshake(client, server, trust, 1_000, 'PERMISSIVE', true);
    expect([r.outcome, r.resumed]).toEqual(['ok', true]);
  });

  it('plaintext: DISABLE always, PERMISSIVE for a client without a certificate; STRICT refuses it', () => {
    const { client, server, trust } = mesh();
    const plain = { outcome: 'plaintext', code: null, state: 'start', failedIn: null, peer: null, resumed: false };
    expect(handshake(client, server, trust, 0, 'DISABLE')).toEqual(plain);
    expect(handshake(null, server, trust, 0, 'PERMISSIVE')).toEqual(plain);
    const strict = handshake(null, server, trust, 0, 'STRICT');
    expect([strict.outcome, strict.code, strict.failedIn, strict.peer]).toEqual(['no-client-certificate', 'FL_TLS_NO_CLIENT_CERT', 'start', 'client']);
  });

  it('a server without a certificate fails the client hello', () => {
    const { client, trust } = mesh();
    const r = handshake(client, null, trust, 0, 'PERMISSIVE');
    expect([r.outcome, r.code, r.state, r.failedIn, r.peer]).toEqual(['no-server-certificate', 'FL_TLS_NO_SERVER_CERT', 'failed', 'client-hello', 'server']);
  });

  it('an expired server certificate fails in client-hello, an expired client certificate in server-verified', () => {
    const { client, server, trust } = mesh();
    const after = 24 * HOUR + 1; // notAfter is inclusive
    const s = handshake(client, server, trust, after, 'STRICT');
    expect([s.outcome, s.code, s.failedIn, s.peer]).toEqual(['expired', 'FL_TLS_CERT_EXPIRED', 'client-hello', 'server']);
    const fresh: WorkloadCertificate = { ...server, notBefore: after, notAfter: after + 24 * HOUR };
    const c = handshake(client, fresh, trust, after, 'STRICT');
    expect([c.outcome, c.failedIn, c.peer]).toEqual(['expired', 'server-verified', 'client']);
    expect(handshake(client, server, trust, 24 * HOUR, 'STRICT').outcome).toBe('ok');
  });

  it('not-yet-valid, wrong trust domain and untrusted issuer each fail with their own code', () => {
    const { clock, ca, foreign, rogue, client, server, trust } = mesh();
    ca.clockSkewMs = 60_000;
    const early = ca.issue(workloadId('cluster.local', 'shop', 'cart'))!;
    expect(handshake(client, early, trust, clock.now(), 'STRICT').code).toBe(HANDSHAKE_FAILURE_CODES['not-yet-valid']);
    expect(handshake(client, early, trust, 60_000, 'STRICT').outcome).toBe('ok');
    const alien = foreign.issue(workloadId('other.mesh', 'shop', 'frontend'))!;
    const td = handshake(alien, server, trust, 0, 'STRICT');
    expect([td.outcome, td.code, td.peer]).toEqual(['wrong-trust-domain', 'FL_TLS_WRONG_TRUST_DOMAIN', 'client']);
    const forged = rogue.issue(workloadId('cluster.local', 'shop', 'frontend'))!;
    const is = handshake(forged, server, trust, 0, 'STRICT');
    expect([is.outcome, is.code, is.peer]).toEqual(['untrusted-issuer', 'FL_TLS_UNTRUSTED_ISSUER', 'client']);
    expect(handshake(alien, server, trustBundleOf([ca, foreign]), 0, 'STRICT').outcome).toBe('ok');
  });

  it('checks trust domain, then issuer, then validity (Envoy SPIFFE validator order)', () => {
    const { foreign, server } = mesh();
    const alien = foreign.issue(workloadId('other.mesh', 'a', 'b'))!;
    const expiredAlien = { ...alien, notAfter: -1 };
    const bundle = (td: string, ...roots: string[]) => ({ roots: new Map([[td, new Set(roots)]]) });
    expect(verifyCertificate(expiredAlien, bundle('cluster.local', 'root-x'), 0)).toBe('wrong-trust-domain');
    expect(verifyCertificate(expiredAlien, bundle('other.mesh', 'root-a'), 0)).toBe('untrusted-issuer');
    expect(verifyCertificate(expiredAlien, bundle('other.mesh', 'root-x'), 0)).toBe('expired');
    expect(verifyCertificate(server, bundle('cluster.local', 'root-a'), 0)).toBeNull();
    // roots are per trust domain: a root trusted for one domain does not vouch for another
    const crossed = { roots: new Map([['cluster.local', new Set(['root-x'])], ['other.mesh', new Set(['root-a'])]]) };
    expect(verifyCertificate(server, crossed, 0)).toBe('untrusted-issuer');
  });

  it('MtlsHandshake reuses one result object and allocates none per run', () => {
    const { client, server, trust } = mesh();
    const machine = new MtlsHandshake();
    const a = machine.run(client, server, trust, 0, 'STRICT');
    const b = machine.run(null, server, trust, 0, 'STRICT');
    expect(b).toBe(a);
    expect(b.outcome).toBe('no-client-certificate');
    expect(machine.run(client, server, trust, 0, 'STRICT', true).resumed).toBe(true);
    expect(machine.run(client, null, trust, 0, 'STRICT', true).resumed).toBe(false);
  });
});
