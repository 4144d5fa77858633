/**
 * What a staging run will do, decided before it touches anything: which toxic goes on which
 * proxy of which Toxiproxy API, when and for how long, named with the run's id; which
 * requests carry Envoy's fault headers, when; where each load sends its requests; which
 * thresholds it can judge from outside the mesh. `--dry-run` prints exactly this.
 */
import { parseMetricSelector } from '../../reports/thresholds.js';
import type { Scenario, TargetedFault } from '../../scenarios/schema.js';
import { isTargeted } from '../../scenarios/schema.js';
import { stopConditions, thresholdExpressions, type StopCondition } from '../../scenarios/threshold-entries.js';
import { formatDuration } from '../../scenarios/units.js';
import { grpcStatusOfHttp } from '../live/transport/protocol-status.js';
import { plannedEndMs } from '../planned-end.js';
import type { ToxicPlace } from './fault-journal.js';
import type { LoadedTarget } from './load-target-file.js';
import { toxicName } from './toxic-names.js';
import { isToxicFault, toxicsOfFault, type ToxicSpec } from './toxics-of-fault.js';

/** Time after `maxDuration` before a run's toxics count as orphans even without its journal (teardown, clock skew). */
export const DEADLINE_MARGIN_MS = 5 * 60_000;

/** A toxic the run adds at `atMs` (from the load's start) and removes at `untilMs`. */
export interface PlannedToxic {
  readonly fault: number;
  readonly kind: TargetedFault['kind'];
  /** The scenario service or edge the fault is aimed at. */
  readonly target: { readonly service?: string; readonly edge?: string };
  readonly atMs: number;
  readonly untilMs: number;
  readonly place: ToxicPlace;
  readonly spec: ToxicSpec;
}

/** Envoy fault-filter headers the load's requests to `service` carry from `atMs` to `untilMs`. */
export interface PlannedHeaders {
  readonly fault: number;
  readonly service: string;
  readonly atMs: number;
  readonly untilMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Where a load sends its requests. */
export interface PlannedLoad {
  readonly name: string;
  readonly service: string;
  /** The base URL; request paths are appended. */
  readonly url: string;
}

/** Everything a staging run will do. */
export interface StagingPlan {
  readonly runId: string;
  readonly target: string;
  /** The load's planned length, ms. */
  readonly durationMs: number;
  /** The target's hard maximum, ms. */
  readonly maxDurationMs: number;
  /** Unix seconds after which the run's toxics are orphans whatever its journal says. */
  readonly deadlineEpochS: number;
  readonly toxics: readonly PlannedToxic[];
  readonly headerFaults: readonly PlannedHeaders[];
  readonly loads: readonly PlannedLoad[];
  /** Every Toxiproxy API of the target: swept for orphans before the run, used or not. */
  readonly apis: readonly string[];
  /** The Toxiproxy APIs and the proxies on each that the plan uses. */
  readonly proxiesByApi: ReadonlyMap<string, ReadonlySet<string>>;
  /** Thresholds on what only the mesh sees (a service's or an edge's traffic): not judged from outside. */
  readonly unobservable: readonly string[];
  /** Thresholds marked `abortOnFail`, checked while the run goes. */
  readonly stopConditions: readonly StopCondition[];
}

/** A scenario a staging target cannot carry out as written; exit code 2, before anything is touched. */
export class StagingPlanError extends Error {
  readonly code = 'FL_STAGING_PLAN';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: staging cannot run this scenario as written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StagingPlanError';
  }
}

/**
 * The plan of a staging run of `scenario` against `loaded`'s target, for run `runId` starting
 * at `nowEpochMs`. Call after `checkTargetAgainstScenario` found nothing (names, addresses,
 * proxies for L4 faults, duration within `maxDuration`).
 *
 * @throws {@link StagingPlanError} for what no target could carry out: an L4 fault on one
 * instance or a zone (a proxy stands in front of a whole service or edge), an abort on a
 * service the load does not enter (its headers reach only the entry's sidecar), a gRPC entry
 * (the built-in generator speaks HTTP), a request class with a scenario token (the staging
 * mesh verifies its own)
 */
