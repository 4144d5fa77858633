/**
 * Whether a staging target fits a scenario: the names it maps are the scenario's, every
 * service the load enters has an address of the right protocol, every L4 fault has a proxy,
 * L7 faults have a way in, and the load ends within the target's `maxDuration`. The issues
 * are located in the target file, which is what a user edits to make them fit.
 */
import { callEdges } from '../../scenarios/checks/call-graph.js';
import type { IssueDraft } from '../../scenarios/issue-draft.js';
import { nearestName } from '../../scenarios/nearest-name.js';
import { isTargeted } from '../../scenarios/schema.js';
import type { Scenario } from '../../scenarios/schema.js';
import { locateDrafts } from '../../scenarios/source/locate.js';
import { formatDuration } from '../../scenarios/units.js';
import { plannedEndMs } from '../planned-end.js';
import type { LoadedTarget } from './load-target-file.js';
import { faultTargetName, stagingFaultLayer } from './staging-fault-layer.js';
import type { TargetErrorCode, TargetIssue } from './target-file-error.js';

type Draft = IssueDraft<TargetErrorCode>;
type Path = (string | number)[];

/** What to check beyond names, addresses and duration. */
export interface TargetCheckOptions {
  /**
   * Whether the scenario's faults must be applicable (a proxy for each L4 fault, L7 faults
   * allowed): true (default) for a staging run; false for what needs only the load, such as
   * `faultline export k6`.
   */
  faults?: boolean;
}

/**
 * The issues that keep `scenario` from running against `loaded`'s target, located in the
 * target file and sorted by position; empty when it fits. Throw them as a
 * `TargetFileError(issues, loaded.text)`.
 *
 * - `FL_TARGET_REFERENCE`: a mapped service the scenario does not have, or a proxy for an edge
 *   along which no service calls another (with the nearest name);
 * - `FL_TARGET_MISSING`: no address for a service a load enters; no proxy for a service or
 *   edge an L4 fault targets; an L7 fault while `l7Faults` is `none`;
 * - `FL_TARGET_PROTOCOL`: a gRPC service mapped to a `url`, an HTTP one to `grpc`;
 * - `FL_TARGET_TOO_LONG`: the load ends after `maxDuration`.
 */
export function checkTargetAgainstScenario(loaded: LoadedTarget, scenario: Scenario, options: TargetCheckOptions = {}): TargetIssue[] {
  const drafts = [
    ...serviceNames(loaded, scenario),
    ...proxyNames(loaded, scenario),
    ...entryAddresses(loaded, scenario),
    ...protocols(loaded, scenario),
    ...(options.faults === false ? [] : faultIssues(loaded, scenario)),
    ...duration(loaded, scenario),
  ];
  return locateDrafts(loaded.source, drafts);
}

function serviceNames({ target }: LoadedTarget, scenario: Scenario): Draft[] {
  const known = Object.keys(scenario.services);
  return Object.keys(target.services)
    .filter((name) => !Object.hasOwn(scenario.services, name))
    .map((name) => unknownName(['services', name], `the scenario has no service ${JSON.stringify(name)}`, name, known));
}

function proxyNames({ target }: LoadedTarget, scenario: Scenario): Draft[] {
  const services = Object.keys(scenario.services);
  const edges = callEdges(scenario).map((e) => `${e.from}->${e.to}`);
  const edgeSet = new Set(edges);
  return target.toxiproxy.flatMap((api, i) =>
    Object.keys(api.proxies).flatMap((key): Draft[] => {
      const path = ['toxiproxy', i, 'proxies', key];
      if (!key.includes('->')) return Object.hasOwn(scenario.services, key) ? [] : [unknownName(path, `the scenario has no service ${JSON.stringify(key)}`, key, services)];
      if (edgeSet.has(key)) return [];
      const missing = key.split('->').find((name) => !Object.hasOwn(scenario.services, name));
      if (missing !== undefined) return [unknownName(path, `the scenario has no service ${JSON.stringify(missing)}`, key, edges)];
      const [from, to] = key.split('->');
      return [unknownName(path, `${from} does not call ${to} in the scenario`, key, edges)];
    }),
  );
}

