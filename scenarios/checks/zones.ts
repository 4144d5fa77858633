/** Every zone a service or a network rule names is declared in the top-level `zones`. */
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { referenceIssue } from './reference-issue.js';

/** An issue for each zone of `services.*.zones` and `network.between[].zones` not in `zones`. */
export function checkZones(scenario: Scenario): IssueDraft[] {
  const uses = [
    ...Object.entries(scenario.services).flatMap(([name, service]) =>
      (service.zones ?? []).map((zone, i) => ({ zone, path: ['services', name, 'zones', i] })),
    ),
    ...scenario.network.between.flatMap((rule, i) => rule.zones.map((zone, j) => ({ zone, path: ['network', 'between', i, 'zones', j] }))),
  ];
  const declared = new Set(scenario.zones);
  return uses
    .filter(({ zone }) => !declared.has(zone))
    .map(({ zone, path }) => referenceIssue(path, 'zone not declared in zones', zone, scenario.zones));
}
