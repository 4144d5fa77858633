import type { Clock } from '../clock/clock.js';
import type { JwsHeader, JwtSignatureVerifier } from './jwt-verifier.js';
import { decodeJsonSegment } from './simulated-jws.js';
import { headerValue, type Headers } from '../call/headers.js';

// Istio: security/v1beta1/request_authentication.proto JWTRule {issuer, audiences, fromHeaders};
// Envoy: jwt_authn authenticator.cc check order (issuer → nbf/exp with 60 s skew → audience → signature).

/**
 * Claims of a token, as in a JWT; times are Unix seconds (`clock.epochMs() / 1000`).
 */
export interface TokenClaims {
  /** Issuer; selects the rule that validates the token. */
  readonly iss: string;
  /** Subject; the request principal is `<iss>/<sub>`. */
  readonly sub?: string;
  /** Audience(s). */
  readonly aud?: string | readonly string[];
  /** Expiry, seconds. */
  readonly exp?: number;
  /** Not-before, seconds. */
  readonly nbf?: number;
  /** Authorized presenter. */
  readonly azp?: string;
  /** Any other claim. */
  readonly [claim: string]: unknown;
}

/** Where a token is looked for: a header and the text before the token. */
export interface TokenLocation {
  /** Header name (matched case-insensitively; request headers are expected in lowercase). */
  readonly name: string;
  /** Text that precedes the token in the header value, e.g. `Bearer `; default none. */
  readonly prefix?: string;
}

/** Istio `JWTRule`. */
export interface JwtRule {
  /** `issuer`: the `iss` this rule validates. */
  readonly issuer: string;
  /** `audiences`: one must be in the token's `aud`; empty or absent: not checked (as Envoy). */
  readonly audiences?: readonly string[];
  /** `jwks`: the issuer's keys, as a verifier of signatures. */
  readonly keys: JwtSignatureVerifier;
  /** `fromHeaders`; default `Authorization: Bearer <token>`. */
  readonly fromHeaders?: readonly TokenLocation[];
}

/** Options of a {@link RequestAuthenticator}. */
export interface RequestAuthenticatorOptions {
  /** Envoy `JwtProvider.clock_skew_seconds` applied to `exp` and `nbf`; default 60. */
  readonly clockSkewSeconds?: number;
}

/** Envoy's default JWT clock skew (`kClockSkewInSecond`): 60 s. */
export const DEFAULT_JWT_CLOCK_SKEW_SECONDS = 60;

/** Istio's default token location: `Authorization: Bearer <token>`. */
export const DEFAULT_TOKEN_LOCATION: TokenLocation = { name: 'authorization', prefix: 'Bearer ' };

/** HTTP status of a request whose token is invalid (Istio: 401 "Jwt ..."). */
export const REQUEST_AUTH_REJECT_STATUS = 401;

/** Why a token was rejected. */
export type RequestAuthFailure = 'malformed' | 'unknown-issuer' | 'not-yet-valid' | 'expired' | 'wrong-audience' | 'bad-signature';

/** Stable code of each {@link RequestAuthFailure}. */
export const REQUEST_AUTH_FAILURE_CODES: Readonly<Record<RequestAuthFailure, string>> = {
  malformed: 'FL_JWT_MALFORMED',
  'unknown-issuer': 'FL_JWT_UNKNOWN_ISSUER',
  'not-yet-valid': 'FL_JWT_NOT_YET_VALID',
  expired: 'FL_JWT_EXPIRED',
  'wrong-audience': 'FL_JWT_WRONG_AUDIENCE',
  'bad-signature': 'FL_JWT_BAD_SIGNATURE',
};

/**
 * The result of {@link RequestAuthenticator.authenticate}, reused between calls.
 * `none`: no token, accepted without identity; `valid`: accepted with `requestPrincipal`;
 * `invalid`: reject with {@link REQUEST_AUTH_REJECT_STATUS}.
 */
export interface RequestAuthResult {
  /** Whether a token was there and valid. */
  outcome: 'none' | 'valid' | 'invalid';
  /** `<iss>/<sub>` of the valid token; `null` otherwise. */
  requestPrincipal: string | null;
  /** Claims of the valid token, for AuthorizationPolicy conditions; `null` otherwise. */
  claims: Readonly<Record<string, unknown>> | null;
  /** Why the token was rejected; `null` unless `invalid`. */
  reason: RequestAuthFailure | null;
}

/**
 * Istio RequestAuthentication at a boundary: finds tokens in the configured headers and
 * validates each against the rule for its issuer. No token: accepted without identity; any
 * invalid token: rejected; otherwise the request principal is `<iss>/<sub>`. Checks run in
 * Envoy's order: format, issuer (configured for that location), `nbf` then `exp` with the
 * clock skew (against wall time, Unix seconds), audience, signature (the rule's key set).
 */
export class RequestAuthenticator {
  private readonly clock: Clock;
  private readonly locations: readonly CompiledLocation[];
  private readonly skew: number;
  private readonly result: RequestAuthResult = { outcome: 'none', requestPrincipal: null, claims: null, reason: null };

