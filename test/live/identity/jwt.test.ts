/**
 * Real JWS for live runs: jose signs ES256, node:crypto verifies behind the core's
 * synchronous JwtSignatureVerifier seam, and the core's RequestAuthenticator gives the same
 * verdicts with real keys as with the simulator's stand-in signatures.
 */
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import type { JwtSignatureVerifier } from '../../../proxy-core/identity/jwt-verifier.js';
import { RequestAuthenticator, type JwtRule, type TokenClaims } from '../../../proxy-core/identity/request-authentication.js';
import { base64UrlEncode, decodeJsonSegment, signSimulatedJwt, simulatedKeySet } from '../../../proxy-core/identity/simulated-jws.js';
import { Security } from '../../../scenarios/security-schema.js';
import { jwksVerifier } from '../../../sim/live/identity/jwks-verifier.js';
import { JwtSigningKey, ScenarioTokens } from '../../../sim/live/identity/scenario-tokens.js';

const IDP = 'https://idp.example';
const PARTNER = 'https://partner.example';
const clock = new RealClock();
const security = Security.parse({
  issuers: [
    { issuer: IDP, key: 'idp-secret' },
    { issuer: PARTNER, key: 'partner-secret' },
  ],
  tokens: {
    alice: { issuer: IDP, subject: 'alice', audience: 'orders' },
    forged: { issuer: IDP, subject: 'mallory', audience: 'orders', forgedSignature: true },
    billing: { issuer: IDP, subject: 'alice', audience: 'billing' },
    partner: { issuer: PARTNER, subject: 'bob', audience: 'orders' },
  },
  requestAuthentication: [{ service: 'orders', jwtRules: [{ issuer: IDP, audiences: ['orders'] }] }],
});
let tokens: ScenarioTokens;
let idp: JwtSigningKey;
let forger: JwtSigningKey;
let verifier: JwtSignatureVerifier;

beforeAll(async () => {
  tokens = await ScenarioTokens.create(security, clock);
  idp = tokens.signingKey(IDP)!;
  forger = await JwtSigningKey.generate(idp.kid);
  verifier = tokens.keySet(IDP);
});

afterAll(() => clock.cancelAll());

/** Runs a compact token through a verifier as the core's RequestAuthenticator does. */
function verifies(v: JwtSignatureVerifier, token: string): boolean {
  const [h, p, s] = token.split('.');
  const header = decodeJsonSegment(h) as { alg: string; kid?: string };
  return v.verify(header, `${h}.${p}`, s);
}

/** Claims of a token for `orders`, valid for an hour, changed by `extra`. */
interface Claims extends TokenClaims {
  readonly aud?: string;
}
const claims = (extra: Partial<Claims> = {}): Claims & jose.JWTPayload => ({ iss: IDP, sub: 'alice', aud: 'orders', exp: Math.floor(Date.now() / 1000) + 3600, ...extra });

