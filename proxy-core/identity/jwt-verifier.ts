// RFC 7515 (JWS) §4 protected header; RFC 7517 (JWK Set) as the issuer's key set.

/** The protected header of a JWS, as much as verification reads. */
export interface JwsHeader {
  /** The signature algorithm, e.g. `ES256`. */
  readonly alg: string;
  /** The key ID, naming a key of the issuer's set. */
  readonly kid?: string;
}

/**
 * An issuer's key set (Istio's `jwks` / `jwksUri`) as a verifier of token signatures:
 * whether `signature` (base64url) signs `signingInput` (`header.payload`) under the key the
 * header names, with the algorithm it names. Synchronous: the simulator's keyed hash
 * answers at once, and a live adapter verifies ES256 or RS256 with node:crypto, which is
 * synchronous too. Must refuse an algorithm the key set does not hold (no `none`).
 */
export interface JwtSignatureVerifier {
  verify(header: JwsHeader, signingInput: string, signature: string): boolean;
}
