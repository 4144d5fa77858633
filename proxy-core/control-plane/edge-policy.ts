import type { EdgePolicy, MeshRule, PolicyBlocks } from './mesh-rule.js';

/** Envoy's default route timeout (`config.route.v3.RouteAction.timeout`): 15 s. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

/**
 * Resolves the policy for calls `from` → `to`: every rule whose `from` and `to` match
 * (`*` matches anything) contributes its blocks; a more specific rule (exact names beat `*`,
 * an exact `to` beats an exact `from`) overrides a less specific one block by block, and
 * among equally specific rules the later one wins. An absent timeout is Envoy's 15 s.
 */
export function resolveEdgePolicy(rules: readonly MeshRule[], from: string, to: string): EdgePolicy {
  const matching = rules
    .map((rule, order) => ({ rule, order, rank: specificity(rule, from, to) }))
    .filter((m) => m.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  let timeoutMs = DEFAULT_ROUTE_TIMEOUT_MS;
  const blocks: Record<string, unknown> = {};
  for (const { rule } of matching) {
    const { from: _from, to: _to, timeout, ...ruleBlocks } = rule;
    if (timeout !== undefined) timeoutMs = timeout;
    for (const [key, value] of Object.entries(ruleBlocks)) if (value !== undefined) blocks[key] = value;
  }
  return { ...(blocks as PolicyBlocks), timeoutMs };
}

function specificity(rule: MeshRule, from: string, to: string): number {
  const fromExact = rule.from === from;
  const toExact = rule.to === to;
  if ((!fromExact && rule.from !== '*') || (!toExact && rule.to !== '*')) return -1;
  return (toExact ? 2 : 0) + (fromExact ? 1 : 0);
}
