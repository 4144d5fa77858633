import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizationPolicy,
  Authorizer,
  type AuthzResult,
  type CustomAuthorizer,
  type Operation,
  type RequestAttributes,
  type Rule,
  type Source,
} from '../../../proxy-core/identity/authorization-policy.js';

const SLEEP = 'cluster.local/ns/default/sa/sleep';

function req(over: Partial<RequestAttributes> = {}): RequestAttributes {
  return { principal: SLEEP, namespace: 'default', requestPrincipal: null, path: '/info', method: 'GET', authority: null, headers: {}, ...over };
}

describe('Authorizer: Istio evaluation order CUSTOM → DENY → ALLOW', () => {
  it('no policies: allow', () => {
    expect(new Authorizer([]).evaluate(req())).toEqual({ decision: 'allow', reason: 'no-allow-policies', policy: null, audited: false });
  });

  it('an ALLOW policy without rules (spec: {}) allows nothing; rules: [] likewise', () => {
    expect(new Authorizer([{ name: 'allow-nothing', action: 'ALLOW' }]).evaluate(req())).toEqual({
      decision: 'deny',
      reason: 'no-allow-matched',
      policy: null,
      audited: false,
    });
    expect(new Authorizer([{ name: 'empty', rules: [] }]).allows(req())).toBe(false);
  });

  it('rules: [{}] allows everything; action defaults to ALLOW', () => {
    expect(new Authorizer([{ name: 'allow-all', rules: [{}] }]).evaluate(req({ principal: null, namespace: null }))).toEqual({
      decision: 'allow',
      reason: 'allow-matched',
      policy: 'allow-all',
      audited: false,
    });
  });

  it('a DENY policy without rules denies nothing', () => {
    expect(new Authorizer([{ name: 'deny-nothing', action: 'DENY' }]).evaluate(req()).reason).toBe('no-allow-policies');
  });

  it('DENY beats ALLOW and is reported by name', () => {
    const a = new Authorizer([
      { name: 'allow-all', rules: [{}] },
      { name: 'no-admin', action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] },
    ]);
    expect(a.evaluate(req({ path: '/admin/users' }))).toMatchObject({ decision: 'deny', reason: 'deny-matched', policy: 'no-admin' });
    expect(a.evaluate(req({ path: '/info' }))).toMatchObject({ decision: 'allow', policy: 'allow-all' });
  });

  it('follows the authorization.proto example (principals OR namespaces; GET /info* OR POST /data; iss claim)', () => {
    const httpbin: AuthorizationPolicy = {
      name: 'httpbin',
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: [SLEEP] } }, { source: { namespaces: ['test'] } }],
          to: [{ operation: { methods: ['GET'], paths: ['/info*'] } }, { operation: { methods: ['POST'], paths: ['/data'] } }],
          when: [{ key: 'request.auth.claims[iss]', values: ['https://accounts.google.com'] }],
        },
      ],
    };
    const a = new Authorizer([httpbin]);
    const google = { iss: 'https://accounts.google.com' };
    expect(a.allows(req({ path: '/info/x', claims: google }))).toBe(true);
    expect(a.allows(req({ principal: 'cluster.local/ns/test/sa/x', namespace: 'test', method: 'POST', path: '/data', claims: google }))).toBe(true);
    expect(a.allows(req({ method: 'POST', path: '/info', claims: google }))).toBe(false); // POST only on /data
    expect(a.allows(req({ path: '/info', claims: { iss: 'other' } }))).toBe(false);
    expect(a.allows(req({ path: '/info' }))).toBe(false); // no claims
    expect(a.allows(req({ principal: 'cluster.local/ns/prod/sa/x', namespace: 'prod', claims: google }))).toBe(false);
  });

  it('matches exact, prefix*, *suffix and * (presence: requires a value, so mTLS for principals)', () => {
    const allow = (principals: string[]) => new Authorizer([{ name: 'p', rules: [{ from: [{ source: { principals } }] }] }]);
    expect(allow(['cluster.local/*']).allows(req())).toBe(true);
    expect(allow(['*/sa/sleep']).allows(req())).toBe(true);
    expect(allow(['*/sa/other']).allows(req())).toBe(false);
    expect(allow(['*']).allows(req())).toBe(true);
    expect(allow(['*']).allows(req({ principal: null }))).toBe(false);
    expect(allow([SLEEP]).allows(req({ principal: `${SLEEP}x` }))).toBe(false);
  });

  it('not-fields: notPrincipals matches a plaintext (no principal) request; DENY with notNamespaces', () => {
    const a = new Authorizer([{ name: 'deny-outsiders', action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['default'] } }] }] }]);
    expect(a.evaluate(req()).decision).toBe('allow');
    expect(a.evaluate(req({ namespace: 'prod' })).decision).toBe('deny');
    const b = new Authorizer([{ name: 'not-sleep', rules: [{ from: [{ source: { notPrincipals: [SLEEP] } }] }] }]);
    expect(b.allows(req({ principal: null }))).toBe(true);
    expect(b.allows(req())).toBe(false);
  });

  it('requestPrincipals match <iss>/<sub> from the JWT; absent means no match', () => {
    const a = new Authorizer([{ name: 'jwt', rules: [{ from: [{ source: { requestPrincipals: ['issuer.example.com/*'] } }] }] }]);
    expect(a.allows(req({ requestPrincipal: 'issuer.example.com/alice' }))).toBe(true);
    expect(a.allows(req())).toBe(false);
    const b = new Authorizer([{ name: 'not-bob', rules: [{ from: [{ source: { notRequestPrincipals: ['*/bob'] } }] }] }]);
    expect(b.allows(req({ requestPrincipal: 'i/bob' }))).toBe(false);
    expect(b.allows(req())).toBe(true);
  });

  it('paths ignore the query; methods are case-sensitive; notPaths / notMethods', () => {
    const a = new Authorizer([{ name: 'op', rules: [{ to: [{ operation: { paths: ['/api/*', '*.css'], notPaths: ['/api/internal*'], methods: ['GET'] } }] }] }]);
    expect(a.allows(req({ path: '/api/items?x=/api/internal' }))).toBe(true);
    expect(a.allows(req({ path: '/style.css?v=2' }))).toBe(true);
    expect(a.allows(req({ path: '/api/internal/x' }))).toBe(false);
    expect(a.allows(req({ path: '/api/items', method: 'get' }))).toBe(false);
    const b = new Authorizer([{ name: 'no-delete', rules: [{ to: [{ operation: { notMethods: ['DELETE'] } }] }] }]);
    expect([b.allows(req({ method: 'DELETE' })), b.allows(req({ method: 'PUT' }))]).toEqual([false, true]);
  });

  it('hosts match case-insensitively, with or without the port', () => {
    const a = new Authorizer([{ name: 'h', rules: [{ to: [{ operation: { hosts: ['Shop.Example.com', '*.internal'] } }] }] }]);
    expect(a.allows(req({ authority: 'shop.example.COM:8443' }))).toBe(true);
    expect(a.allows(req({ authority: 'db.internal' }))).toBe(true);
    expect(a.allows(req({ authority: 'evil.com' }))).toBe(false);
    expect(a.allows(req())).toBe(false);
  });

  it('when: headers (name case-insensitive), source.*, request.auth.*; values AND notValues', () => {
    const when = (key: string, values?: string[], notValues?: string[]) => new Authorizer([{ name: 'w', rules: [{ when: [{ key, values, notValues }] }] }]);
    expect(when('request.headers[X-Tier]', ['gold']).allows(req({ headers: { 'x-tier': 'gold' } }))).toBe(true);
    expect(when('request.headers[X-Tier]', ['gold']).allows(req({ headers: {} }))).toBe(false);
    expect(when('request.headers[x-tier]', undefined, ['free']).allows(req({ headers: {} }))).toBe(true);
    expect(when('request.headers[x-tier]', ['*'], ['free']).allows(req({ headers: { 'x-tier': 'free' } }))).toBe(false);
    expect(when('source.principal', [SLEEP]).allows(req())).toBe(true);
    expect(when('source.namespace', ['prod']).allows(req())).toBe(false);
    expect(when('request.auth.principal', ['i/*']).allows(req({ requestPrincipal: 'i/alice' }))).toBe(true);
    expect(when('request.auth.audiences', ['api']).allows(req({ claims: { aud: ['web', 'api'] } }))).toBe(true);
    expect(when('request.auth.audiences', undefined, ['api']).allows(req({ claims: { aud: ['web', 'api'] } }))).toBe(false);
    expect(when('request.auth.presenter', ['cli']).allows(req({ claims: { azp: 'cli' } }))).toBe(true);
    expect(when('request.auth.claims[groups]', ['admins']).allows(req({ claims: { groups: ['dev', 'admins'] } }))).toBe(true);
    expect(when('request.auth.claims[level]', ['3']).allows(req({ claims: { level: 3 } }))).toBe(false); // non-string claims do not match
  });

  it('CUSTOM runs first: its provider is asked only when a CUSTOM policy matches, and a "no" denies over ALLOW', () => {
    const asked: string[] = [];
    const pending: (() => void)[] = [];
    // An ext_authz server that answers later, as a network call does.
    const provider: CustomAuthorizer = (a, done) => {
      asked.push(a.path);
      pending.push(() => done(a.headers['x-ext'] === 'ok'));
    };
    const a = new Authorizer(
      [
        { name: 'ext', action: 'CUSTOM', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] },
        { name: 'allow-all', action: 'ALLOW', rules: [{}] },
        { name: 'deny-debug', action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin/debug'] } }] }] },
      ],
      provider,
    );
    const decide = (attrs: RequestAttributes) => {
      let decided: AuthzResult | null = null;
      a.authorize(attrs, (_: null, r) => (decided = { ...r }), null);
      while (decided === null && pending.length > 0) pending.shift()!();
      return decided;
    };
    expect(decide(req({ path: '/info' }))).toMatchObject({ decision: 'allow', policy: 'allow-all' });
    expect(decide(req({ path: '/admin' }))).toMatchObject({ decision: 'deny', reason: 'custom-denied', policy: 'ext' });
    expect(decide(req({ path: '/admin', headers: { 'x-ext': 'ok' } }))).toMatchObject({ decision: 'allow', policy: 'allow-all' });
    expect(decide(req({ path: '/admin/debug', headers: { 'x-ext': 'ok' } }))).toMatchObject({ decision: 'deny', reason: 'deny-matched', policy: 'deny-debug' });
    expect(() => a.evaluate(req())).toThrow(/authorize/);
    expect(asked).toEqual(['/admin', '/admin', '/admin/debug']);
  });

  it('AUDIT never decides but is reported', () => {
    const a = new Authorizer([{ name: 'audit', action: 'AUDIT', rules: [{}] }]);
    expect(a.evaluate(req())).toEqual({ decision: 'allow', reason: 'no-allow-policies', policy: null, audited: true });
  });

  it('evaluate reuses one result object', () => {
    const a = new Authorizer([{ name: 'x', rules: [{}] }]);
    expect(a.evaluate(req())).toBe(a.evaluate(req({ path: '/y' })));
  });

  it('rejects what it cannot evaluate, naming the policy', () => {
    expect(() => new Authorizer([{ name: 'ip', rules: [{ when: [{ key: 'source.ip', values: ['10.0.0.1'] }] }] }])).toThrow(
      /authorization policy ip rule 0: condition key "source.ip" is not supported/,
    );
    expect(() => new Authorizer([{ name: 'nested', rules: [{ when: [{ key: 'request.auth.claims[a][b]', values: ['x'] }] }] }])).toThrow(RangeError);
    expect(() => new Authorizer([{ name: 'c', action: 'CUSTOM', rules: [{}] }])).toThrow(/needs a custom authorizer/);
    expect(() => new Authorizer([{ name: 'bad', action: 'REJECT' as 'DENY' }])).toThrow(/unknown action/);
    expect(() => new Authorizer([{ name: 'mid', rules: [{ to: [{ operation: { paths: ['/a*b'] } }] }] }])).toThrow(/leading or one trailing/);
    expect(() => new Authorizer([{ name: 'both', rules: [{ to: [{ operation: { paths: ['*a*'] } }] }] }])).toThrow(RangeError);
    expect(() => new Authorizer([{ name: 'empty', rules: [{ when: [{ key: 'source.principal' }] }] }])).toThrow(/needs values or notValues/);
  });
});

