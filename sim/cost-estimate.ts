/**
 * What a scenario will cost to simulate, estimated from the file before anything runs, and
 * the limits past which a run is refused (exit 2) rather than left to hang a CI job or to
 * exhaust the heap. The estimate is deliberately coarse and errs large: it counts what the
 * load will send, what each request makes the mesh do (calls, attempts with retries), and
 * what the report keeps (time series points); each figure is a multiple of the work the
 * engine really does, and the limits are set well inside what a run can afford.
 */
import type { Scenario, Service } from '../scenarios/schema.js';
import { distributionMean } from './distributions.js';
import { loadEndMs } from './planned-end.js';

/** Most events a run may be expected to fire: about 10 minutes at 2M events/s, the simulator's speed on a slow 2-core machine. */
export const MAX_ESTIMATED_EVENTS = 1e9;
/** Most bytes a run may be expected to hold: well inside Node's default heap (about 4 GB on 64-bit machines). */
export const MAX_ESTIMATED_BYTES = 1.5 * 2 ** 30;
/** Most events pending at once: the event queue holds at most 2^24. */
export const MAX_PENDING_EVENTS = 2 ** 22;

/** Events the engine fires per call between services (send, arrive, work, answer), a little rounded up. */
const EVENTS_PER_CALL = 4;
/** Bytes an instance, a router and a pending event take, measured in round figures. */
const BYTES_PER_INSTANCE = 600;
const BYTES_PER_ROUTER_HOST = 64;
const BYTES_PER_PENDING_EVENT = 300;
/** A time series keeps six numbers per interval; an observer (entry, class, service, edge) has one. */
const BYTES_PER_SERIES_POINT = 6 * 8;

/** The estimate and how it was reached, for the message. */
export interface CostEstimate {
  /** Requests the load will send, by load name. */
  readonly requestsByLoad: Readonly<Record<string, number>>;
  /** Calls one request makes through the mesh at most (its target's call graph, retries included). */
  readonly callsPerRequest: Readonly<Record<string, number>>;
  readonly events: number;
  readonly pendingEvents: number;
  readonly bytes: number;
  /** Points of the report's time series (observers × intervals). */
  readonly seriesPoints: number;
}

/** A scenario too large to run here (exit code 2): what is too big, and what to change. */
export class ScenarioTooLargeError extends Error {
  readonly code = 'FL_SCENARIO_TOO_LARGE';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: the scenario is too large to run here:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Estimates what running `scenario` costs. Never throws; an impossible figure is Infinity. */
export function estimateCost(scenario: Scenario): CostEstimate {
  const requestsByLoad: Record<string, number> = {};
  const callsPerRequest: Record<string, number> = {};
  const calls = new CallCounter(scenario);
  let events = 0;
  let pendingEvents = 0;
  for (const [name, load] of Object.entries(scenario.load)) {
    const requests = requestsOf(scenario, load);
    requestsByLoad[name] = requests;
    callsPerRequest[name] = calls.perRequest(name, load.target);
    events += requests * (1 + callsPerRequest[name] * EVENTS_PER_CALL);
    if (load.executor === 'constant-vus') pendingEvents += load.vus;
  }
  const instances = Object.values(scenario.services).reduce((n, s) => n + s.replicas, 0);
  const runMs = Math.max(...Object.values(scenario.load).map((l) => loadEndMs(l) + l.gracefulStop), 0);
  const observers = 1 + Object.keys(scenario.services).length * 2 + Object.keys(scenario.load).length + classCount(scenario);
  const seriesPoints = observers * Math.ceil(runMs / scenario.report.resolution);
  const bytes = instances * BYTES_PER_INSTANCE + routerHosts(scenario) * BYTES_PER_ROUTER_HOST + pendingEvents * BYTES_PER_PENDING_EVENT + seriesPoints * BYTES_PER_SERIES_POINT;
  return { requestsByLoad, callsPerRequest, events, pendingEvents, bytes, seriesPoints };
}

/**
 * Why a run of `scenario` with estimate `cost` is refused: one sentence per limit passed,
 * each saying what is too big and what to change; empty when it may run. `allowLarge` lifts
 * the time limit (the events), never the memory ones.
 */
export function costProblems(scenario: Scenario, cost: CostEstimate, allowLarge: boolean): string[] {
  const problems: string[] = [];
  if (!allowLarge && !(cost.events <= MAX_ESTIMATED_EVENTS)) {
    const loads = Object.entries(cost.requestsByLoad)
      .map(([name, n]) => `load '${name}' sends ${fmt(n)} requests of up to ${fmt(cost.callsPerRequest[name])} calls each`)
      .join('; ');
    problems.push(
      `about ${fmt(cost.events)} events to simulate (${loads}); the limit is ${fmt(MAX_ESTIMATED_EVENTS)} (about 10 minutes here). ` +
        `Lower a load's rate, vus or duration, or pass --allow-large to run it anyway.`,
    );
  }
  if (!(cost.pendingEvents <= MAX_PENDING_EVENTS)) {
    problems.push(`${fmt(cost.pendingEvents)} virtual users at once; the limit is ${fmt(MAX_PENDING_EVENTS)}. Lower 'vus'.`);
  }
  if (!(cost.bytes <= MAX_ESTIMATED_BYTES)) {
    const series = cost.seriesPoints * BYTES_PER_SERIES_POINT;
    const hint =
      series > cost.bytes / 2
        ? `most of it is the report's time series (${fmt(cost.seriesPoints)} points at report.resolution ${scenario.report.resolution} ms): raise report.resolution or shorten the run`
        : 'lower the replicas';
    problems.push(`about ${fmtBytes(cost.bytes)} of memory; the limit is ${fmtBytes(MAX_ESTIMATED_BYTES)}: ${hint}.`);
  }
  return problems;
}

/** The estimate in a few words: `about 3.60M requests, 1.15e8 events`. */
export function describeCost(cost: CostEstimate): string {
  const requests = Object.values(cost.requestsByLoad).reduce((a, b) => a + b, 0);
  return `about ${fmt(requests)} requests, ${fmt(cost.events)} events`;
}

/** Requests a load sends: rate × duration for open loads, VUs × duration ÷ (think time + the target's own work) for closed ones. */
function requestsOf(scenario: Scenario, load: Scenario['load'][string]): number {
  switch (load.executor) {
    case 'constant-arrival-rate':
      return load.rate * load.duration;
    case 'ramping-arrival-rate': {
      let rate = load.startRate;
      let area = 0;
      for (const stage of load.stages) {
        area += ((rate + stage.target) / 2) * stage.duration;
        rate = stage.target;
      }
      return area;
    }
    case 'constant-vus': {
      const cycleMs = distributionMean(load.thinkTime) + ownWorkMs(scenario.services[load.target]);
      return cycleMs > 0 ? (load.vus * load.duration) / cycleMs : Infinity;
    }
  }
}

function ownWorkMs(service: Service | undefined): number {
  return service === undefined ? 0 : distributionMean(service.latency);
}

/** Requests' calls through the call graph (retries counted at their most), memoized per service. */
class CallCounter {
  private readonly memo = new Map<string, number>();
  constructor(private readonly scenario: Scenario) {}

