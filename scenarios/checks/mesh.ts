/** Mesh policies apply to callers and callees that exist, split to services that exist, and name retry conditions Envoy knows. */
import { RetryOn } from '../../proxy-core/routing/retry-on.js';
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { referenceIssue } from './reference-issue.js';

/**
 * An issue for each policy whose `from` is not `*`, a service or a load (loads are callers
 * too), or whose `to` is not `*` or a service (only services are called).
 */
export function checkMesh(scenario: Scenario): IssueDraft[] {
  const services = Object.keys(scenario.services);
  const callers = [...services, ...Object.keys(scenario.load)];
  const knownCallers = new Set(callers);
  const knownServices = new Set(services);
  const anyCaller = ['*', ...callers];
  const anyService = ['*', ...services];
  return scenario.mesh.policies.flatMap((policy, i) => {
    const path = ['mesh', 'policies', i];
    return [
      ...(policy.retries && policy.hedging
        ? [{ code: 'FL_SCENARIO_SCHEMA' as const, path: [...path, 'hedging'], message: 'retries and hedging on the same policy', expected: 'one of retries or hedging (gRPC: retryPolicy and hedgingPolicy are exclusive)' }]
        : []),
      ...(isWildcardOr(policy.from, knownCallers) ? [] : [referenceIssue([...path, 'from'], 'unknown caller (a service or a load)', policy.from, anyCaller)]),
      ...(isWildcardOr(policy.to, knownServices) ? [] : [referenceIssue([...path, 'to'], 'unknown service', policy.to, anyService)]),
      ...(policy.split ?? []).flatMap((d, j) => (knownServices.has(d.service) ? [] : [referenceIssue([...path, 'split', j, 'service'], 'unknown service', d.service, services)])),
      ...retryConditions([...path, 'retries', 'retryOn'], policy.retries?.retryOn),
      ...retryConditions([...path, 'hedging', 'nonFatalStatusCodes'], policy.hedging?.nonFatalStatusCodes),
    ];
  });
}

function retryConditions(path: (string | number)[], spec: string | undefined): IssueDraft[] {
  if (spec === undefined) return [];
  try {
    RetryOn.parse(spec);
    return [];
  } catch (error) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path, message: (error as Error).message, expected: 'Envoy retry_on conditions, comma separated', found: JSON.stringify(spec) }];
  }
}

function isWildcardOr(name: string, known: ReadonlySet<string>): boolean {
  return name === '*' || known.has(name);
}