// ---- property tests against an independent reference of Istio's matching ------------------

const patternArb = fc.constantFrom('p1', 'p2', 'p*', '*1', '*', '/x', '/x*', '*/1', 'GET', 'POST');
const listArb = fc.option(fc.array(patternArb, { maxLength: 2 }), { nil: undefined });
const sourceArb: fc.Arbitrary<Source> = fc.record({ principals: listArb, notPrincipals: listArb, namespaces: listArb }, { requiredKeys: [] });
const operationArb: fc.Arbitrary<Operation> = fc.record({ paths: listArb, notPaths: listArb, methods: listArb }, { requiredKeys: [] });
const ruleArb: fc.Arbitrary<Rule> = fc.record(
  {
    from: fc.array(sourceArb.map((source) => ({ source })), { maxLength: 2 }),
    to: fc.array(operationArb.map((operation) => ({ operation })), { maxLength: 2 }),
    when: fc.array(fc.record({ key: fc.constant('request.headers[x-t]'), values: fc.array(patternArb, { minLength: 1, maxLength: 2 }) }), { maxLength: 1 }),
  },
  { requiredKeys: [] },
);
const policyArb = (action: 'ALLOW' | 'DENY' | 'AUDIT') =>
  fc.record({ action: fc.constant(action), rules: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }) });