export function buildStagingPlan(scenario: Scenario, loaded: LoadedTarget, runId: string, nowEpochMs: number): StagingPlan {
  const target = loaded.target;
  const problems: string[] = [];
  const entries = new Set(Object.values(scenario.load).map((l) => l.target));
  const proxyOf = new Map<string, { api: string; proxy: string }>();
  for (const t of target.toxiproxy) for (const [key, proxy] of Object.entries(t.proxies)) proxyOf.set(key, { api: t.api.replace(/\/+$/, ''), proxy });
  const deadlineEpochS = Math.ceil((nowEpochMs + target.maxDuration + DEADLINE_MARGIN_MS) / 1000);
  const toxics: PlannedToxic[] = [];
  const headerFaults: PlannedHeaders[] = [];
  scenario.faults.forEach((fault, i) => {
    if (!isTargeted(fault)) return;
    const what = `faults[${i}] (${fault.kind}, at ${formatDuration(fault.at)} for ${formatDuration(fault.for)})`;
    if (isToxicFault(fault)) {
      if (fault.zone !== undefined || fault.instance !== undefined) {
        problems.push(`${what} is aimed at ${fault.zone !== undefined ? `zone ${fault.zone}` : `instance ${fault.instance} of ${fault.service}`}; a Toxiproxy proxy stands in front of a whole service or edge: aim it at ${fault.service ?? 'a service'} or an edge`);
        return;
      }
      const key = fault.edge ?? fault.service!;
      const where = proxyOf.get(key);
      if (where === undefined) return; // checkTargetAgainstScenario reports it
      const target = fault.edge !== undefined ? { edge: fault.edge } : { service: fault.service! };
      for (const spec of toxicsOfFault(fault)) {
        toxics.push({ fault: i, kind: fault.kind, target, atMs: fault.at, untilMs: fault.at + fault.for, place: { ...where, toxic: toxicName(runId, deadlineEpochS, i, spec.stream) }, spec });
      }
    } else if (fault.kind === 'abort') {
      const service = abortEntry(fault, scenario, entries);
      if (service === null) {
        problems.push(`${what} is aimed at ${fault.edge ?? fault.service ?? `zone ${fault.zone}`}; Envoy's fault headers act at the sidecar the load's requests enter (${[...entries].join(', ')}): aim it at an entry service`);
        return;
      }
      headerFaults.push({ fault: i, service, atMs: fault.at, untilMs: fault.at + fault.for, headers: abortHeaders(fault.status, fault.percent, scenario.services[service].protocol === 'grpc') });
    }
  });
  const loads = Object.entries(scenario.load).flatMap(([name, spec]): PlannedLoad[] => {
    const address = target.services[spec.target];
    if (address === undefined) return [];
    if (address.kind === 'grpc') {
      problems.push(`load ${name} enters ${spec.target}, a gRPC service: the built-in generator sends HTTP only so far; export the load to k6 (faultline export k6) and run it with k6's gRPC module`);
      return [];
    }
    for (const c of spec.classes) if (c.token !== undefined) problems.push(`load ${name}, class ${c.name}: sends the scenario's token ${JSON.stringify(c.token)}, which a staging mesh would not accept (its keys are its own); give the class a real token in its headers`);
    return [{ name, service: spec.target, url: address.url.replace(/\/+$/, '') }];
  });
  if (problems.length > 0) throw new StagingPlanError(loaded.file, problems);
  const proxiesByApi = new Map<string, Set<string>>();
  for (const t of toxics) {
    let set = proxiesByApi.get(t.place.api);
    if (set === undefined) proxiesByApi.set(t.place.api, (set = new Set()));
    set.add(t.place.proxy);
  }
  return {
    runId,
    target: target.target,
    durationMs: plannedEndMs(scenario),
    maxDurationMs: target.maxDuration,
    deadlineEpochS,
    toxics,
    headerFaults,
    loads,
    apis: target.toxiproxy.map((t) => t.api.replace(/\/+$/, '')),
    proxiesByApi,
    unobservable: Object.keys(thresholdExpressions(scenario.thresholds)).filter(insideTheMesh),
    stopConditions: stopConditions(scenario).filter((c) => !insideTheMesh(c.metric)),
  };
}

/** The entry service an abort fault acts on, or null when it is not one the load enters. */
function abortEntry(fault: Extract<TargetedFault, { kind: 'abort' }>, scenario: Scenario, entries: ReadonlySet<string>): string | null {
  if (fault.zone !== undefined || fault.instance !== undefined) return null;
  if (fault.service !== undefined) return entries.has(fault.service) ? fault.service : null;
  const [from, to] = fault.edge!.split('->');
  return Object.hasOwn(scenario.load, from) && scenario.load[from].target === to ? to : null;
}

/**
 * Envoy's fault filter headers for an abort (envoy.extensions.filters.http.fault.v3,
 * `header_abort`): the status (or gRPC status) and the percentage of requests to abort.
 */
function abortHeaders(status: number, percent: number, grpc: boolean): Record<string, string> {
  return grpc
    ? { 'x-envoy-fault-abort-grpc-request': String(grpcStatusOfHttp(status)), 'x-envoy-fault-abort-request-percentage': String(percent) }
    : { 'x-envoy-fault-abort-request': String(status), 'x-envoy-fault-abort-request-percentage': String(percent) };
}

/** Whether a threshold key reads a service's or an edge's traffic (or a gauge of one), which a run from outside the mesh cannot see. */
function insideTheMesh(key: string): boolean {
  const selector = parseMetricSelector(key);
  return selector.tags.service !== undefined || selector.tags.edge !== undefined || selector.metric === 'utilization' || selector.metric === 'amplification';
}
