/** The calls services make, as edges with the key path of each call's `to`. */
import type { Scenario } from '../schema.js';

/** One call of a service's request: caller, callee, and where the call is written. */
export interface CallEdge {
  from: string;
  to: string;
  /** Key path of the call's `to`. */
  path: (string | number)[];
}

/** Every call of every service, sequential and parallel, in file order. */
export function callEdges(scenario: Scenario): CallEdge[] {
  return Object.entries(scenario.services).flatMap(([from, service]) =>
    service.calls.flatMap((step, i) => {
      const path = ['services', from, 'calls', i];
      if ('parallel' in step) return step.parallel.map((call, j) => ({ from, to: call.to, path: [...path, 'parallel', j, 'to'] }));
      return [{ from, to: step.to, path: [...path, 'to'] }];
    }),
  );
}
