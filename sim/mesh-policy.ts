import type { MeshPolicy } from '../scenarios/mesh-schema.js';

/** Envoy's default route timeout (`config.route.v3.RouteAction.timeout`): 15 s. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The blocks of a mesh policy that configure an edge (everything but `from` and `to`). */
type Blocks = Omit<MeshPolicy, 'from' | 'to' | 'timeout'>;

/** The policy in force on one edge: the route timeout, and each block from the most specific rule that has it (absent: off). */
export interface EdgePolicy extends Blocks {
  /** Route timeout in ms over all attempts; 0: none. */
  timeoutMs: number;
}

/**
 * Resolves the policy for calls `from` → `to`: every rule whose `from` and `to` match
 * (`*` matches anything) contributes its blocks; a more specific rule (exact names beat `*`,
 * an exact `to` beats an exact `from`) overrides a less specific one block by block, and
 * among equally specific rules the later one wins. An absent timeout is Envoy's 15 s.
 */
export function resolveEdgePolicy(rules: readonly MeshPolicy[], from: string, to: string): EdgePolicy {
  const matching = rules
    .map((rule, order) => ({ rule, order, rank: specificity(rule, from, to) }))
    .filter((m) => m.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  const policy: EdgePolicy = { timeoutMs: DEFAULT_TIMEOUT_MS };
  for (const { rule } of matching) {
    const { from: _from, to: _to, timeout, ...blocks } = rule;
    if (timeout !== undefined) policy.timeoutMs = timeout;
    for (const [key, value] of Object.entries(blocks)) if (value !== undefined) (policy as unknown as Record<string, unknown>)[key] = value;
  }
  return policy;
}

function specificity(rule: MeshPolicy, from: string, to: string): number {
  const fromExact = rule.from === from;
  const toExact = rule.to === to;
  if ((!fromExact && rule.from !== '*') || (!toExact && rule.to !== '*')) return -1;
  return (toExact ? 2 : 0) + (fromExact ? 1 : 0);
}
