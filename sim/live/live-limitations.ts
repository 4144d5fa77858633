import type { Scenario } from '../../scenarios/schema.js';
import { peerAuthModeOf } from './live-security.js';

/**
 * What in `scenario` live mode cannot carry out faithfully, one sentence each; empty when it
 * can run. Today: mTLS terminates on HTTP/1.1 ports only, so an HTTP/2 or gRPC service
 * cannot require it (STRICT) nor authorize callers by their certificate's identity.
 */
export function liveLimitations(scenario: Scenario): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(scenario.services)) {
    if (spec.protocol === 'http1') continue;
    if (peerAuthModeOf(scenario, name) === 'STRICT') {
      problems.push(`services.${name}: protocol ${spec.protocol} with mTLS STRICT — live mode terminates mTLS on HTTP/1.1 ports only so far; use protocol: http1, or PERMISSIVE for ${name}`);
    }
    const byIdentity = scenario.security.authorization.some((p) => p.service === name && (p.rules ?? []).some(readsPeerIdentity));
    if (byIdentity) problems.push(`security.authorization on ${name}: rules on the caller's principal or namespace need mTLS, which live mode has on HTTP/1.1 ports only so far; use protocol: http1 for ${name}`);
  }
  return problems;
}

/** The Source fields and Condition keys that read the peer's certificate (not the request's token). */
const PEER_SOURCE_FIELDS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'] as const;
const PEER_CONDITION_KEYS = new Set(['source.principal', 'source.namespace']);

type Rule = NonNullable<Scenario['security']['authorization'][number]['rules']>[number];

function readsPeerIdentity(rule: Rule): boolean {
  const fromPeer = (rule.from ?? []).some(({ source }) => PEER_SOURCE_FIELDS.some((field) => (source[field]?.length ?? 0) > 0));
  return fromPeer || (rule.when ?? []).some((c) => PEER_CONDITION_KEYS.has(c.key));
}
