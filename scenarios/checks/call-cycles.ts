/** Calls never lead back to the caller: a request would call itself without end. */
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { callEdges } from './call-graph.js';
import type { CallEdge } from './call-graph.js';

/**
 * An issue for each call that closes a cycle (`a -> b -> a`, or `a -> a`), at that call,
 * found by depth-first search from the services in file order.
 */
export function checkCallCycles(scenario: Scenario): IssueDraft[] {
  const edges = callEdges(scenario).filter((edge) => Object.hasOwn(scenario.services, edge.to));
  const done = new Set<string>();
  const issues: IssueDraft[] = [];
  const visit = (service: string, stack: string[]): void => {
    stack.push(service);
    for (const edge of edges.filter((e) => e.from === service)) {
      if (stack.includes(edge.to)) issues.push(cycleIssue(edge, [...stack.slice(stack.indexOf(edge.to)), edge.to]));
      else if (!done.has(edge.to)) visit(edge.to, stack);
    }
    stack.pop();
    done.add(service);
  };
  for (const service of Object.keys(scenario.services)) if (!done.has(service)) visit(service, []);
  return issues;
}

function cycleIssue(edge: CallEdge, cycle: string[]): IssueDraft {
  return {
    code: 'FL_SCENARIO_REFERENCE',
    path: edge.path,
    message: `call cycle ${cycle.join(' -> ')}`,
    expected: 'calls that never lead back to the caller',
  };
}
