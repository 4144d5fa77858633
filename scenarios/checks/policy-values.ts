/**
 * Mesh-policy values that are each in range but do not fit together, as the core's policies
 * would refuse them when a run builds its routers: a backoff's cap below its base, an
 * ejection or penalty cap below its start, rate-limit overrides without a key or given twice,
 * a traffic split whose weights are all 0.
 */
import { createBackoff } from '../../proxy-core/routing/backoff.js';
import type { IssueDraft } from '../issue-draft.js';
import type { MeshPolicy, Scenario } from '../schema.js';
import { formatDuration } from '../units.js';

type Path = (string | number)[];

/** Every issue of the values of every mesh policy. */
export function checkPolicyValues(scenario: Scenario): IssueDraft[] {
  return scenario.mesh.policies.flatMap((policy, i) => {
    const path = ['mesh', 'policies', i];
    return [
      ...backoffIssues([...path, 'retries', 'backoff'], policy.retries?.backoff),
      ...capIssues([...path, 'outlierDetection'], 'maxEjectionTime', policy.outlierDetection?.maxEjectionTime, 'baseEjectionTime', policy.outlierDetection?.baseEjectionTime),
      ...capIssues([...path, 'failureAccrual'], 'maxPenalty', policy.failureAccrual?.maxPenalty, 'minPenalty', policy.failureAccrual?.minPenalty),
      ...rateLimitIssues([...path, 'rateLimit'], policy.rateLimit),
      ...splitIssues([...path, 'split'], policy.split),
    ];
  });
}

type Backoff = NonNullable<NonNullable<MeshPolicy['retries']>['backoff']>;

/** A multiplier only for grpc, no cap and possibly no wait for constant, then whatever else the core's backoff refuses (a cap below the base). */
function backoffIssues(path: Path, backoff: Backoff | undefined): IssueDraft[] {
  if (backoff === undefined) return [];
  if (backoff.multiplier !== undefined && backoff.type !== 'grpc') {
    return [schemaIssue([...path, 'multiplier'], `multiplier with a backoff of type ${backoff.type}`, 'a multiplier only with type grpc')];
  }
  if (backoff.type === 'constant' && backoff.max !== undefined) {
    return [schemaIssue([...path, 'max'], 'max with a constant backoff', 'no max: a constant backoff waits base every time')];
  }
  if (backoff.type !== 'constant' && backoff.base === 0) {
    return [schemaIssue([...path, 'base'], `a base of 0 for a backoff of type ${backoff.type}`, 'a duration above 0 (only a constant backoff may wait 0)', '0ms')];
  }
  try {
    createBackoff({ type: backoff.type, baseMs: backoff.base, maxMs: backoff.max, multiplier: backoff.multiplier });
    return [];
  } catch (error) {
    return [schemaIssue([...path, backoff.max === undefined ? 'base' : 'max'], (error as Error).message, 'max at least base (the defaults: Envoy 25ms, AWS jitter 100ms)')];
  }
}

/** A cap (`maxKey`) below the value it caps (`minKey`), when both are given or defaulted. */
function capIssues(path: Path, maxKey: string, max: number | undefined, minKey: string, min: number | undefined): IssueDraft[] {
  if (max === undefined || min === undefined || max >= min) return [];
  return [schemaIssue([...path, maxKey], `${maxKey} is below ${minKey}`, `at least ${formatDuration(min)}, the ${minKey}`, formatDuration(max))];
}

function rateLimitIssues(path: Path, limit: MeshPolicy['rateLimit']): IssueDraft[] {
  if (limit === undefined) return [];
  if (limit.key === undefined && (limit.perValue || limit.overrides.length > 0)) {
    return [schemaIssue(path, 'perValue and overrides need a key to match on', "a key: a header name, 'source.principal' or 'source.service'")];
  }
  const first = new Map<string, number>();
  return limit.overrides.flatMap((override, j) => {
    const earlier = first.get(override.value);
    if (earlier === undefined) {
      first.set(override.value, j);
      return [];
    }
    return [schemaIssue([...path, 'overrides', j, 'value'], `override for this value already given by overrides[${earlier}]`, 'one override per value', JSON.stringify(override.value))];
  });
}

function splitIssues(path: Path, split: MeshPolicy['split']): IssueDraft[] {
  if (split === undefined || split.some((d) => d.weight > 0)) return [];
  return [schemaIssue(path, 'every weight of the split is 0', 'at least one destination with a weight above 0')];
}

function schemaIssue(path: Path, message: string, expected: string, found?: string): IssueDraft {
  return { code: 'FL_SCENARIO_SCHEMA', path, message, expected, ...(found === undefined ? {} : { found }) };
}
