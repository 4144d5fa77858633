import type { JwsHeader, JwtSignatureVerifier } from './jwt-verifier.js';
import type { TokenClaims } from './request-authentication.js';

/**
 * The simulator's stand-in for JWS signatures: a deterministic keyed hash (HMAC-shaped
 * FNV-1a, 64 bits) under the `alg` {@link SIMULATED_JWS_ALG}. Anyone without the key cannot
 * produce a valid one by accident, but it is not cryptography and must never guard anything
 * real: live mode signs and verifies real ES256 tokens behind the same
 * {@link JwtSignatureVerifier} seam. Also the base64url JSON codec the request
 * authenticator reads tokens with.
 */

/** The `alg` of simulated tokens. */
export const SIMULATED_JWS_ALG = 'FL-SIM';

/** A simulated JWKS entry: a shared secret, optionally named by `kid`. */
export interface SimulatedJwk {
  readonly kid?: string;
  /** The secret. */
  readonly k: string;
}

/**
 * A compact token `header.payload.signature` (base64url JSON) signed with `key` by the
 * simulated algorithm; `kid` names the key in the header.
 */
export function signSimulatedJwt(key: string, claims: TokenClaims, kid?: string): string {
  const header = kid === undefined ? { alg: SIMULATED_JWS_ALG, typ: 'JWT' } : { alg: SIMULATED_JWS_ALG, typ: 'JWT', kid };
  const input = `${encodeJson(header)}.${encodeJson(claims)}`;
  return `${input}.${simulatedSignature(key, input)}`;
}

/**
 * A key set that verifies simulated signatures, as a JWKS would: the key the header's `kid`
 * names, or any key without a `kid` match when the header has none; only the simulated `alg`.
 *
 * @throws RangeError for an empty key set or an empty secret.
 */
export function simulatedKeySet(keys: readonly SimulatedJwk[]): JwtSignatureVerifier {
  if (keys.length === 0) throw new RangeError('simulated key set: needs at least one key');
  for (const key of keys) if (key.k.length === 0) throw new RangeError('simulated key set: a key has an empty secret');
  return {
    verify(header: JwsHeader, signingInput: string, signature: string): boolean {
      if (header.alg !== SIMULATED_JWS_ALG) return false;
      for (const key of keys) {
        if (header.kid !== undefined && key.kid !== undefined && key.kid !== header.kid) continue;
        if (simulatedSignature(key.k, signingInput) === signature) return true;
      }
      return false;
    },
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });

function encodeJson(value: unknown): string {
  return base64UrlEncode(UTF8_ENCODER.encode(JSON.stringify(value)));
}

/** The JSON object in a base64url segment (a JWS header or payload); `null` if it is not one. */
export function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64UrlDecode(segment);
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(UTF8_DECODER.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** RFC 4648 §5 base64url without padding. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63] + ALPHABET[n & 63];
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63];
  } else if (left === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63];
  }
  return out;
}

/** Decodes unpadded base64url; `null` for a character outside the alphabet or an impossible length. */
export function base64UrlDecode(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const v = ALPHABET.indexOf(text[i]);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}


/**
 * HMAC-shaped keyed hash over FNV-1a (two 32-bit lanes, murmur3 finaliser):
 * `H((key ⊕ 0x5c) ‖ H((key ⊕ 0x36) ‖ message))`, 8 bytes in base64url. A simulation of a
 * signature, not cryptography.
 */
export function simulatedSignature(key: string, message: string): string {
  const inner = keyedFnv(key, 0x36, message);
  const outer = keyedFnv(key, 0x5c, inner);
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 8; i++) bytes[i] = outer.charCodeAt(i);
  return base64UrlEncode(bytes);
}

/** 8 chars of codes 0–255 (the two lanes' bytes). */
function keyedFnv(key: string, pad: number, message: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i) ^ pad;
    a = Math.imul(a ^ (c & 0xff), 0x01000193);
    a = Math.imul(a ^ (c >>> 8), 0x01000193);
    b = Math.imul(b ^ (c & 0xff), 0x01000193);
    b = Math.imul(b ^ (c >>> 8) ^ 0xa5, 0x01000193);
  }
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    a = Math.imul(a ^ (c & 0xff), 0x01000193);
    a = Math.imul(a ^ (c >>> 8), 0x01000193);
    b = Math.imul(b ^ ((c + i) & 0xff), 0x01000193);
    b = Math.imul(b ^ (c >>> 8), 0x01000193);
  }
  a = fmix32(a ^ message.length);
  b = fmix32(b ^ a);
  return String.fromCharCode(
    a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff,
    b >>> 24, (b >>> 16) & 0xff, (b >>> 8) & 0xff, b & 0xff,
  );
}

/** murmur3 32-bit finaliser. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
