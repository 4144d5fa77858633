/**
 * Faults hit something that exists: exactly one of a service (optionally one of its
 * instances), a declared zone, or an edge along which one service calls another.
 */
import type { IssueDraft } from '../issue-draft.js';
import { isTargeted, type TargetedFault as Fault, type Scenario } from '../schema.js';
import { callEdges, calls } from './call-graph.js';
import type { CallEdge } from './call-graph.js';
import { referenceIssue } from './reference-issue.js';

const TARGETS = ['service', 'zone', 'edge'] as const;
/** Faults of a process, which an edge (a connection between two services) does not have. */
const NOT_ON_EDGES: readonly Fault['kind'][] = ['crash', 'slowdown'];

type Path = (string | number)[];

/** The issues of every fault's target. */
export function checkFaults(scenario: Scenario): IssueDraft[] {
  const edges = callEdges(scenario);
  return scenario.faults.flatMap((fault, i) => {
    if (!isTargeted(fault)) return [];
    const path = ['faults', i];
    return [...targetCount(fault, path), ...serviceTarget(scenario, fault, path), ...zoneTarget(scenario, fault, path), ...edgeTarget(scenario, edges, fault, path)];
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

function zoneTarget(scenario: Scenario, fault: Fault, path: Path): IssueDraft[] {
  if (fault.zone === undefined || scenario.zones.includes(fault.zone)) return [];
  return [referenceIssue([...path, 'zone'], 'zone not declared in zones', fault.zone, scenario.zones)];
}

function edgeTarget(scenario: Scenario, edges: readonly CallEdge[], fault: Fault, path: Path): IssueDraft[] {
  if (fault.edge === undefined) return [];
  const at = [...path, 'edge'];
  if (NOT_ON_EDGES.includes(fault.kind)) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path: at, message: `a ${fault.kind} fault cannot target an edge`, expected: 'a service or a zone' }];
  }
  const [from, to] = fault.edge.split('->');
  const services = Object.keys(scenario.services);
  const unknown = [from, to].filter((name) => !Object.hasOwn(scenario.services, name));
  if (unknown.length > 0) return unknown.map((name) => referenceIssue(at, 'edge from or to an unknown service', name, services));
  if (calls(edges, from, to)) return [];
  const callees = edges.filter((edge) => edge.from === from).map((edge) => `${from}->${edge.to}`);
  return [referenceIssue(at, `${from} does not call ${to}`, fault.edge, callees)];
}