describe('jwksVerifier (node:crypto, ES256 in IEEE P1363)', () => {
  it('verifies what jose signs, and jose verifies what the scenario tokens are', async () => {
    const token = await idp.sign(claims());
    expect(verifies(verifier, token)).toBe(true);
    const { payload, protectedHeader } = await jose.jwtVerify(await tokens.token('alice'), jose.createLocalJWKSet(tokens.jwks(IDP)), { issuer: IDP, audience: 'orders', algorithms: ['ES256'] });
    expect(payload.sub).toBe('alice');
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: idp.kid, typ: 'JWT' });
  });

  it('refuses a tampered payload, alg none, HS256 keyed with the public key, another key under the same kid, and a DER or non-base64url signature', async () => {
    const token = await idp.sign(claims());
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${base64UrlEncode(new TextEncoder().encode(JSON.stringify(claims({ sub: 'admin' }))))}.${s}`;
    const none = `${base64UrlEncode(new TextEncoder().encode('{"alg":"none"}'))}.${p}.`;
    const hmacKey = new TextEncoder().encode(JSON.stringify(idp.publicJwk));
    const hs256 = await new jose.SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: idp.kid }).sign(hmacKey);
    const der = Buffer.from(p1363ToDer(Buffer.from(s, 'base64url'))).toString('base64url');
    expect(verifies(verifier, token)).toBe(true);
    expect(verifies(verifier, tampered)).toBe(false);
    expect(verifies(verifier, none)).toBe(false);
    expect(verifies(verifier, hs256)).toBe(false);
    expect(verifies(verifier, await forger.sign(claims()))).toBe(false);
    expect(verifies(verifier, `${h}.${p}.${der}`)).toBe(false);
    expect(verifies(verifier, `${h}.${p}.${s.slice(0, -1)}+`)).toBe(false);
  });

  it('matches keys by kid as Envoy does: another kid is refused; a token or a key without kid matches', async () => {
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
    const jwk = await jose.exportJWK(publicKey);
    const sign = (header: jose.JWTHeaderParameters) => new jose.SignJWT(claims()).setProtectedHeader(header).sign(privateKey);
    const named = jwksVerifier([{ ...jwk, kid: 'k1' }]);
    expect(verifies(named, await sign({ alg: 'ES256', kid: 'k1' }))).toBe(true);
    expect(verifies(named, await sign({ alg: 'ES256', kid: 'k2' }))).toBe(false);
    expect(verifies(named, await sign({ alg: 'ES256' }))).toBe(true);
    expect(verifies(jwksVerifier([jwk]), await sign({ alg: 'ES256', kid: 'k9' }))).toBe(true);
  });

  it('verifies RS256 too, and refuses a private key or a key type it cannot verify', async () => {
    const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
    const rsa = jwksVerifier([{ ...(await jose.exportJWK(publicKey)), kid: 'r1' }]);
    expect(verifies(rsa, await new jose.SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'r1' }).sign(privateKey))).toBe(true);
    const privateJwk = await jose.exportJWK(privateKey);
    expect(() => jwksVerifier([privateJwk])).toThrow(RangeError);
    const edJwk = await jose.exportJWK((await jose.generateKeyPair('Ed25519')).publicKey);
    expect(() => jwksVerifier([edJwk])).toThrow(RangeError);
  });
});

describe("the core's RequestAuthenticator: real keys give the simulator's verdicts", () => {
  const now = (): number => Math.floor(Date.now() / 1000);
  /** Each case: the claims, and whether the signature is the issuer's own. */
  const CASES: [string, () => ReturnType<typeof claims>, boolean][] = [
    ['valid', () => claims(), true],
    ['expired', () => claims({ exp: now() - 120 }), true],
    ['not-yet-valid', () => claims({ nbf: now() + 120 }), true],
    ['wrong-audience', () => claims({ aud: 'billing' }), true],
    ['unknown-issuer', () => claims({ iss: PARTNER }), true],
    ['bad-signature', () => claims(), false],
  ];
  const rules = (keys: (issuer: string) => JwtSignatureVerifier): JwtRule[] => [{ issuer: IDP, audiences: ['orders'], keys: keys(IDP) }];
  const simKeys = (issuer: string) => simulatedKeySet([{ k: security.issuers.find((i) => i.issuer === issuer)!.key }]);

  it.each(CASES)('%s', async (name, make, genuine) => {
    const c = make();
    const simToken = signSimulatedJwt(genuine ? 'idp-secret' : 'idp-secret-forged', c);
    const liveToken = await (genuine ? tokens.signingKey(c.iss) ?? idp : forger).sign(c);
    const verdict = (authenticator: RequestAuthenticator, token: string) => {
      const r = authenticator.authenticate({ authorization: `Bearer ${token}` });
      return { outcome: r.outcome, reason: r.reason, principal: r.requestPrincipal };
    };
    const sim = verdict(new RequestAuthenticator(clock, rules(simKeys)), simToken);
    const live = verdict(new RequestAuthenticator(clock, tokens.jwtRules('orders')), liveToken);
    expect(live).toEqual(sim);
    expect(live.reason ?? 'valid').toBe(name);
  });

  it("signs the scenario's tokens for real: valid, forged (bad-signature), another audience, an issuer without a rule", async () => {
    const authenticator = new RequestAuthenticator(clock, tokens.jwtRules('orders'));
    const reason = async (name: string) => authenticator.authenticate({ authorization: `Bearer ${await tokens.token(name)}` }).reason ?? 'valid';
    expect([await reason('alice'), await reason('forged'), await reason('billing'), await reason('partner')]).toEqual(['valid', 'bad-signature', 'wrong-audience', 'unknown-issuer']);
    expect(await tokens.token('alice')).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{86}$/);
  });
});

/** An ECDSA signature R ‖ S as ASN.1 DER (what OpenSSL emits by default). */
function p1363ToDer(sig: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array): number[] => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const v = [...bytes.slice(i)];
    if (v[0] & 0x80) v.unshift(0);
    return [0x02, v.length, ...v];
  };
  const body = [...int(sig.slice(0, 32)), ...int(sig.slice(32))];
  return new Uint8Array([0x30, body.length, ...body]);
}
