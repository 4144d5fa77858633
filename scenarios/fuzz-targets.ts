/**
 * What the fuzzer's faults can hit and of which kinds, from a scenario and its `fuzz.faults`:
 * the targets written there, or by default every service, every instance of a replicated
 * service, every zone (when there are several) and every call edge; and the kinds that apply
 * to each (a process fault cannot hit an edge; a CA outage has no target).
 */
import { callEdges } from './checks/call-graph.js';
import { FUZZ_FAULT_KINDS, FuzzSection, type FuzzFaultKind } from './fuzz-schema.js';
import { plannedEndMs } from './planned-end.js';
import type { Scenario } from './schema.js';

/** One thing a fault can hit, as a scenario fault names it. */
export type FuzzTarget = { service: string; instance?: number } | { zone: string } | { edge: string };

/** Kinds of a process, which an edge (a connection between two services) does not have. */
const NOT_ON_EDGES: readonly FuzzFaultKind[] = ['crash', 'slowdown'];

/** The scenario's `fuzz` section with its defaults filled (an absent section is all defaults). */
export function fuzzSectionOf(scenario: Scenario): FuzzSection {
  return scenario.fuzz ?? DEFAULT_SECTION;
}

const DEFAULT_SECTION = FuzzSection.parse({});

/**
 * The targets faults may hit, in the order shrinking prefers them: services, instances,
 * zones, edges, each in file order. Names that refer to nothing are left out (the scenario's
 * checks report them).
 */
export function fuzzTargets(scenario: Scenario): FuzzTarget[] {
  const written = fuzzSectionOf(scenario).faults.targets;
  const services = Object.keys(scenario.services);
  const edges = [...new Set(callEdges(scenario).map((e) => `${e.from}->${e.to}`))];
  const pick = {
    services: written ? (written.services ?? []).filter((s) => services.includes(s)) : services,
    instances: written ? (written.instances ?? []).filter((s) => services.includes(s)) : services.filter((s) => scenario.services[s].replicas > 1),
    zones: written ? (written.zones ?? []).filter((z) => scenario.zones.includes(z)) : scenario.zones.length > 1 ? scenario.zones : [],
    edges: written ? (written.edges ?? []).filter((e) => edges.includes(e)) : edges,
  };
  return [
    ...pick.services.map((service) => ({ service })),
    ...pick.instances.flatMap((service) => Array.from({ length: scenario.services[service].replicas }, (_, instance) => ({ service, instance }))),
    ...pick.zones.map((zone) => ({ zone })),
    ...pick.edges.map((edge) => ({ edge })),
  ];
}

/**
 * The kinds to draw: those written, or by default every kind with a target here, plus
 * `ca-outage` when mTLS is on somewhere and a certificate expires within the run (otherwise a
 * CA outage changes nothing).
 */
export function fuzzKinds(scenario: Scenario, targets: readonly FuzzTarget[] = fuzzTargets(scenario)): FuzzFaultKind[] {
  const written = fuzzSectionOf(scenario).faults.kinds;
  if (written) return FUZZ_FAULT_KINDS.filter((kind) => written.includes(kind));
  return FUZZ_FAULT_KINDS.filter((kind) => (kind === 'ca-outage' ? caOutageMatters(scenario) : targetsFor(kind, targets).length > 0));
}

/** The targets a fault of `kind` can hit among `targets` (none for a CA outage, which has no target). */
export function targetsFor(kind: FuzzFaultKind, targets: readonly FuzzTarget[]): FuzzTarget[] {
  if (kind === 'ca-outage') return [];
  return NOT_ON_EDGES.includes(kind) ? targets.filter((t) => !('edge' in t)) : [...targets];
}

/** Whether a fault of `kind` can be drawn at all: a CA outage always, other kinds with a target. */
export function isDrawable(kind: FuzzFaultKind, targets: readonly FuzzTarget[]): boolean {
  return kind === 'ca-outage' || targetsFor(kind, targets).length > 0;
}

function caOutageMatters(scenario: Scenario): boolean {
  const { security } = scenario;
  const mtls = security.mtls !== 'DISABLE' || security.peerAuthentication.some((p) => p.mode !== 'DISABLE');
  return mtls && callEdges(scenario).length > 0 && security.certificates.ttl <= plannedEndMs(scenario);
}

/** How a target reads in messages and summaries: `db`, `db[1]`, `zone eu-west-1a`, `api->db`. */
export function describeTarget(target: FuzzTarget | null): string {
  if (target === null) return 'the CA';
  if ('edge' in target) return target.edge;
  if ('zone' in target) return `zone ${target.zone}`;
  return target.instance === undefined ? target.service : `${target.service}[${target.instance}]`;
}
