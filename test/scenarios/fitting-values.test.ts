/**
 * Values each in range that do not fit together, which the core would refuse when a run
 * builds its routers and inbound chains (exit 3 with a stack trace before): each is now a
 * located issue, found by `validate`.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { issuesOf, variant } from './helpers.js';

const policy = (block: object) => variant((s) => (s.mesh = { policies: [{ from: 'front', to: 'back', ...block }] }));
const at = (...path: (string | number)[]) => ['mesh', 'policies', 0, ...path];

describe('mesh policy values that do not fit together', () => {
  it.each([
    ['a multiplier on an envoy backoff', { type: 'envoy', multiplier: 2 }, 'multiplier', 'multiplier with a backoff of type envoy'],
    ['a max on a constant backoff', { type: 'constant', base: '10ms', max: '20ms' }, 'max', 'max with a constant backoff'],
    ['a base of 0 on an envoy backoff', { type: 'envoy', base: '0s' }, 'base', 'a base of 0 for a backoff of type envoy'],
    ['a max below the default base of full jitter (100ms)', { type: 'full', max: '50ms' }, 'max', 'full jitter capMs must be a finite number >= 100, got 50'],
  ])('refuses %s, at the field', (_, backoff, key, message) => {
    expect(issuesOf(policy({ retries: { attempts: 2, backoff } }))).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: at('retries', 'backoff', key), message }),
    ]);
  });

  it('accepts a constant backoff of 0 and a gRPC multiplier', () => {
    for (const backoff of [{ type: 'constant', base: '0s' }, { type: 'grpc', base: '10ms', multiplier: 3 }]) {
      expect(parseScenario(stringify(policy({ retries: { attempts: 2, backoff } })), 'ok.yaml').mesh.policies[0].retries?.backoff).toMatchObject({ type: backoff.type });
    }
  });

  it('refuses a cap below what it caps: maxEjectionTime, maxPenalty', () => {
    expect(issuesOf(policy({ outlierDetection: { baseEjectionTime: '30s', maxEjectionTime: '10s' } }))).toEqual([
      expect.objectContaining({ path: at('outlierDetection', 'maxEjectionTime'), message: 'maxEjectionTime is below baseEjectionTime', expected: 'at least 30s, the baseEjectionTime', found: '10s' }),
    ]);
    expect(issuesOf(policy({ failureAccrual: { minPenalty: '5m' } }))).toEqual([
      expect.objectContaining({ path: at('failureAccrual', 'maxPenalty'), message: 'maxPenalty is below minPenalty', found: '1m' }),
    ]);
  });

  it('refuses rate-limit overrides without a key, and an override given twice', () => {
    const override = { value: 'gold', requestsPerUnit: 10, unit: 'second' };
    expect(issuesOf(policy({ rateLimit: { requestsPerUnit: 1, unit: 'second', overrides: [override] } }))).toEqual([
      expect.objectContaining({ path: at('rateLimit'), message: 'perValue and overrides need a key to match on' }),
    ]);
    expect(issuesOf(policy({ rateLimit: { requestsPerUnit: 1, unit: 'second', key: 'x-tier', overrides: [override, override] } }))).toEqual([
      expect.objectContaining({ path: at('rateLimit', 'overrides', 1, 'value'), message: 'override for this value already given by overrides[0]' }),
    ]);
  });

  it('refuses a split whose weights are all 0', () => {
    expect(issuesOf(policy({ split: [{ service: 'back', weight: 0 }] }))).toEqual([
      expect.objectContaining({ path: at('split'), message: 'every weight of the split is 0' }),
    ]);
  });
});

describe('security values that do not fit together', () => {
  const security = (section: object) => variant((s) => (s.security = { issuers: [{ issuer: 'idp', key: 'k' }], ...section }));

  it('refuses two JWT rules for one issuer on a service, in two entries or in one', () => {
    const rule = { issuer: 'idp' };
    expect(issuesOf(security({ requestAuthentication: [{ service: 'back', jwtRules: [rule] }, { service: 'back', jwtRules: [rule] }] }))).toEqual([
      expect.objectContaining({
        path: ['security', 'requestAuthentication', 1, 'jwtRules', 0, 'issuer'],
        message: 'issuer already has a JWT rule for back at security.requestAuthentication[0].jwtRules[0]',
        found: '"idp"',
      }),
    ]);
    expect(issuesOf(security({ requestAuthentication: [{ service: 'back', jwtRules: [rule, rule] }] }))).toEqual([
      expect.objectContaining({ path: ['security', 'requestAuthentication', 0, 'jwtRules', 1, 'issuer'] }),
    ]);
  });

  it('accepts one issuer on two services', () => {
    const scenario = security({ requestAuthentication: [{ service: 'back', jwtRules: [{ issuer: 'idp' }] }, { service: 'front', jwtRules: [{ issuer: 'idp' }] }] });
    expect(parseScenario(stringify(scenario), 'ok.yaml').security.requestAuthentication).toHaveLength(2);
  });

  it('refuses an issuer declared twice', () => {
    expect(issuesOf(security({ issuers: [{ issuer: 'idp', key: 'a' }, { issuer: 'idp', key: 'b' }] }))).toEqual([
      expect.objectContaining({ path: ['security', 'issuers', 1, 'issuer'], message: 'issuer already declared by security.issuers[0]' }),
    ]);
  });

  it('refuses a workload whose SPIFFE ID would be too long, at the service', () => {
    expect(issuesOf(variant((s) => (s.services.back.namespace = `n${'s'.repeat(3000)}`)))).toEqual([
      expect.objectContaining({ path: ['services', 'back'], message: expect.stringContaining('no valid SPIFFE ID') }),
    ]);
  });
});

describe('the size of the report', () => {
  it('refuses more than 10,000 time series', () => {
    const issues = issuesOf(variant((s) => Object.assign(s.services, Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`s${i}`, {}])))));
    expect(issues).toEqual([
      expect.objectContaining({ path: [], message: 'a report of 10,006 time series (1 request classes, 10,002 services, 2 edges)', expected: 'at most 10,000 time series' }),
    ]);
  });
});
