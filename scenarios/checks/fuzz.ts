/**
 * The `fuzz` section refers to things the scenario has, and its bounds make sense: targets
 * are services, zones and call edges of the scenario; varied loads are constant-arrival-rate
 * loads; searched parameters sit on a policy that has their block, with values the field
 * accepts; every range has its minimum at most its maximum; and at least one fault can be
 * drawn when faults are to be drawn.
 */
import { POLICY_PARAMETERS, type ParameterSpec } from '../fuzz-parameters.js';
import type { FuzzParameter, FuzzSection } from '../fuzz-schema.js';
import { fuzzKinds, fuzzTargets, isDrawable } from '../fuzz-targets.js';
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { draftsFromZod } from '../schema-issues/zod-issues.js';
import { callEdges } from './call-graph.js';
import { referenceIssue } from './reference-issue.js';
import { formatDuration } from '../units.js';
import { plannedEndMs } from '../planned-end.js';

type Path = (string | number)[];

/** Every issue of the scenario's `fuzz` section; none without one. */
export function checkFuzz(scenario: Scenario): IssueDraft[] {
  const fuzz = scenario.fuzz;
  if (fuzz === undefined) return [];
  const targets = targetIssues(scenario, fuzz);
  return [...targets, ...faultIssues(scenario, fuzz, targets.length === 0), ...loadIssues(scenario, fuzz), ...fuzz.parameters.flatMap((p, i) => parameterIssues(scenario, p, ['fuzz', 'parameters', i]))];
}

function targetIssues(scenario: Scenario, fuzz: FuzzSection): IssueDraft[] {
  const targets = fuzz.faults.targets;
  if (targets === undefined) return [];
  const path = ['fuzz', 'faults', 'targets'];
  const services = Object.keys(scenario.services);
  const edges = [...new Set(callEdges(scenario).map((e) => `${e.from}->${e.to}`))];
  const unknown = (list: string[] | undefined, known: readonly string[], key: string, message: string) =>
    (list ?? []).flatMap((name, i) => (known.includes(name) ? [] : [referenceIssue([...path, key, i], message, name, known)]));
  return [
    ...unknown(targets.services, services, 'services', 'unknown service'),
    ...unknown(targets.instances, services, 'instances', 'unknown service'),
    ...unknown(targets.zones, scenario.zones, 'zones', 'zone not declared in zones'),
    ...unknown(targets.edges, edges, 'edges', 'no service makes this call'),
  ];
}

/** Issues of the bounds of faults; whether a fault can be drawn is checked only once the targets name what exists (`targetsKnown`). */
function faultIssues(scenario: Scenario, fuzz: FuzzSection, targetsKnown: boolean): IssueDraft[] {
  const f = fuzz.faults;
  const path = ['fuzz', 'faults'];
  const issues = [
    ...order([...path, 'count'], f.count.min, f.count.max),
    ...windowIssues(scenario, fuzz),
    ...order([...path, 'duration'], f.duration?.min, f.duration?.max, formatDuration),
    ...order([...path, 'latency'], f.latency?.min, f.latency?.max, formatDuration),
    ...order([...path, 'abort'], f.abort?.min, f.abort?.max),
    ...order([...path, 'slowdown'], f.slowdown?.min, f.slowdown?.max),
  ];
  if (f.duration?.min === 0) issues.push(schemaIssue([...path, 'duration', 'min'], 'a fault of no length', 'a duration above 0', '0ms'));
  if (f.count.max === 0 || !targetsKnown) return issues;
  const targets = fuzzTargets(scenario);
  const kinds = fuzzKinds(scenario, targets);
  if (f.kinds !== undefined) {
    f.kinds.forEach((kind, i) => {
      if (!isDrawable(kind, targets)) issues.push(schemaIssue([...path, 'kinds', i], `no target a ${kind} fault can hit`, kind === 'crash' || kind === 'slowdown' ? 'a service, an instance or a zone in targets' : 'a target in targets'));
    });
  } else if (!kinds.some((kind) => isDrawable(kind, targets))) {
    issues.push(schemaIssue(path, 'no fault can be drawn: nothing to hit', 'targets with a service, an instance, a zone or an edge, or count.max: 0'));
  }
  return issues;
}