const policiesArb = fc
  .array(fc.oneof(policyArb('ALLOW'), policyArb('DENY'), policyArb('AUDIT')), { maxLength: 4 })
  .map((ps) => ps.map((p, i): AuthorizationPolicy => ({ name: `p${i}`, ...p })));
const value = fc.option(fc.constantFrom('p1', 'p2', 'q1', '', '/x', '/x/1', '/y'), { nil: null });
const requestArb: fc.Arbitrary<RequestAttributes> = fc.record({
  principal: value,
  namespace: value,
  requestPrincipal: fc.constant(null),
  path: fc.constantFrom('/x', '/x/1', '/y', '/x?q=1'),
  method: fc.constantFrom('GET', 'POST'),
  authority: fc.constant(null),
  headers: fc.oneof(fc.constant({}), fc.constantFrom('p1', 'GET', '/x').map((v) => ({ 'x-t': v }))),
});

function refString(p: string, v: string | null): boolean {
  if (v === null) return false;
  if (p === '*') return v.length > 0;
  if (p.startsWith('*')) return v.endsWith(p.slice(1));
  if (p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  return v === p;
}
function refField(pos: readonly string[] | undefined, neg: readonly string[] | undefined, v: string | null): boolean {
  if (pos && pos.length > 0 && !pos.some((p) => refString(p, v))) return false;
  return !(neg && neg.length > 0 && v !== null && neg.some((p) => refString(p, v)));
}
function refRule(r: Rule, a: RequestAttributes): boolean {
  const path = a.path.split('?')[0];
  const from = !r.from?.length || r.from.some(({ source: s }) => refField(s.principals, s.notPrincipals, a.principal) && refField(s.namespaces, s.notNamespaces, a.namespace));
  const to = !r.to?.length || r.to.some(({ operation: o }) => refField(o.paths, o.notPaths, path) && refField(o.methods, o.notMethods, a.method));
  const when = (r.when ?? []).every((c) => refField(c.values, undefined, (a.headers['x-t'] as string | undefined) ?? null));
  return from && to && when;
}
const refMatches = (p: AuthorizationPolicy, a: RequestAttributes) => (p.rules ?? []).some((r) => refRule(r, a));
const action = (p: AuthorizationPolicy) => p.action ?? 'ALLOW';

describe('Authorizer properties (fast-check)', () => {
  it('DENY always beats ALLOW: a request matched by a DENY and an ALLOW policy is denied', () => {
    fc.assert(
      fc.property(policiesArb, requestArb, (policies, a) => {
        const denied = policies.some((p) => action(p) === 'DENY' && refMatches(p, a));
        const allowed = policies.some((p) => action(p) === 'ALLOW' && refMatches(p, a));
        fc.pre(denied && allowed);
        expect(new Authorizer(policies).evaluate(a).decision).toBe('deny');
      }),
      { numRuns: 300 },
    );
  });

  it('a request matched by no policy is allowed iff there are no ALLOW policies', () => {
    fc.assert(
      fc.property(policiesArb, requestArb, (policies, a) => {
        fc.pre(!policies.some((p) => refMatches(p, a)));
        const hasAllow = policies.some((p) => action(p) === 'ALLOW');
        expect(new Authorizer(policies).evaluate(a).decision).toBe(hasAllow ? 'deny' : 'allow');
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the reference decision on every request', () => {
    fc.assert(
      fc.property(policiesArb, requestArb, (policies, a) => {
        const deny = policies.some((p) => action(p) === 'DENY' && refMatches(p, a));
        const allows = policies.filter((p) => action(p) === 'ALLOW');
        const expected = deny ? 'deny' : allows.length === 0 || allows.some((p) => refMatches(p, a)) ? 'allow' : 'deny';
        expect(new Authorizer(policies).evaluate(a).decision).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
