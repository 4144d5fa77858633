import type { HandshakeResult } from '../proxy-core/identity/mtls-handshake.js';

// TLS 1.3: RFC 8446 §2 (full handshake 1-RTT, PSK resumption).

/**
 * What an mTLS handshake costs in the simulator, calibrated on real handshakes: live mode's
 * full mTLS handshake on loopback (real X.509-SVIDs, prebuilt contexts, Node 20 / OpenSSL 3)
 * used 6.5–8.4 ms of CPU for both ends on a day this machine ran about 3× slow, 1.4–3.7 ms
 * scaled to its usual speed; a resumed one 45–56% of a full one (bench/RESULTS.md, "Live
 * mTLS handshakes"). The signatures and key exchanges alone come to a seventh of that: the
 * rest is OpenSSL's handshake machinery, certificate parsing and node's TLS socket set-up.
 * (The charge was 0.5 ms, built from the primitives only, until that measurement.)
 */
export interface HandshakeCostConfig {
  /** Extra round trips of a full TLS 1.3 handshake: 1 (RFC 8446 §2). */
  readonly fullRoundTrips: number;
  /** CPU of a full mutual handshake, both sides, ms: 2.5 (measured). */
  readonly fullCpuMs: number;
  /** Extra round trips of a resumed session: 0 (PSK with 0-RTT early data, or a pooled connection). */
  readonly resumedRoundTrips: number;
  /** CPU of a resumed session, both sides, ms: 1.25 (psk_dhe_ke, no signatures: half a full one, measured). */
  readonly resumedCpuMs: number;
}

/** The default {@link HandshakeCostConfig}. */
export const DEFAULT_HANDSHAKE_COST: HandshakeCostConfig = {
  fullRoundTrips: 1,
  fullCpuMs: 2.5,
  resumedRoundTrips: 0,
  resumedCpuMs: 1.25,
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
