import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { Clock } from '../../../proxy-core/clock/clock.js';
import type { JwtSignatureVerifier } from '../../../proxy-core/identity/jwt-verifier.js';
import type { JwtRule, TokenClaims } from '../../../proxy-core/identity/request-authentication.js';
import type { Security } from '../../../scenarios/security-schema.js';
import { jwksVerifier, type PublicJwk } from './jwks-verifier.js';

/** The JWS algorithm live tokens are signed with. */
export const LIVE_JWS_ALG = 'ES256';

/**
 * One ES256 signing key of a token issuer, with its public JWK. Tokens are real JWS
 * (`{alg: ES256, kid, typ: JWT}`), signed with jose.
 */
export class JwtSigningKey {
  /** The key ID in the header of what it signs and in its JWK. */
  readonly kid: string;
  /** The public half, as the issuer's JWKS lists it. */
  readonly publicJwk: PublicJwk;
  private readonly privateKey: CryptoKey;

  private constructor(kid: string, privateKey: CryptoKey, publicJwk: PublicJwk) {
    this.kid = kid;
    this.privateKey = privateKey;
    this.publicJwk = publicJwk;
  }

  /** Generates a P-256 key pair named `kid`. */
  static async generate(kid: string): Promise<JwtSigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(LIVE_JWS_ALG);
    const jwk = await exportJWK(publicKey);
    return new JwtSigningKey(kid, privateKey, { ...(jwk as PublicJwk), kid, alg: LIVE_JWS_ALG, use: 'sig' });
  }

  /** A compact JWS of `claims` (times in Unix seconds, as the core reads them). */
  sign(claims: TokenClaims): Promise<string> {
    return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: LIVE_JWS_ALG, kid: this.kid, typ: 'JWT' }).sign(this.privateKey);
  }
}

/** The part of a scenario's `security` section that tokens come from. */
export type TokenSecurity = Pick<Security, 'issuers' | 'tokens' | 'requestAuthentication'>;

/**
 * A live run's token issuers: one ES256 key per issuer of `security.issuers` (its shared
 * secret, which only the simulator's stand-in signature uses, is ignored), the tokens of
 * `security.tokens` signed for real, and each issuer's key set as a {@link JwtSignatureVerifier}
 * for the core's RequestAuthenticator: what sim/security-model.ts does with simulated
 * signatures. A `forgedSignature` token is signed by another key under the issuer's `kid`.
 */
export class ScenarioTokens {
  private readonly security: TokenSecurity;
  private readonly clock: Clock;
  private readonly keys: ReadonlyMap<string, { genuine: JwtSigningKey; forger: JwtSigningKey; verifier: JwtSignatureVerifier }>;

  private constructor(security: TokenSecurity, clock: Clock, keys: ScenarioTokens['keys']) {
    this.security = security;
    this.clock = clock;
    this.keys = keys;
  }

  /** Generates the issuers' keys (and a forger's per issuer). */
  static async create(security: TokenSecurity, clock: Clock): Promise<ScenarioTokens> {
    const entries = await Promise.all(
      security.issuers.map(async ({ issuer }, i) => {
        const kid = `issuer-${i + 1}`;
        const [genuine, forger] = await Promise.all([JwtSigningKey.generate(kid), JwtSigningKey.generate(kid)]);
        return [issuer, { genuine, forger, verifier: jwksVerifier([genuine.publicJwk]) }] as const;
      }),
    );
    return new ScenarioTokens(security, clock, new Map(entries));
  }

  /**
   * The signed token named `name` in `security.tokens`, as a request class sends it:
   * `iss`, `sub`, `aud` when set, `exp` its `expiresIn` from the clock's now (whole seconds).
   *
   * @throws RangeError for an unknown token or an issuer without a key.
   */
  token(name: string): Promise<string> {
    const spec = Object.hasOwn(this.security.tokens, name) ? this.security.tokens[name] : undefined;
    if (spec === undefined) throw new RangeError(`tokens: no token named ${name}`);
    const keys = this.keys.get(spec.issuer);
    if (keys === undefined) throw new RangeError(`tokens: token ${name}'s issuer ${spec.issuer} is not in security.issuers`);
    const claims: TokenClaims = {
      iss: spec.issuer,
      sub: spec.subject,
      ...(spec.audience !== undefined ? { aud: spec.audience } : {}),
      exp: Math.floor((this.clock.epochMs() + spec.expiresIn) / 1000),
    };
    return (spec.forgedSignature ? keys.forger : keys.genuine).sign(claims);
  }

  /** The signing key of `issuer` (to sign other claims); `undefined` for an issuer without one. */
  signingKey(issuer: string): JwtSigningKey | undefined {
    return this.keys.get(issuer)?.genuine;
  }

  /** `issuer`'s JWKS (its public key); empty for an issuer without a key. */
  jwks(issuer: string): { keys: PublicJwk[] } {
    const keys = this.keys.get(issuer);
    return { keys: keys === undefined ? [] : [keys.genuine.publicJwk] };
  }

  /** `issuer`'s key set as a verifier; one that refuses every token for an issuer without a key. */
  keySet(issuer: string): JwtSignatureVerifier {
    return this.keys.get(issuer)?.verifier ?? REFUSE_ALL;
  }

  /** The JWT rules of `service` (`security.requestAuthentication`) with real key sets, for the core's RequestAuthenticator. */
  jwtRules(service: string): JwtRule[] {
    return this.security.requestAuthentication
      .filter((r) => r.service === service)
      .flatMap((r) => r.jwtRules)
      .map((rule) => ({ ...rule, keys: this.keySet(rule.issuer) }));
  }
}

const REFUSE_ALL: JwtSignatureVerifier = { verify: () => false };