function loadIssues(scenario: Scenario, fuzz: FuzzSection): IssueDraft[] {
  const loads = Object.keys(scenario.load);
  return Object.entries(fuzz.load).flatMap(([name, variation]) => {
    const path = ['fuzz', 'load', name];
    const load = scenario.load[name];
    if (!Object.hasOwn(scenario.load, name)) return [{ ...referenceIssue(path, 'unknown load', name, loads), atKey: true }];
    if (load.executor === 'constant-vus') return vusLoadIssues(path, variation);
    if (load.executor !== 'constant-arrival-rate') {
      return [{ ...schemaIssue(path, `a ${load.executor} load cannot vary`, 'a constant-arrival-rate or constant-vus load', JSON.stringify(load.executor)), atKey: true }];
    }
    if (variation.vus !== undefined) {
      return [{ ...schemaIssue([...path, 'vus'], 'a constant-arrival-rate load has no VUs to vary', 'rate or spike', 'vus'), atKey: true }];
    }
    return [
      ...order([...path, 'rate'], variation.rate?.min, variation.rate?.max),
      ...order([...path, 'spike', 'factor'], variation.spike?.factor.min, variation.spike?.factor.max),
      ...order([...path, 'spike', 'for'], variation.spike?.for?.min, variation.spike?.for?.max, formatDuration),
    ];
  });
}

/** A constant-vus load varies its VUs only: its arrivals follow its answers, so it has no rate to set or spike. */
function vusLoadIssues(path: Path, variation: FuzzSection['load'][string]): IssueDraft[] {
  for (const key of ['rate', 'spike'] as const) {
    if (variation[key] !== undefined) {
      return [{ ...schemaIssue([...path, key], `a constant-vus load has no ${key === 'rate' ? 'rate' : 'spike'} to vary (its requests follow its answers)`, 'vus', key), atKey: true }];
    }
  }
  return order([...path, 'vus'], variation.vus?.min, variation.vus?.max);
}

/** The policy must exist with the parameter's block (and budget type); min and max must be values the field takes, in order. */
function parameterIssues(scenario: Scenario, p: FuzzParameter, path: Path): IssueDraft[] {
  const spec: ParameterSpec = POLICY_PARAMETERS[p.field];
  const policies = scenario.mesh.policies;
  const policy = policies.find((q) => q.from === p.from && q.to === p.to);
  if (policy === undefined) {
    const known = policies.map((q) => `${q.from}->${q.to}`);
    return [referenceIssue(path, 'no mesh policy with this from and to', `${p.from}->${p.to}`, known)];
  }
  const [block] = spec.path;
  if (spec.path.length === 2 && (policy as Record<string, unknown>)[block] === undefined) {
    return [schemaIssue([...path, 'field'], `the policy from ${p.from} to ${p.to} has no ${block} block`, `a ${block} block on that policy, or another field`, JSON.stringify(p.field))];
  }
  if (spec.budgetType !== undefined && policy.retryBudget?.type !== spec.budgetType) {
    return [schemaIssue([...path, 'field'], `${p.field} belongs to a retry budget of type ${spec.budgetType}`, `a retryBudget of type ${spec.budgetType} on that policy`, JSON.stringify(policy.retryBudget?.type))];
  }
  const min = spec.schema.safeParse(p.min);
  const max = spec.schema.safeParse(p.max);
  const issues = [
    ...(min.success ? [] : draftsFromZod(min.error.issues, spec.schema, p.min).map((d) => ({ ...d, path: [...path, 'min', ...d.path] }))),
    ...(max.success ? [] : draftsFromZod(max.error.issues, spec.schema, p.max).map((d) => ({ ...d, path: [...path, 'max', ...d.path] }))),
  ];
  if (issues.length > 0) return issues;
  if (spec.kind === 'integer' && !(Number.isInteger(min.data) && Number.isInteger(max.data))) return [schemaIssue(path, 'bounds of a whole-number field', 'integers')];
  return order(path, min.data as number, max.data as number);
}

/** The window must end after it starts (its end is by default when the load ends). */
function windowIssues(scenario: Scenario, fuzz: FuzzSection): IssueDraft[] {
  const window = fuzz.faults.window;
  if (window === undefined) return [];
  const to = window.to ?? plannedEndMs(scenario);
  const from = window.from ?? 0;
  if (from < to) return [];
  const at = window.from === undefined ? 'to' : 'from';
  return [schemaIssue(['fuzz', 'faults', 'window', at], 'the window ends before it starts', `from before to (${formatDuration(from)} → ${formatDuration(to)})`)];
}

/** An issue at `path` when its min is above its max. */
function order(path: Path, min: number | undefined, max: number | undefined, format: (n: number) => string = String): IssueDraft[] {
  if (min === undefined || max === undefined || min <= max) return [];
  return [schemaIssue([...path, 'min'], 'min is above max', `at most max (${format(max)})`, format(min))];
}

function schemaIssue(path: Path, message: string, expected: string, found?: string): IssueDraft {
  return { code: 'FL_SCENARIO_SCHEMA', path, message, expected, ...(found === undefined ? {} : { found }) };
}
