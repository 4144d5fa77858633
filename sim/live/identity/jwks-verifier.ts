import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JwsHeader, JwtSignatureVerifier } from '../../../proxy-core/identity/jwt-verifier.js';
import { base64UrlDecode } from '../../../proxy-core/identity/simulated-jws.js';

// RFC 7518 §3.4 (ECDSA signatures are R ‖ S, 32 bytes each for P-256), §3.3 (RS256);
// RFC 7517 §4.5 kid. Envoy's jwt_verify_lib matches a key when either side has no kid.

/** A public JWK as a JWKS lists it. */
export interface PublicJwk extends JsonWebKey {
  /** Key ID, matched against the token header's `kid`. */
  kid?: string;
  /** The algorithm the key is for; inferred from the key when absent (EC P-256: ES256, RSA: RS256). */
  alg?: string;
  /** `sig` or absent; `enc` keys are not used for signatures. */
  use?: string;
}

/** How node:crypto verifies one JWS algorithm. */
interface Algorithm {
  readonly hash: string;
  readonly kty: string;
  readonly crv?: string;
  /** JWS ECDSA signatures are IEEE P1363 (R ‖ S), not DER. */
  readonly dsaEncoding?: 'ieee-p1363';
  /** Exact signature length in bytes, where fixed. */
  readonly signatureBytes?: number;
}

/** The algorithms verified: ES256 and RS256, what Istio's docs and most issuers use. `none` is not one. */
const ALGORITHMS: Readonly<Record<string, Algorithm>> = {
  ES256: { hash: 'sha256', kty: 'EC', crv: 'P-256', dsaEncoding: 'ieee-p1363', signatureBytes: 64 },
  RS256: { hash: 'sha256', kty: 'RSA' },
};

/** A key of the set, imported once. */
interface VerificationKey {
  readonly kid: string | undefined;
  readonly alg: string;
  readonly key: KeyObject;
}

/**
 * An issuer's JWKS as the core's {@link JwtSignatureVerifier}, over node:crypto (synchronous,
 * as the core's RequestAuthenticator needs): ES256 (`dsaEncoding: 'ieee-p1363'`) and RS256.
 * A token verifies when its header's `alg` is one of these and some key of that `alg` whose
 * `kid` matches (or that has none, or when the header has none) verifies the signature. An
 * `alg` of `none`, HS256 against a public key, or any other algorithm is refused.
 *
 * @throws RangeError for a key that is private, of an unsupported type, or whose `alg`
 * does not fit it.
 */
export function jwksVerifier(keys: readonly PublicJwk[]): JwtSignatureVerifier {
  const imported = keys.filter((k) => k.use === undefined || k.use === 'sig').map(importKey);
  return {
    verify(header: JwsHeader, signingInput: string, signature: string): boolean {
      const algorithm = Object.hasOwn(ALGORITHMS, header.alg) ? ALGORITHMS[header.alg] : undefined;
      if (algorithm === undefined) return false;
      const bytes = base64UrlDecode(signature);
      if (bytes === null || (algorithm.signatureBytes !== undefined && bytes.length !== algorithm.signatureBytes)) return false;
      const input = Buffer.from(signingInput, 'utf8');
      for (const k of imported) {
        if (k.alg !== header.alg || (header.kid !== undefined && k.kid !== undefined && k.kid !== header.kid)) continue;
        if (verifies(algorithm, k.key, input, bytes)) return true;
      }
      return false;
    },
  };
}

function verifies(algorithm: Algorithm, key: KeyObject, input: Buffer, signature: Uint8Array): boolean {
  try {
    return verify(algorithm.hash, input, algorithm.dsaEncoding ? { key, dsaEncoding: algorithm.dsaEncoding } : key, signature);
  } catch {
    return false;
  }
}

function importKey(jwk: PublicJwk): VerificationKey {
  if (jwk.d !== undefined) throw new RangeError(`JWKS: key ${jwk.kid ?? '(no kid)'} is a private key; a key set holds public keys`);
  const alg = jwk.alg ?? inferAlg(jwk);
  const algorithm = Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  if (algorithm === undefined || algorithm.kty !== jwk.kty || (algorithm.crv !== undefined && algorithm.crv !== jwk.crv)) {
    throw new RangeError(`JWKS: key ${jwk.kid ?? '(no kid)'} (kty ${jwk.kty}, crv ${jwk.crv ?? '-'}, alg ${alg}) is not an ES256 or RS256 key`);
  }
  return { kid: jwk.kid, alg, key: createPublicKey({ key: jwk, format: 'jwk' }) };
}

function inferAlg(jwk: PublicJwk): string {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  return `(none for kty ${jwk.kty})`;
}
