import type { HandshakeResult } from '../proxy-core/identity/mtls-handshake.js';

// TLS 1.3: RFC 8446 §2 (full handshake 1-RTT, PSK resumption).

/**
 * What an mTLS handshake costs in the simulator. CPU figures were measured on Node 20.20.2 /
 * OpenSSL (Xeon, 1 core): ECDSA P-256 sign 23 µs, verify 60 µs, X25519 keygen 31 µs and
 * derive 29 µs. A full mTLS handshake costs each side one sign (CertificateVerify), two
 * verifies (peer's CertificateVerify and its certificate's signature) and one key exchange:
 * ≈ 0.2 ms a side, rounded up to 0.5 ms for both with hashing and record work. A PSK
 * resumption with (EC)DHE does only the key exchanges (≈ 0.12 ms for both).
 */
export interface HandshakeCostConfig {
  /** Extra round trips of a full TLS 1.3 handshake: 1 (RFC 8446 §2). */
  readonly fullRoundTrips: number;
  /** CPU of a full mutual handshake, both sides, ms: 0.5. */
  readonly fullCpuMs: number;
  /** Extra round trips of a resumed session: 0 (PSK with 0-RTT early data, or a pooled connection). */
  readonly resumedRoundTrips: number;
  /** CPU of a resumed session, both sides, ms: 0.12 (psk_dhe_ke, no signatures). */
  readonly resumedCpuMs: number;
}

/** The default {@link HandshakeCostConfig}. */
export const DEFAULT_HANDSHAKE_COST: HandshakeCostConfig = {
  fullRoundTrips: 1,
  fullCpuMs: 0.5,
  resumedRoundTrips: 0,
  resumedCpuMs: 0.12,
};

/**
 * The delay (ms) an established handshake adds before the first request, given the one-way
 * network latency: its round trips plus its CPU, full or resumed. Plaintext costs nothing.
 * (A failed handshake fails the attempt one round trip after it was sent: the world's.)
 */
export function handshakeDelayMs(result: HandshakeResult, oneWayMs: number, costs: HandshakeCostConfig = DEFAULT_HANDSHAKE_COST): number {
  if (result.state !== 'established') return 0;
  return result.resumed ? 2 * oneWayMs * costs.resumedRoundTrips + costs.resumedCpuMs : 2 * oneWayMs * costs.fullRoundTrips + costs.fullCpuMs;
}