  /**
   * Compiles `rules`.
   *
   * @throws RangeError for an empty issuer, two rules with the same issuer, an empty header
   * name, or a negative clock skew.
   */
  constructor(clock: Clock, rules: readonly JwtRule[], options: RequestAuthenticatorOptions = {}) {
    this.clock = clock;
    this.skew = options.clockSkewSeconds ?? DEFAULT_JWT_CLOCK_SKEW_SECONDS;
    if (!(this.skew >= 0)) throw new RangeError(`request authentication: clock skew must be ≥ 0 s, got ${this.skew}`);
    this.locations = compileLocations(rules);
  }

  /** Authenticates a request by its headers. Returns this authenticator's result object. */
  authenticate(headers: Headers): RequestAuthResult {
    const r = this.result;
    r.outcome = 'none';
    r.requestPrincipal = null;
    r.claims = null;
    r.reason = null;
    for (const location of this.locations) {
      const token = extractToken(headers, location);
      if (token === null) continue;
      const failure = this.check(token, location);
      if (failure !== null) {
        r.outcome = 'invalid';
        r.requestPrincipal = null;
        r.claims = null;
        r.reason = failure;
        return r;
      }
    }
    return r;
  }

  private check(token: string, location: CompiledLocation): RequestAuthFailure | null {
    const parts = token.split('.');
    if (parts.length !== 3) return 'malformed';
    const header = decodeJsonSegment(parts[0]);
    const claims = decodeJsonSegment(parts[1]);
    if (header === null || typeof header.alg !== 'string' || claims === null) return 'malformed';
    if (typeof claims.iss !== 'string' || !validTimes(claims)) return 'malformed';
    const rule = location.rules.find((candidate) => candidate.issuer === claims.iss);
    if (rule === undefined) return 'unknown-issuer';
    const now = Math.floor(this.clock.epochMs() / 1000);
    if (typeof claims.nbf === 'number' && now + this.skew < claims.nbf) return 'not-yet-valid';
    if (typeof claims.exp === 'number' && now > claims.exp + this.skew) return 'expired';
    if (!audienceAllowed(rule.audiences, claims.aud)) return 'wrong-audience';
    if (!rule.keys.verify(header as unknown as JwsHeader, `${parts[0]}.${parts[1]}`, parts[2])) return 'bad-signature';
    if (this.result.outcome === 'none') {
      this.result.outcome = 'valid';
      this.result.requestPrincipal = `${claims.iss}/${typeof claims.sub === 'string' ? claims.sub : ''}`;
      this.result.claims = claims;
    }
    return null;
  }
}

// ---- token locations -----------------------------------------------------------------------

interface CompiledLocation {
  readonly name: string;
  readonly prefix: string;
  /** Rules that read tokens from here: a token's issuer must be one of theirs. */
  readonly rules: JwtRule[];
}

function compileLocations(rules: readonly JwtRule[]): CompiledLocation[] {
  const locations: CompiledLocation[] = [];
  const issuers = new Set<string>();
  for (const rule of rules) {
    if (rule.issuer.length === 0) throw new RangeError('request authentication: a JWT rule needs an issuer');
    if (issuers.has(rule.issuer)) throw new RangeError(`request authentication: issuer ${rule.issuer} has two JWT rules`);
    issuers.add(rule.issuer);
    const from = rule.fromHeaders === undefined || rule.fromHeaders.length === 0 ? [DEFAULT_TOKEN_LOCATION] : rule.fromHeaders;
    for (const loc of from) {
      if (loc.name.length === 0) throw new RangeError(`request authentication: JWT rule ${rule.issuer} has an empty header name`);
      const name = loc.name.toLowerCase();
      const prefix = loc.prefix ?? '';
      let compiled = locations.find((l) => l.name === name && l.prefix === prefix);
      if (compiled === undefined) {
        compiled = { name, prefix, rules: [] };
        locations.push(compiled);
      }
      compiled.rules.push(rule);
    }
  }
  return locations;
}

/** Envoy's extractor: the JWT-shaped run of characters after the prefix, if the prefix is there. */
function extractToken(headers: Headers, location: CompiledLocation): string | null {
  const value = headerValue(headers, location.name);
  if (value === undefined) return null;
  const at = location.prefix.length === 0 ? 0 : value.indexOf(location.prefix);
  if (at < 0) return null;
  let start = at + location.prefix.length;
  while (start < value.length && value.charCodeAt(start) === 32) start++;
  let end = start;
  while (end < value.length && isTokenChar(value.charCodeAt(end))) end++;
  return end > start ? value.slice(start, end) : null;
}

/** `[A-Za-z0-9-_.=]` */
function isTokenChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 46 || c === 61;
}

function validTimes(claims: Record<string, unknown>): boolean {
  return (claims.exp === undefined || typeof claims.exp === 'number') && (claims.nbf === undefined || typeof claims.nbf === 'number');
}

function audienceAllowed(allowed: readonly string[] | undefined, aud: unknown): boolean {
  if (allowed === undefined || allowed.length === 0) return true;
  if (typeof aud === 'string') return allowed.includes(aud);
  if (Array.isArray(aud)) return aud.some((a) => typeof a === 'string' && allowed.includes(a));
  return false;
}
