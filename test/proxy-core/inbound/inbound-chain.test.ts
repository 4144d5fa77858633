import { describe, expect, it } from 'vitest';
import type { FailureCause } from '../../../proxy-core/call/failure-cause.js';
import type { Headers } from '../../../proxy-core/call/headers.js';
import { Authorizer, type CustomAuthorizer } from '../../../proxy-core/identity/authorization-policy.js';
import { RequestAuthenticator } from '../../../proxy-core/identity/request-authentication.js';
import { signSimulatedJwt, simulatedKeySet } from '../../../proxy-core/identity/simulated-jws.js';
import { workloadId } from '../../../proxy-core/identity/spiffe-id.js';
import { InboundChain, type InboundHandler, type InboundPolicy, type InboundRequest } from '../../../proxy-core/inbound/inbound-chain.js';
import { peerIdentityOf } from '../../../proxy-core/inbound/peer-identity.js';
import { RateLimit } from '../../../proxy-core/limits/rate-limit.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

const ISS = 'https://accounts';
const frontend = peerIdentityOf(workloadId('cluster.local', 'shop', 'frontend'));
const batch = peerIdentityOf(workloadId('cluster.local', 'analytics', 'batch'));

class Req implements InboundRequest {
  principal: string | null = 'forged by the caller';
  namespace: string | null = null;
  requestPrincipal: string | null = null;
  claims: Readonly<Record<string, unknown>> | null = null;
  verdict = '';
  constructor(
    readonly headers: Headers = {},
    readonly path = '/',
    readonly sourceService: string | null = 'frontend',
  ) {}
  readonly method = 'GET';
  readonly authority = 'cart';
}

const verdicts: InboundHandler<Req> = {
  onAdmitted: (req) => (req.verdict = 'admitted'),
  onRejected: (req, status: number, cause: FailureCause, detail: string | null) => (req.verdict = `${status} ${cause} ${detail}`),
};

function chain(policy: Partial<InboundPolicy<Req>>) {
  return new InboundChain<Req>({ authenticator: null, authorizer: null, rateLimitOf: () => null, ...policy }, verdicts);
}

describe('InboundChain: peer identity → request authentication → authorization → rate limit', () => {
  it('takes the principal from the peer certificate, never from what the request claims', () => {
    const c = chain({ authorizer: new Authorizer([{ name: 'only-frontend', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend'] } }] }] }]) });
    const fromFrontend = new Req();
    c.check(fromFrontend, frontend);
    expect([fromFrontend.verdict, fromFrontend.principal, fromFrontend.namespace]).toEqual(['admitted', 'cluster.local/ns/shop/sa/frontend', 'shop']);
    const spoofed = new Req({ 'x-forwarded-client-cert': 'By=spiffe://cluster.local/ns/shop/sa/frontend' }, '/', 'frontend');
    c.check(spoofed, batch);
    expect(spoofed.verdict).toBe('403 authz-denied FL_AUTHZ_NO_ALLOW_MATCHED');
    const plaintext = new Req();
    c.check(plaintext, null);
    expect([plaintext.verdict, plaintext.principal]).toEqual(['403 authz-denied FL_AUTHZ_NO_ALLOW_MATCHED', null]);
  });

  it('answers a bad token 401 authn-failed with the JWT failure code, before authorization runs', () => {
    const clock = new VirtualClock();
    const authenticator = new RequestAuthenticator(clock, [{ issuer: ISS, keys: simulatedKeySet([{ k: 'key' }]) }]);
    let asked = 0;
    const c = chain({ authenticator, authorizer: new Authorizer([{ name: 'any', rules: [{}] }], undefined), rateLimitOf: () => (asked++, null) });
    const forged = new Req({ authorization: `Bearer ${signSimulatedJwt('not-the-key', { iss: ISS, sub: 'mallory' })}` });
    c.check(forged, frontend);
    expect(forged.verdict).toBe('401 authn-failed FL_JWT_BAD_SIGNATURE');
    expect(asked).toBe(0);
    const good = new Req({ authorization: `Bearer ${signSimulatedJwt('key', { iss: ISS, sub: 'alice', exp: clock.epochMs() / 1000 + 60 })}` });
    c.check(good, frontend);
    expect([good.verdict, good.requestPrincipal]).toEqual(['admitted', `${ISS}/alice`]);
  });

  it('rate-limits by the peer principal: one bucket per calling identity', () => {
    const clock = new VirtualClock();
    const limit = new RateLimit(clock, { default: { maxTokens: 1, tokensPerFill: 1, fillIntervalMs: 60_000 }, key: 'source.principal', perValue: true });
    const c = chain({ rateLimitOf: () => limit });
    const verdictsOf = (peer: typeof frontend) => {
      const r = new Req();
      c.check(r, peer);
      return r.verdict;
    };
    expect([verdictsOf(frontend), verdictsOf(frontend), verdictsOf(batch)]).toEqual(['admitted', '429 rate-limited null', 'admitted']);
  });

  it('waits for a CUSTOM authorizer that answers later, and keeps each request its own identity meanwhile', () => {
    const pending: (() => void)[] = [];
    const extAuthz: CustomAuthorizer = (attrs, done) => pending.push(() => done(attrs.principal === 'cluster.local/ns/shop/sa/frontend'));
    const c = chain({ authorizer: new Authorizer([{ name: 'ext', action: 'CUSTOM', rules: [{}] }, { name: 'all', rules: [{}] }], extAuthz) });
    const a = new Req();
    const b = new Req();
    c.check(a, frontend);
    c.check(b, batch);
    expect([a.verdict, b.verdict]).toEqual(['', '']);
    pending.reverse().forEach((answer) => answer()); // the answers come back out of order
    expect([a.verdict, b.verdict]).toEqual(['admitted', '403 authz-denied FL_AUTHZ_CUSTOM_DENIED']);
  });
});