function unknownName(path: Path, message: string, name: string, known: readonly string[]): Draft {
  return {
    code: 'FL_TARGET_REFERENCE',
    path,
    atKey: true,
    message,
    expected: known.length === 0 ? undefined : `one of ${known.slice(0, 12).join(', ')}${known.length > 12 ? ` and ${known.length - 12} more` : ''}`,
    suggest: () => nearestName(name, known),
  };
}

/** Each service a load enters without an address in `services`. */
function entryAddresses({ target }: LoadedTarget, scenario: Scenario): Draft[] {
  const loadsBy = new Map<string, string[]>();
  for (const [name, load] of Object.entries(scenario.load)) loadsBy.set(load.target, [...(loadsBy.get(load.target) ?? []), name]);
  return [...loadsBy]
    .filter(([service]) => !Object.hasOwn(target.services, service))
    .map(([service, loads]) => ({
      code: 'FL_TARGET_MISSING' as const,
      path: ['services'],
      message: `no address for ${service}, which ${loads.length === 1 ? 'load' : 'loads'} ${loads.map((l) => JSON.stringify(l)).join(', ')} ${loads.length === 1 ? 'sends' : 'send'} requests to`,
      expected: scenario.services[service].protocol === 'grpc' ? `${service}: { grpc: "host:port" }` : `${service}: { url: "http://host:port" }`,
    }));
}

/** Each service mapped for another protocol than the scenario gives it. */
function protocols({ target }: LoadedTarget, scenario: Scenario): Draft[] {
  return Object.entries(target.services).flatMap(([name, address]): Draft[] => {
    if (!Object.hasOwn(scenario.services, name)) return [];
    const service = scenario.services[name];
    const grpc = service.protocol === 'grpc';
    if (grpc === (address.kind === 'grpc')) return [];
    return [
      {
        code: 'FL_TARGET_PROTOCOL',
        path: ['services', name, grpc ? 'url' : 'grpc'],
        atKey: true,
        message: grpc ? `${name} serves gRPC in the scenario (protocol: grpc), not HTTP` : `${name} serves HTTP in the scenario (protocol: ${service.protocol}), not gRPC`,
        expected: grpc ? 'grpc: "host:port"' : 'url: "http://host:port"',
      },
    ];
  });
}

/** Each L4 fault on a service or edge without a proxy, and each L7 fault when L7 faults are refused. */
function faultIssues({ target, source }: LoadedTarget, scenario: Scenario): Draft[] {
  const proxied = new Set(target.toxiproxy.flatMap((api) => Object.keys(api.proxies)));
  const has = (key: string): Path => (source.doc.has(key) ? [key] : []);
  return scenario.faults.flatMap((fault, i): Draft[] => {
    if (!isTargeted(fault)) return [];
    const layer = stagingFaultLayer(fault.kind);
    const what = `faults[${i}] (${fault.kind} on ${faultTargetName(fault)}, at ${formatDuration(fault.at)} for ${formatDuration(fault.for)})`;
    if (layer === 'l7' && target.l7Faults === 'none') {
      return [{ code: 'FL_TARGET_MISSING', path: has('l7Faults'), message: `${what} is an L7 fault, and l7Faults is none`, expected: 'l7Faults: headers, for a mesh whose fault filter takes its x-envoy-fault-* headers' }];
    }
    const key = fault.edge ?? fault.service;
    if (layer !== 'l4' || key === undefined || proxied.has(key)) return [];
    return [{ code: 'FL_TARGET_MISSING', path: has('toxiproxy'), message: `no Toxiproxy proxy for ${key}, which ${what} needs`, expected: `a proxy for ${JSON.stringify(key)} under toxiproxy[].proxies` }];
  });
}

function duration({ target }: LoadedTarget, scenario: Scenario): Draft[] {
  const end = plannedEndMs(scenario);
  if (end <= target.maxDuration) return [];
  return [
    {
      code: 'FL_TARGET_TOO_LONG',
      path: ['maxDuration'],
      message: `the scenario's load runs until ${formatDuration(end)}, beyond this target's maxDuration`,
      expected: `at least ${formatDuration(end)}, or a shorter run`,
    },
  ];
}
