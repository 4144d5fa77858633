/** Load goes to a service of the scenario, and its request classes have distinct names. */
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { referenceIssue } from './reference-issue.js';

/** An issue for each `load.*.target` that names no service and each repeated class name of a load. */
export function checkLoad(scenario: Scenario): IssueDraft[] {
  const services = Object.keys(scenario.services);
  return Object.entries(scenario.load).flatMap(([name, load]) => [
    ...(Object.hasOwn(scenario.services, load.target) ? [] : [referenceIssue(['load', name, 'target'], 'load on an unknown service', load.target, services)]),
    ...duplicateClasses(name, load.classes.map((c) => c.name)),
  ]);
}

/** Each class name used before in the same load, in one pass over the names. */
function duplicateClasses(load: string, names: string[]): IssueDraft[] {
  const first = new Map<string, number>();
  return names.flatMap((name, i) => {
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, i);
      return [];
    }
    return [
      {
        code: 'FL_SCENARIO_SCHEMA' as const,
        path: ['load', load, 'classes', i, 'name'],
        message: `class name already used by classes[${earlier}]`,
        expected: 'a name not used by another class of this load',
        found: JSON.stringify(name),
      },
    ];
  });
}
