/**
 * The security section refers to things that exist and compiles: policies name services,
 * tokens and JWT rules name declared issuers, request classes name declared tokens,
 * authorization rules use supported keys and patterns, trust domains are valid.
 */
import { Authorizer } from '../../proxy-core/identity/authorization-policy.js';
import { checkTrustDomainName } from '../../proxy-core/identity/spiffe-id.js';
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { referenceIssue } from './reference-issue.js';

/** Every issue of `security` and of the security fields of services and load classes. */
export function checkSecurity(scenario: Scenario): IssueDraft[] {
  const security = scenario.security;
  const services = Object.keys(scenario.services);
  const issuers = security.issuers.map((i) => i.issuer);
  const tokens = Object.keys(security.tokens);
  const service = (path: (string | number)[], name: string | undefined) =>
    name === undefined || Object.hasOwn(scenario.services, name) ? [] : [referenceIssue(path, 'unknown service', name, services)];
  const issuer = (path: (string | number)[], name: string) => (issuers.includes(name) ? [] : [referenceIssue(path, 'issuer not declared in security.issuers', name, issuers)]);
  return [
    ...trustDomain(['security', 'trustDomain'], security.trustDomain),
    ...Object.entries(scenario.services).flatMap(([name, s]) => (s.trustDomain === undefined ? [] : trustDomain(['services', name, 'trustDomain'], s.trustDomain))),
    ...security.peerAuthentication.flatMap((p, i) => service(['security', 'peerAuthentication', i, 'service'], p.service)),
    ...security.authorization.flatMap((p, i) => [...service(['security', 'authorization', i, 'service'], p.service), ...compiles(i, p)]),
    ...security.requestAuthentication.flatMap((r, i) => [
      ...service(['security', 'requestAuthentication', i, 'service'], r.service),
      ...r.jwtRules.flatMap((rule, j) => issuer(['security', 'requestAuthentication', i, 'jwtRules', j, 'issuer'], rule.issuer)),
    ]),
    ...Object.entries(security.tokens).flatMap(([name, t]) => issuer(['security', 'tokens', name, 'issuer'], t.issuer)),
    ...Object.entries(scenario.load).flatMap(([load, l]) =>
      l.classes.flatMap((c, i) => (c.token === undefined || tokens.includes(c.token) ? [] : [referenceIssue(['load', load, 'classes', i, 'token'], 'token not declared in security.tokens', c.token, tokens)])),
    ),
  ];
}

function trustDomain(path: (string | number)[], name: string): IssueDraft[] {
  try {
    checkTrustDomainName(name);
    return [];
  } catch (error) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path, message: (error as Error).message, expected: 'a SPIFFE trust domain: lowercase letters, digits, ".", "-" and "_"', found: JSON.stringify(name) }];
  }
}

function compiles(index: number, policy: Scenario['security']['authorization'][number]): IssueDraft[] {
  if (policy.action === 'CUSTOM') {
    return [{ code: 'FL_SCENARIO_SCHEMA', path: ['security', 'authorization', index, 'action'], message: 'CUSTOM needs an external authorizer, which the simulator does not have', expected: 'ALLOW, DENY or AUDIT' }];
  }
  try {
    new Authorizer([{ ...policy, name: policy.name ?? `authorization[${index}]` }]);
    return [];
  } catch (error) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path: ['security', 'authorization', index, 'rules'], message: (error as Error).message, expected: 'rules in Istio AuthorizationPolicy form' }];
  }
}
