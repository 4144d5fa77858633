/** Every call names a service of the scenario. */
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { callEdges } from './call-graph.js';
import { referenceIssue } from './reference-issue.js';

/** An issue for each `calls[].to` and `parallel[].to` that names no service. */
export function checkCalls(scenario: Scenario): IssueDraft[] {
  const services = Object.keys(scenario.services);
  return callEdges(scenario)
    .filter((edge) => !Object.hasOwn(scenario.services, edge.to))
    .map((edge) => referenceIssue(edge.path, 'call to an unknown service', edge.to, services));
}
