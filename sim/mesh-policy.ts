import type { MeshPolicy } from '../scenarios/schema.js';

/** Envoy's default route timeout (`config.route.v3.RouteAction.timeout`): 15 s. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The policy in force on one edge, every field resolved. */
export interface EdgePolicy {
  /** Per-call timeout in ms; 0: none. */
  timeoutMs: number;
}

/**
 * Resolves the policy for calls `from` → `to`: every rule whose `from` and `to` match
 * (`*` matches anything) contributes its fields; a more specific rule (exact names beat `*`,
 * an exact `to` beats an exact `from`) overrides a less specific one, and among equally
 * specific rules the later one wins. Absent fields take the references' defaults.
 */
export function resolveEdgePolicy(rules: readonly MeshPolicy[], from: string, to: string): EdgePolicy {
  const matching = rules
    .map((rule, order) => ({ rule, order, rank: specificity(rule, from, to) }))
    .filter((m) => m.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  for (const { rule } of matching) if (rule.timeout !== undefined) timeoutMs = rule.timeout;
  return { timeoutMs };
}

function specificity(rule: MeshPolicy, from: string, to: string): number {
  const fromExact = rule.from === from;
  const toExact = rule.to === to;
  if ((!fromExact && rule.from !== '*') || (!toExact && rule.to !== '*')) return -1;
  return (toExact ? 2 : 0) + (fromExact ? 1 : 0);
}
