import { describe, expect, it } from 'vitest';
import { CertificateAuthority, type WorkloadCertificate } from '../../../proxy-core/identity/certificate-authority.js';
import {
  DEFAULT_HANDSHAKE_COST,
  HANDSHAKE_FAILURE_CODES,
  HANDSHAKE_STATES,
  MtlsHandshake,
  handshake,
  trustBundleOf,
  verifyCertificate,
} from '../../../proxy-core/identity/mtls-handshake.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const HOUR = 3_600_000;

function mesh() {
  const clock = new VirtualClock();
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

  it('establishes mTLS with one extra round trip and 0.5 ms CPU (TLS 1.3 full handshake)', () => {
    const { client, server, trust } = mesh();
    expect(handshake(client, server, trust, 1_000, 'STRICT')).toEqual({
      outcome: 'ok',
      code: null,
      state: 'established',
      failedIn: null,
      peer: null,
      resumed: false,
      cost: { roundTrips: 1, cpuMs: 0.5 },
    });
    expect(DEFAULT_HANDSHAKE_COST).toEqual({ fullRoundTrips: 1, fullCpuMs: 0.5, resumedRoundTrips: 0, resumedCpuMs: 0.12 });
  });

  it('a resumed session costs no extra round trip', () => {
    const { client, server, trust } = mesh();
    const r = handshake(client, server, trust, 1_000, 'PERMISSIVE', true);
    expect([r.outcome, r.resumed, r.cost.roundTrips, r.cost.cpuMs]).toEqual(['ok', true, 0, 0.12]);
  });

  it('plaintext: DISABLE always, PERMISSIVE for a client without a certificate; STRICT refuses it', () => {
    const { client, server, trust } = mesh();
    const plain = { outcome: 'plaintext', code: null, state: 'start', failedIn: null, peer: null, resumed: false, cost: { roundTrips: 0, cpuMs: 0 } };
    expect(handshake(client, server, trust, 0, 'DISABLE')).toEqual(plain);
    expect(handshake(null, server, trust, 0, 'PERMISSIVE')).toEqual(plain);
    const strict = handshake(null, server, trust, 0, 'STRICT');
    expect([strict.outcome, strict.code, strict.failedIn, strict.peer]).toEqual(['no-client-certificate', 'FL_TLS_NO_CLIENT_CERT', 'start', 'client']);
    expect(strict.cost).toEqual({ roundTrips: 0, cpuMs: 0 });
  });

  it('a server without a certificate fails the client hello', () => {
    const { client, trust } = mesh();
    const r = handshake(client, null, trust, 0, 'PERMISSIVE');
    expect([r.outcome, r.code, r.state, r.failedIn, r.peer]).toEqual(['no-server-certificate', 'FL_TLS_NO_SERVER_CERT', 'failed', 'client-hello', 'server']);
    expect(r.cost).toEqual({ roundTrips: 1, cpuMs: 0.25 });
  });

  it('an expired server certificate fails in client-hello, an expired client certificate in server-verified', () => {
    const { client, server, trust } = mesh();
    const after = 24 * HOUR + 1; // notAfter is inclusive
    const s = handshake(client, server, trust, after, 'STRICT');
    expect([s.outcome, s.code, s.failedIn, s.peer, s.cost.roundTrips, s.cost.cpuMs]).toEqual(['expired', 'FL_TLS_CERT_EXPIRED', 'client-hello', 'server', 1, 0.25]);
    const fresh: WorkloadCertificate = { ...server, notBefore: after, notAfter: after + 24 * HOUR };
    const c = handshake(client, fresh, trust, after, 'STRICT');
    expect([c.outcome, c.failedIn, c.peer, c.cost.cpuMs]).toEqual(['expired', 'server-verified', 'client', 0.5]);
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
    expect(verifyCertificate(expiredAlien, { trustDomains: new Set(['cluster.local']), issuers: new Set(['root-x']) }, 0)).toBe('wrong-trust-domain');
    expect(verifyCertificate(expiredAlien, { trustDomains: new Set(['other.mesh']), issuers: new Set(['root-a']) }, 0)).toBe('untrusted-issuer');
    expect(verifyCertificate(expiredAlien, { trustDomains: new Set(['other.mesh']), issuers: new Set(['root-x']) }, 0)).toBe('expired');
    expect(verifyCertificate(server, { trustDomains: new Set(['cluster.local']), issuers: new Set(['root-a']) }, 0)).toBeNull();
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
