/** Calls never lead back to the caller: a request would call itself without end. */
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { callEdges } from './call-graph.js';
import type { CallEdge } from './call-graph.js';

/** A cycle longer than this is shown by its first and last services. */
const SHOWN_CYCLE = 10;

/** A service on the depth-first path, and the index of its next call to follow. */
interface Frame {
  service: string;
  next: number;
}

/**
 * An issue for each call that closes a cycle (`a -> b -> a`, or `a -> a`), at that call,
 * found by depth-first search from the services in file order. The search keeps its own
 * stack, so a call chain thousands of services long takes no more than one pass.
 */
export function checkCallCycles(scenario: Scenario): IssueDraft[] {
  const calls = callsByCaller(scenario);
  const done = new Set<string>();
  const issues: IssueDraft[] = [];
  for (const root of Object.keys(scenario.services)) {
    if (done.has(root)) continue;
    const path: string[] = [root];
    const onPath = new Map([[root, 0]]);
    const frames: Frame[] = [{ service: root, next: 0 }];
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const edge = calls.get(frame.service)?.[frame.next++];
      if (edge === undefined) {
        frames.pop();
        path.pop();
        onPath.delete(frame.service);
        done.add(frame.service);
        continue;
      }
      const at = onPath.get(edge.to);
      if (at !== undefined) issues.push(cycleIssue(edge, cycleNames(path, at, edge.to)));
      else if (!done.has(edge.to)) {
        onPath.set(edge.to, path.length);
        path.push(edge.to);
        frames.push({ service: edge.to, next: 0 });
      }
    }
  }
  return issues;
}

/** The calls to services of the scenario, by caller, in file order. */
function callsByCaller(scenario: Scenario): Map<string, CallEdge[]> {
  const calls = new Map<string, CallEdge[]>();
  for (const edge of callEdges(scenario)) {
    if (!Object.hasOwn(scenario.services, edge.to)) continue;
    const list = calls.get(edge.from);
    if (list) list.push(edge);
    else calls.set(edge.from, [edge]);
  }
  return calls;
}

/** The services of the cycle from `path[at]` back to `to`, shortened in the middle when long. */
function cycleNames(path: readonly string[], at: number, to: string): string[] {
  const length = path.length - at;
  if (length < SHOWN_CYCLE) return [...path.slice(at), to];
  const half = SHOWN_CYCLE / 2;
  return [...path.slice(at, at + half), `… ${length - SHOWN_CYCLE} more …`, ...path.slice(path.length - half), to];
}

function cycleIssue(edge: CallEdge, cycle: string[]): IssueDraft {
  return {
    code: 'FL_SCENARIO_REFERENCE',
    path: edge.path,
    message: `call cycle ${cycle.join(' -> ')}`,
    expected: 'calls that never lead back to the caller',
  };
}