  /** Calls one request from load `from` to `service` causes, itself included. */
  perRequest(from: string, service: string): number {
    return this.attemptsOn(from, service) * this.reached(service);
  }

  /** Calls a request already at `service` makes below it, itself included (iterative: the graph may be deep). */
  private reached(root: string): number {
    const order = this.postOrder(root);
    for (const name of order) {
      const spec = this.scenario.services[name];
      let total = 1;
      for (const step of spec?.calls ?? []) {
        for (const call of 'parallel' in step ? step.parallel : [step]) total += this.attemptsOn(name, call.to) * (this.memo.get(call.to) ?? 1);
      }
      this.memo.set(name, Math.min(total, Number.MAX_VALUE));
    }
    return this.memo.get(root) ?? 1;
  }

  /** Services below `root` in post-order (callees first), without recursion. */
  private postOrder(root: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const stack: [string, boolean][] = [[root, false]];
    while (stack.length > 0) {
      const [name, expanded] = stack.pop()!;
      if (expanded) {
        out.push(name);
        continue;
      }
      if (seen.has(name) || this.memo.has(name)) continue;
      seen.add(name);
      stack.push([name, true]);
      for (const step of this.scenario.services[name]?.calls ?? []) {
        for (const call of 'parallel' in step ? step.parallel : [step]) stack.push([call.to, false]);
      }
    }
    return out;
  }

  /** Attempts a call from `from` to `to` may make: 1 plus the most retries or hedges any mesh rule gives it. */
  private attemptsOn(from: string, to: string): number {
    let most = 1;
    for (const rule of this.scenario.mesh.policies) {
      if ((rule.from !== '*' && rule.from !== from) || (rule.to !== '*' && rule.to !== to)) continue;
      most = Math.max(most, 1 + (rule.retries?.attempts ?? 0), rule.hedging?.maxAttempts ?? 1);
    }
    return most;
  }
}

/** Hosts the routers track: each calling instance of an edge keeps one entry per callee instance. */
function routerHosts(scenario: Scenario): number {
  let total = 0;
  for (const [name, spec] of Object.entries(scenario.services)) {
    for (const step of spec.calls) {
      for (const call of 'parallel' in step ? step.parallel : [step]) total += spec.replicas * (scenario.services[call.to]?.replicas ?? 0);
    }
  }
  for (const load of Object.values(scenario.load)) total += scenario.services[load.target]?.replicas ?? 0;
  return total;
}

function classCount(scenario: Scenario): number {
  return Object.values(scenario.load).reduce((n, l) => n + l.classes.length, 0);
}

/** 2e9, 3.6M, 120k, 42. */
function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'infinitely many';
  if (n >= 1e9) return n.toExponential(2).replace('+', '');
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(Math.round(n));
}

function fmtBytes(n: number): string {
  return Number.isFinite(n) ? `${(n / 2 ** 30).toFixed(1)} GiB` : 'unbounded';
}
