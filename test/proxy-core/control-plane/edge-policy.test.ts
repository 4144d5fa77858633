import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_TIMEOUT_MS, resolveEdgePolicy } from '../../../proxy-core/control-plane/edge-policy.js';
import type { MeshRule } from '../../../proxy-core/control-plane/mesh-rule.js';

const bulkhead = (n: number) => ({ maxConcurrentCalls: n });

describe('resolveEdgePolicy', () => {
  it("has Envoy's 15 s route timeout and every policy off when no rule matches", () => {
    expect(resolveEdgePolicy([{ from: 'x', to: 'y', bulkhead: bulkhead(1) }], 'a', 'b')).toEqual({ timeoutMs: DEFAULT_ROUTE_TIMEOUT_MS });
  });

  it('overrides block by block: exact beats *, an exact `to` beats an exact `from`, and the later of equals wins', () => {
    const rules: MeshRule[] = [
      { from: 'a', to: 'b', timeout: 100, bulkhead: bulkhead(3) },
      { from: '*', to: '*', timeout: 900, bulkhead: bulkhead(1), fault: { abort: { httpStatus: 503, percentage: 1 } } },
      { from: '*', to: 'b', bulkhead: bulkhead(2) },
      { from: 'a', to: '*', bulkhead: bulkhead(9) },
      { from: 'a', to: 'b', bulkhead: bulkhead(4) },
    ];
    const p = resolveEdgePolicy(rules, 'a', 'b');
    expect(p.timeoutMs).toBe(100);
    expect(p.bulkhead).toEqual(bulkhead(4)); // exact both ways, the later rule
    expect(p.fault).toEqual({ abort: { httpStatus: 503, percentage: 1 } }); // only the wildcard rule has one
    expect(resolveEdgePolicy(rules, 'c', 'b').bulkhead).toEqual(bulkhead(2)); // exact `to` over * → *
    expect(resolveEdgePolicy(rules, 'a', 'c').bulkhead).toEqual(bulkhead(9));
  });

  it('a timeout of 0 disables the route timeout', () => {
    expect(resolveEdgePolicy([{ from: '*', to: '*', timeout: 0 }], 'a', 'b').timeoutMs).toBe(0);
  });
});
