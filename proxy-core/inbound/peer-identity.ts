import { principalOf, type SpiffeId } from '../identity/spiffe-id.js';

/**
 * Who is on the other end of an mTLS connection, as authorization reads it: derived once
 * from the SPIFFE ID in the peer certificate's URI SAN (per connection in live mode, per
 * certificate in the simulator), never from a name the caller claims.
 */
export interface PeerIdentity {
  /** The SPIFFE ID the certificate carries. */
  readonly id: SpiffeId;
  /** Istio's principal, `<trust-domain>/ns/<ns>/sa/<sa>` (`source.principal`). */
  readonly principal: string;
  /** The namespace of an Istio-shaped ID (`source.namespace`), else null. */
  readonly namespace: string | null;
}

/** The identity a peer certificate's SPIFFE ID establishes. */
export function peerIdentityOf(id: SpiffeId): PeerIdentity {
  return { id, principal: principalOf(id), namespace: id.namespace ?? null };
}
