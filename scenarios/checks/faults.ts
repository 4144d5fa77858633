/**
 * Faults hit something that exists: exactly one of a service (optionally one of its
 * instances), a declared zone, or an edge along which one service calls another.
 */
import type { IssueDraft } from '../issue-draft.js';
import { isTargeted, type TargetedFault as Fault, type Scenario } from '../schema.js';
import { callEdges } from './call-graph.js';
import type { CallEdge } from './call-graph.js';
import { referenceIssue } from './reference-issue.js';

const TARGETS = ['service', 'zone', 'edge'] as const;
/** Faults of a process, which an edge (a connection between two services) does not have. */
const NOT_ON_EDGES: readonly Fault['kind'][] = ['crash', 'slowdown'];

type Path = (string | number)[];

/** The issues of every fault's target. */
export function checkFaults(scenario: Scenario): IssueDraft[] {
  const callees = calleesByCaller(callEdges(scenario));
  const zones = new Set(scenario.zones);
  return scenario.faults.flatMap((fault, i) => {
    if (!isTargeted(fault)) return [];
    const path = ['faults', i];
    return [...targetCount(fault, path), ...serviceTarget(scenario, fault, path), ...zoneTarget(scenario, zones, fault, path), ...edgeTarget(scenario, callees, fault, path)];
  });
}

function targetCount(fault: Fault, path: Path): IssueDraft[] {
  const given = TARGETS.filter((target) => fault[target] !== undefined);
  if (given.length === 1) return [];
  return [
    {
      code: 'FL_SCENARIO_SCHEMA',
      path,
      message: given.length === 0 ? 'fault without a target' : 'fault with more than one target',
      expected: 'exactly one of service, zone, edge',
      found: given.length === 0 ? 'none' : given.join(' and '),
    },
  ];
}

function serviceTarget(scenario: Scenario, fault: Fault, path: Path): IssueDraft[] {
  if (fault.service === undefined) {
    if (fault.instance === undefined) return [];
    return [{ code: 'FL_SCENARIO_SCHEMA', path: [...path, 'instance'], message: 'instance without a service', expected: 'a service beside instance' }];
  }
  if (!Object.hasOwn(scenario.services, fault.service)) {
    return [referenceIssue([...path, 'service'], 'fault on an unknown service', fault.service, Object.keys(scenario.services))];
  }
  const { replicas } = scenario.services[fault.service];
  if (fault.instance === undefined || fault.instance < replicas) return [];
  return [
    {
      code: 'FL_SCENARIO_SCHEMA',
      path: [...path, 'instance'],
      message: `no such instance of ${fault.service}`,
      expected: `an index below ${replicas}, the replicas of ${fault.service}`,
      found: String(fault.instance),
    },
  ];
}

function zoneTarget(scenario: Scenario, zones: ReadonlySet<string>, fault: Fault, path: Path): IssueDraft[] {
  if (fault.zone === undefined || zones.has(fault.zone)) return [];
  return [referenceIssue([...path, 'zone'], 'zone not declared in zones', fault.zone, scenario.zones)];
}

/** The edges `from->to` each service calls along, by caller. */
function calleesByCaller(edges: readonly CallEdge[]): Map<string, Set<string>> {
  const callees = new Map<string, Set<string>>();
  for (const edge of edges) {
    const set = callees.get(edge.from) ?? new Set<string>();
    callees.set(edge.from, set.add(`${edge.from}->${edge.to}`));
  }
  return callees;
}

function edgeTarget(scenario: Scenario, callees: ReadonlyMap<string, ReadonlySet<string>>, fault: Fault, path: Path): IssueDraft[] {
  if (fault.edge === undefined) return [];
  const at = [...path, 'edge'];
  if (NOT_ON_EDGES.includes(fault.kind)) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path: at, message: `a ${fault.kind} fault cannot target an edge`, expected: 'a service or a zone' }];
  }
  const [from, to] = fault.edge.split('->');
  const services = Object.keys(scenario.services);
  const unknown = [from, to].filter((name) => !Object.hasOwn(scenario.services, name));
  if (unknown.length > 0) return unknown.map((name) => referenceIssue(at, 'edge from or to an unknown service', name, services));
  const edges = callees.get(from);
  if (edges?.has(fault.edge)) return [];
  return [referenceIssue(at, `${from} does not call ${to}`, fault.edge, [...(edges ?? [])])];
}
