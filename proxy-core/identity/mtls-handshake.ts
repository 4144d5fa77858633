import type { WorkloadCertificate } from './certificate-authority.js';
import type { PeerAuthMode } from './peer-authentication.js';
import type { TrustBundle } from './trust-bundle.js';

// TLS 1.3: RFC 8446 §2 (full handshake 1-RTT, PSK resumption); certificate checks in the order
// of Envoy's SPIFFE validator (trust bundle by trust domain, then chain, then validity period).

/** States of the handshake machine, in order; `failed` can follow any state before `established`. */
export const HANDSHAKE_STATES = [
  'start',
  'client-hello',
  'server-verified',
  'client-verified',
  'established',
  'failed',
] as const;

/** One of {@link HANDSHAKE_STATES}. */
export type HandshakeState = (typeof HANDSHAKE_STATES)[number];

/** Why a handshake failed. */
export const HANDSHAKE_FAILURES = [
  'expired',
  'not-yet-valid',
  'wrong-trust-domain',
  'untrusted-issuer',
  'no-client-certificate',
  'no-server-certificate',
] as const;

/** One of {@link HANDSHAKE_FAILURES}. */
export type HandshakeFailure = (typeof HANDSHAKE_FAILURES)[number];

/** The outcome of a handshake: mTLS established, plaintext accepted, or a failure. */
export type HandshakeOutcome = 'ok' | 'plaintext' | HandshakeFailure;

/** Stable code of each failure, for reports and logs. */
export const HANDSHAKE_FAILURE_CODES: Readonly<Record<HandshakeFailure, string>> = {
  expired: 'FL_TLS_CERT_EXPIRED',
  'not-yet-valid': 'FL_TLS_CERT_NOT_YET_VALID',
  'wrong-trust-domain': 'FL_TLS_WRONG_TRUST_DOMAIN',
  'untrusted-issuer': 'FL_TLS_UNTRUSTED_ISSUER',
  'no-client-certificate': 'FL_TLS_NO_CLIENT_CERT',
  'no-server-certificate': 'FL_TLS_NO_SERVER_CERT',
};

/**
 * The result of a handshake. A {@link MtlsHandshake} reuses one instance: read it before
 * the next handshake.
 */
export interface HandshakeResult {
  /** `ok`, `plaintext`, or why it failed. */
  outcome: HandshakeOutcome;
  /** The stable code of the failure ({@link HANDSHAKE_FAILURE_CODES}); `null` when it did not fail. */
  code: string | null;
  /** The state the machine ended in: `established`, `failed`, or `start` for plaintext. */
  state: HandshakeState;
  /** The state in which the failing check ran; `null` when it did not fail. */
  failedIn: HandshakeState | null;
  /** Whose certificate failed the check; `null` when none did. */
  peer: 'client' | 'server' | null;
  /** Whether the session was resumed rather than fully negotiated. */
  resumed: boolean;
}

/** A fresh, blank {@link HandshakeResult}. */
export function newHandshakeResult(): HandshakeResult {
  return {
    outcome: 'plaintext',
    code: null,
    state: 'start',
    failedIn: null,
    peer: null,
    resumed: false,
  };
}

/**
 * Checks one certificate as a TLS peer would, in the order of Envoy's SPIFFE validator:
 * its trust domain has a bundle, its issuer is trusted, and `now` is within
 * [notBefore, notAfter]. Returns the failure, or `null` when it passes.
 */
export function verifyCertificate(cert: WorkloadCertificate, trust: TrustBundle, nowEpochMs: number): HandshakeFailure | null {
  const roots = trust.roots.get(cert.subject.trustDomain);
  if (roots === undefined) return 'wrong-trust-domain';
  if (!roots.has(cert.issuer)) return 'untrusted-issuer';
  if (nowEpochMs < cert.notBefore) return 'not-yet-valid';
  if (nowEpochMs > cert.notAfter) return 'expired';
  return null;
}

/**
 * The mTLS handshake between a client and a server sidecar, as a state machine:
 * `start` → `client-hello` → `server-verified` → `client-verified` → `established`, or
 * `failed` at the first check that does not pass.
 *
 * - `start`: a server in DISABLE, or in PERMISSIVE facing a client without a certificate,
 *   takes plaintext (outcome `plaintext`). A STRICT server facing a client without a
 *   certificate refuses it: `no-client-certificate`.
 * - `client-hello` → `server-verified`: the server must present a certificate
 *   (`no-server-certificate`) that the client verifies ({@link verifyCertificate}).
 * - `server-verified` → `client-verified`: the server verifies the client's certificate.
 *
 * Resumption does not skip the checks: a resumed session over an expired certificate fails
 * like a full one. What a handshake costs in time is the transport's: the simulator models
 * it (sim/handshake-cost.ts), live mode pays it.
 */
export class MtlsHandshake {
  private readonly result: HandshakeResult = newHandshakeResult();

  /**
   * Runs a handshake at wall time `nowEpochMs` against a server in `mode`. Returns this
   * machine's result object, overwritten by the next call.
   */
  run(
    client: WorkloadCertificate | null,
    server: WorkloadCertificate | null,
    trust: TrustBundle,
    nowEpochMs: number,
    mode: PeerAuthMode,
    resumed = false,
  ): HandshakeResult {
    return runHandshake(this.result, client, server, trust, nowEpochMs, mode, resumed);
  }
}

/** One handshake with a fresh result object; see {@link MtlsHandshake}. */
export function handshake(
  client: WorkloadCertificate | null,
  server: WorkloadCertificate | null,
  trust: TrustBundle,
  nowEpochMs: number,
  mode: PeerAuthMode,
  resumed = false,
): HandshakeResult {
  return runHandshake(newHandshakeResult(), client, server, trust, nowEpochMs, mode, resumed);
}

function runHandshake(
  out: HandshakeResult,
  client: WorkloadCertificate | null,
  server: WorkloadCertificate | null,
  trust: TrustBundle,
  now: number,
  mode: PeerAuthMode,
  resumed: boolean,
): HandshakeResult {
  out.resumed = false;
  let state: HandshakeState = 'start';
  for (;;) {
    switch (state) {
      case 'start':
        if (mode === 'DISABLE' || (client === null && mode === 'PERMISSIVE')) return finish(out, 'plaintext', 'start', null, null);
        if (client === null) return finish(out, 'no-client-certificate', 'failed', 'start', 'client');
        state = 'client-hello';
        break;
      case 'client-hello': {
        if (server === null) return finish(out, 'no-server-certificate', 'failed', state, 'server');
        const failure = verifyCertificate(server, trust, now);
        if (failure !== null) return finish(out, failure, 'failed', state, 'server');
        state = 'server-verified';
        break;
      }
      case 'server-verified': {
        const failure = verifyCertificate(client!, trust, now);
        if (failure !== null) return finish(out, failure, 'failed', state, 'client');
        state = 'client-verified';
        break;
      }
      default:
        out.resumed = resumed;
        return finish(out, 'ok', 'established', null, null);
    }
  }
}

function finish(
  out: HandshakeResult,
  outcome: HandshakeOutcome,
  state: HandshakeState,
  failedIn: HandshakeState | null,
  peer: 'client' | 'server' | null,
): HandshakeResult {
  out.outcome = outcome;
  out.code = outcome === 'ok' || outcome === 'plaintext' ? null : HANDSHAKE_FAILURE_CODES[outcome];
  out.state = state;
  out.failedIn = failedIn;
  out.peer = peer;
  return out;
}
