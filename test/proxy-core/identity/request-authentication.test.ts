import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JWT_CLOCK_SKEW_SECONDS,
  REQUEST_AUTH_FAILURE_CODES,
  REQUEST_AUTH_REJECT_STATUS,
  RequestAuthenticator,
} from '../../../proxy-core/identity/request-authentication.js';
import { base64UrlDecode, base64UrlEncode, signSimulatedJwt as issueToken, simulatedKeySet, simulatedSignature } from '../../../proxy-core/identity/simulated-jws.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const ISS = 'https://issuer.example.com';
const KEY = 'k-123';
/** The issuer's key set: one simulated key. */
const keys = (k: string) => simulatedKeySet([{ k }]);

function setup(rules = [{ issuer: ISS, keys: keys(KEY) }]) {
  const clock = new VirtualClock(undefined, 0); // wall time = run time: token times read as seconds on the clock
  clock.runUntil(1_000_000); // t = 1000 s
  return { clock, auth: new RequestAuthenticator(clock, rules) };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const outcome = (r: { outcome: string; reason: string | null; requestPrincipal: string | null }) => [r.outcome, r.reason, r.requestPrincipal];

describe('RequestAuthenticator (Istio RequestAuthentication, Envoy jwt_authn)', () => {
  it('no token: accepted without identity; invalid token: rejected with 401', () => {
    const { auth } = setup();
    expect(auth.authenticate({})).toEqual({ outcome: 'none', requestPrincipal: null, claims: null, reason: null });
    expect(auth.authenticate({ authorization: 'Basic dXNlcjpwYXNz' }).outcome).toBe('none'); // no Bearer prefix: no token
    expect(outcome(auth.authenticate(bearer('deadbeef')))).toEqual(['invalid', 'malformed', null]);
    expect(REQUEST_AUTH_REJECT_STATUS).toBe(401);
  });

  it('a valid token from Authorization: Bearer gives the request principal <iss>/<sub> and its claims', () => {
    const { auth } = setup();
    const token = issueToken(KEY, { iss: ISS, sub: 'alice', exp: 2000, groups: ['dev'] });
    const r = auth.authenticate(bearer(token));
    expect(outcome(r)).toEqual(['valid', null, `${ISS}/alice`]);
    expect(r.claims).toEqual({ iss: ISS, sub: 'alice', exp: 2000, groups: ['dev'] });
  });

  it('exp and nbf count with Envoy\'s 60 s clock skew, in seconds on the clock', () => {
    const { clock, auth } = setup();
    expect(DEFAULT_JWT_CLOCK_SKEW_SECONDS).toBe(60);
    const exp940 = bearer(issueToken(KEY, { iss: ISS, sub: 's', exp: 940 }));
    const exp939 = bearer(issueToken(KEY, { iss: ISS, sub: 's', exp: 939 }));
    expect(auth.authenticate(exp940).outcome).toBe('valid'); // now 1000 > 940 + 60 is false
    expect(outcome(auth.authenticate(exp939))).toEqual(['invalid', 'expired', null]);
    const nbf1060 = bearer(issueToken(KEY, { iss: ISS, sub: 's', nbf: 1060 }));
    const nbf1061 = bearer(issueToken(KEY, { iss: ISS, sub: 's', nbf: 1061 }));
    expect(auth.authenticate(nbf1060).outcome).toBe('valid');
    expect(auth.authenticate(nbf1061).reason).toBe('not-yet-valid');
    clock.runUntil(1_001_999); // still second 1001
    expect(auth.authenticate(nbf1061).outcome).toBe('valid');
    const strict = new RequestAuthenticator(clock, [{ issuer: ISS, keys: keys(KEY) }], { clockSkewSeconds: 0 });
    expect(strict.authenticate(bearer(issueToken(KEY, { iss: ISS, exp: 1000 }))).reason).toBe('expired');
  });

  it('rejects unknown issuers, wrong audiences and bad signatures, each with a stable code', () => {
    const { auth, clock } = setup();
    expect(auth.authenticate(bearer(issueToken(KEY, { iss: 'https://other' }))).reason).toBe('unknown-issuer');
    const forged = issueToken('guess', { iss: ISS, sub: 'root' });
    expect(auth.authenticate(bearer(forged)).reason).toBe('bad-signature');
    const [h, , s] = issueToken(KEY, { iss: ISS, sub: 'alice' }).split('.');
    const [, p] = issueToken(KEY, { iss: ISS, sub: 'admin' }).split('.');
    expect(auth.authenticate(bearer(`${h}.${p}.${s}`)).reason).toBe('bad-signature'); // payload swapped
    const aud = new RequestAuthenticator(clock, [{ issuer: ISS, keys: keys(KEY), audiences: ['api', 'web'] }]);
    expect(aud.authenticate(bearer(issueToken(KEY, { iss: ISS, aud: 'web' }))).outcome).toBe('valid');
    expect(aud.authenticate(bearer(issueToken(KEY, { iss: ISS, aud: ['x', 'api'] }))).outcome).toBe('valid');
    expect(aud.authenticate(bearer(issueToken(KEY, { iss: ISS, aud: 'admin' }))).reason).toBe('wrong-audience');
    expect(aud.authenticate(bearer(issueToken(KEY, { iss: ISS }))).reason).toBe('wrong-audience');
    expect(REQUEST_AUTH_FAILURE_CODES).toEqual({
      malformed: 'FL_JWT_MALFORMED',
      'unknown-issuer': 'FL_JWT_UNKNOWN_ISSUER',
      'not-yet-valid': 'FL_JWT_NOT_YET_VALID',
      expired: 'FL_JWT_EXPIRED',
      'wrong-audience': 'FL_JWT_WRONG_AUDIENCE',
      'bad-signature': 'FL_JWT_BAD_SIGNATURE',
    });
  });

  it('checks in Envoy\'s order: issuer, then time, then audience, then signature', () => {
    const { clock } = setup();
    const auth = new RequestAuthenticator(clock, [{ issuer: ISS, keys: keys(KEY), audiences: ['api'] }]);
    const all = { iss: ISS, exp: 1, aud: 'nope' };
    expect(auth.authenticate(bearer(issueToken('wrong', { ...all, iss: 'x' }))).reason).toBe('unknown-issuer');
    expect(auth.authenticate(bearer(issueToken('wrong', all))).reason).toBe('expired');
    expect(auth.authenticate(bearer(issueToken('wrong', { ...all, exp: 5000 }))).reason).toBe('wrong-audience');
    expect(auth.authenticate(bearer(issueToken('wrong', { ...all, exp: 5000, aud: 'api' }))).reason).toBe('bad-signature');
  });

  it('malformed: not three parts, bad base64url, not JSON, no alg, non-numeric exp, no iss', () => {
    const { auth } = setup();
    const good = issueToken(KEY, { iss: ISS });
    const [h, p, s] = good.split('.');
    const enc = (o: unknown) => base64UrlEncode(new TextEncoder().encode(JSON.stringify(o)));
    for (const token of [`${h}.${p}`, `${h}.${p}.${s}.x`, `${h}.a.${s}`, `${enc('x')}.${p}.${s}`, `${enc({ typ: 'JWT' })}.${p}.${s}`, `${h}.${enc({ iss: ISS, exp: '10' })}.${s}`, `${h}.${enc({ sub: 'a' })}.${s}`]) {
      expect(auth.authenticate(bearer(token)).reason).toBe('malformed');
    }
  });

  it('an algorithm the key set does not hold is a bad signature, whatever the signature (no alg substitution)', () => {
    const { auth } = setup();
    const [, p, s] = issueToken(KEY, { iss: ISS }).split('.');
    const enc = (o: unknown) => base64UrlEncode(new TextEncoder().encode(JSON.stringify(o)));
    for (const alg of ['RS256', 'none', 'HS256']) expect(auth.authenticate(bearer(`${enc({ alg })}.${p}.${s}`)).reason).toBe('bad-signature');
  });

  it('a key set picks the key by kid', () => {
    const { clock } = setup();
    const auth = new RequestAuthenticator(clock, [{ issuer: ISS, keys: simulatedKeySet([{ kid: 'old', k: 'k-old' }, { kid: 'new', k: 'k-new' }]) }]);
    expect(auth.authenticate(bearer(issueToken('k-new', { iss: ISS, sub: 'a' }, 'new'))).outcome).toBe('valid');
    expect(auth.authenticate(bearer(issueToken('k-old', { iss: ISS, sub: 'a' }, 'new'))).reason).toBe('bad-signature');
    expect(auth.authenticate(bearer(issueToken('k-old', { iss: ISS, sub: 'a' }))).outcome).toBe('valid'); // no kid: any key
  });

  it('fromHeaders: custom header and prefix; a token there must come from a rule reading there', () => {
    const { clock } = setup();
    const auth = new RequestAuthenticator(clock, [
      { issuer: ISS, keys: keys(KEY), fromHeaders: [{ name: 'X-Jwt-Assertion' }] },
      { issuer: 'https://b', keys: keys('kb') },
    ]);
    const a = issueToken(KEY, { iss: ISS, sub: 'alice' });
    const b = issueToken('kb', { iss: 'https://b', sub: 'bob' });
    expect(outcome(auth.authenticate({ 'x-jwt-assertion': a }))).toEqual(['valid', null, `${ISS}/alice`]);
    expect(auth.authenticate(bearer(a)).reason).toBe('unknown-issuer'); // ISS is not read from Authorization
    expect(outcome(auth.authenticate(bearer(b)))).toEqual(['valid', null, 'https://b/bob']);
    // every token present must be valid (Envoy: a good token does not cover a bad one)
    expect(auth.authenticate({ 'x-jwt-assertion': a, authorization: 'Bearer x.y.z' }).outcome).toBe('invalid');
    expect(auth.authenticate({ 'x-jwt-assertion': a, ...bearer(b) }).requestPrincipal).toBe(`${ISS}/alice`);
  });

  it('rejects bad rules with a RangeError', () => {
    const clock = new VirtualClock();
    expect(() => new RequestAuthenticator(clock, [{ issuer: '', keys: keys('k') }])).toThrow(RangeError);
    expect(() => simulatedKeySet([{ k: '' }])).toThrow(RangeError);
    expect(() => simulatedKeySet([])).toThrow(RangeError);
    expect(() => new RequestAuthenticator(clock, [{ issuer: 'i', keys: keys('k') }, { issuer: 'i', keys: keys('k2') }])).toThrow(/two JWT rules/);
    expect(() => new RequestAuthenticator(clock, [{ issuer: 'i', keys: keys('k'), fromHeaders: [{ name: '' }] }])).toThrow(RangeError);
    expect(() => new RequestAuthenticator(clock, [], { clockSkewSeconds: -1 })).toThrow(RangeError);
  });
});

describe('token encoding', () => {
  it('base64url round-trips bytes of every length, without padding (RFC 4648 §5)', () => {
    expect(base64UrlEncode(new TextEncoder().encode('{"alg":"FL-SIM","typ":"JWT"}'))).toBe('eyJhbGciOiJGTC1TSU0iLCJ0eXAiOiJKV1QifQ');
    expect(base64UrlEncode(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
    for (let n = 0; n < 10; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 0xff);
      expect(base64UrlDecode(base64UrlEncode(bytes))).toEqual(bytes);
    }
    expect(base64UrlDecode('a+b/')).toBeNull();
    expect(base64UrlDecode('abcde')).toBeNull();
  });

  it('the simulated signature is deterministic and depends on key and message', () => {
    const sig = simulatedSignature('key', 'msg');
    expect(sig).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(simulatedSignature('key', 'msg')).toBe(sig);
    expect(simulatedSignature('kez', 'msg')).not.toBe(sig);
    expect(simulatedSignature('key', 'msh')).not.toBe(sig);
    const sigs = new Set(Array.from({ length: 1000 }, (_, i) => simulatedSignature('key', `m${i}`)));
    expect(sigs.size).toBe(1000);
  });
});
