/**
 * The security section refers to things that exist and compiles: policies name services,
 * tokens and JWT rules name declared issuers, request classes name declared tokens,
 * authorization rules use supported keys and patterns, trust domains are valid, each
 * workload's SPIFFE ID can be formed, an issuer is declared once and has one JWT rule per
 * service.
 */
import { Authorizer } from '../../proxy-core/identity/authorization-policy.js';
import { checkTrustDomainName, workloadId } from '../../proxy-core/identity/spiffe-id.js';
import { formatPath } from '../format-issue.js';
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import type { Security } from '../security-schema.js';
import { referenceIssue } from './reference-issue.js';

/** Every issue of `security` and of the security fields of services and load classes. */
export function checkSecurity(scenario: Scenario): IssueDraft[] {
  const security = scenario.security;
  const services = Object.keys(scenario.services);
  const issuers = security.issuers.map((i) => i.issuer);
  const declared = new Set(issuers);
  const tokenNames = Object.keys(security.tokens);
  const tokens = new Set(tokenNames);
  const service = (path: (string | number)[], name: string | undefined) =>
    name === undefined || Object.hasOwn(scenario.services, name) ? [] : [referenceIssue(path, 'unknown service', name, services)];
  const issuer = (path: (string | number)[], name: string) => (declared.has(name) ? [] : [referenceIssue(path, 'issuer not declared in security.issuers', name, issuers)]);
  return [
    ...trustDomain(['security', 'trustDomain'], security.trustDomain),
    ...Object.entries(scenario.services).flatMap(([name, s]) => (s.trustDomain === undefined ? [] : trustDomain(['services', name, 'trustDomain'], s.trustDomain))),
    ...workloadIds(scenario),
    ...repeatedIssuers(security),
    ...repeatedJwtRules(security),
    ...security.peerAuthentication.flatMap((p, i) => service(['security', 'peerAuthentication', i, 'service'], p.service)),
    ...security.authorization.flatMap((p, i) => [...service(['security', 'authorization', i, 'service'], p.service), ...compiles(i, p)]),
    ...security.requestAuthentication.flatMap((r, i) => [
      ...service(['security', 'requestAuthentication', i, 'service'], r.service),
      ...r.jwtRules.flatMap((rule, j) => issuer(['security', 'requestAuthentication', i, 'jwtRules', j, 'issuer'], rule.issuer)),
    ]),
    ...Object.entries(security.tokens).flatMap(([name, t]) => issuer(['security', 'tokens', name, 'issuer'], t.issuer)),
    ...Object.entries(scenario.load).flatMap(([load, l]) =>
      l.classes.flatMap((c, i) => (c.token === undefined || tokens.has(c.token) ? [] : [referenceIssue(['load', load, 'classes', i, 'token'], 'token not declared in security.tokens', c.token, tokenNames)])),
    ),
  ];
}

/**
 * Each service's SPIFFE ID (trust domain, namespace, service account) is one the core can
 * form, e.g. not too long; a trust domain that is itself invalid is reported once, above.
 */
function workloadIds(scenario: Scenario): IssueDraft[] {
  return Object.entries(scenario.services).flatMap(([name, s]) => {
    const domain = s.trustDomain ?? scenario.security.trustDomain;
    if (trustDomain([], domain).length > 0) return [];
    try {
      workloadId(domain, s.namespace, s.serviceAccount ?? name);
      return [];
    } catch (error) {
      return [{ code: 'FL_SCENARIO_SCHEMA' as const, path: ['services', name], message: `no valid SPIFFE ID: ${(error as Error).message}`, expected: 'a trust domain, namespace and service account that form a SPIFFE ID' }];
    }
  });
}

/** An issuer declared twice in `security.issuers` (which key would sign its tokens?). */
function repeatedIssuers(security: Security): IssueDraft[] {
  const first = new Map<string, number>();
  return security.issuers.flatMap(({ issuer }, i) => {
    const earlier = first.get(issuer);
    if (earlier === undefined) {
      first.set(issuer, i);
      return [];
    }
    const where = formatPath(['security', 'issuers', earlier]);
    return [{ code: 'FL_SCENARIO_SCHEMA' as const, path: ['security', 'issuers', i, 'issuer'], message: `issuer already declared by ${where}`, expected: 'each issuer once', found: JSON.stringify(issuer) }];
  });
}

/**
 * A second JWT rule for an issuer on one service, within an entry or across entries of
 * `requestAuthentication` (the core's request authenticator takes one rule per issuer).
 */
function repeatedJwtRules(security: Security): IssueDraft[] {
  const first = new Map<string, (string | number)[]>();
  return security.requestAuthentication.flatMap((entry, i) =>
    entry.jwtRules.flatMap((rule, j) => {
      const path = ['security', 'requestAuthentication', i, 'jwtRules', j];
      const key = JSON.stringify([entry.service, rule.issuer]);
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, path);
        return [];
      }
      return [
        {
          code: 'FL_SCENARIO_SCHEMA' as const,
          path: [...path, 'issuer'],
          message: `issuer already has a JWT rule for ${entry.service} at ${formatPath(earlier)}`,
          expected: 'one JWT rule per issuer and service',
          found: JSON.stringify(rule.issuer),
        },
      ];
    }),
  );
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
