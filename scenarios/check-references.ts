/**
 * The checks a schema cannot express, run on a scenario that passed the schema: names refer
 * to things that exist, calls have no cycles, faults have one real target, distribution
 * parameters and policy values agree, thresholds parse, the report stays a bounded size, the `fuzz` section
 * names what exists.
 */
import { checkCallCycles } from './checks/call-cycles.js';
import { checkCalls } from './checks/calls.js';
import { checkDistributions } from './checks/distributions.js';
import { checkFaults } from './checks/faults.js';
import { checkFuzz } from './checks/fuzz.js';
import { checkLoad } from './checks/load.js';
import { checkMesh } from './checks/mesh.js';
import { checkPolicyValues } from './checks/policy-values.js';
import { checkReport } from './checks/report.js';
import { checkSecurity } from './checks/security.js';
import { checkThresholds } from './checks/thresholds.js';
import { checkZones } from './checks/zones.js';
import type { IssueDraft } from './issue-draft.js';
import type { Scenario } from './schema.js';

/**
 * Every semantic issue of a schema-valid scenario, as drafts with key paths
 * (`FL_SCENARIO_REFERENCE` for names that refer to nothing and call cycles,
 * `FL_SCENARIO_SCHEMA` for values that do not fit together). Empty when the scenario is sound.
 */
export function checkReferences(scenario: Scenario): IssueDraft[] {
  return [
    ...checkCalls(scenario),
    ...checkCallCycles(scenario),
    ...checkZones(scenario),
    ...checkLoad(scenario),
    ...checkFaults(scenario),
    ...checkMesh(scenario),
    ...checkPolicyValues(scenario),
    ...checkSecurity(scenario),
    ...checkDistributions(scenario),
    ...checkThresholds(scenario),
    ...checkReport(scenario),
    ...checkFuzz(scenario),
  ];
}
