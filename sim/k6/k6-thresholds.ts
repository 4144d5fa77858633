/**
 * The scenario's thresholds in k6's terms, for the traffic k6 itself sends and sees: latency
 * as `http_req_duration` (`grpc_req_duration` for gRPC loads), success and errors as
 * `http_req_failed` (a success rate > x is a failure rate < 1 − x; for gRPC, the rate of the
 * `grpc_ok` check), requests as `http_reqs`, `dropped_iterations` as itself. The scope tags
 * become k6 tag filters: `class` and `entry_service` (tags every request carries), an edge from a
 * load into the mesh as `scenario:<its k6 scenario>`. What happens inside the mesh (a
 * service others call, an edge between services, failure causes, utilization,
 * amplification, recovery time) k6 cannot see: those thresholds are left out and listed, for
 * faultline's report checks them. A threshold marked `abortOnFail` keeps k6's object form,
 * with its `delayAbortEval`.
 */
import { callEdges } from '../../scenarios/checks/call-graph.js';
import type { Scenario } from '../../scenarios/schema.js';
import { thresholdExpression } from '../../scenarios/threshold-entries.js';
import type { ThresholdEntry } from '../../scenarios/threshold-entries.js';
import { parseMetricSelector, parseThresholdExpression } from '../../reports/thresholds.js';
import type { MetricName, MetricSelector, ParsedThreshold } from '../../reports/thresholds.js';
import { k6Duration } from './k6-duration.js';
import type { K6Names } from './k6-names.js';
import { protocolOf } from './k6-protocol.js';
import type { K6Protocol } from './k6-protocol.js';
import { CLASS_TAG, ENTRY_SERVICE_TAG } from './k6-request-classes.js';

/** The name of the check a gRPC load's script makes on every response (status OK). */
export const GRPC_OK_CHECK = 'grpc_ok';

/** A k6 threshold: its expression, or k6's object form for one that aborts the run when it fails. */
export type K6Threshold = string | { threshold: string; abortOnFail: true; delayAbortEval?: string };

/** A threshold of the scenario that the script leaves to faultline, and why. */
export interface OmittedThreshold {
  key: string;
  /** The expressions, `(abortOnFail)` after those marked so. */
  expressions: readonly string[];
  reason: string;
}

/** The thresholds of `options.thresholds`, what was left out, and where k6 only approximates. */
export interface K6Thresholds {
  /** k6 metric with tag filter (`http_req_duration{class:gold}`) → thresholds (`p(99)<250`). */
  thresholds: Record<string, K6Threshold[]>;
  omitted: OmittedThreshold[];
  notes: string[];
}

/** An entry of a scenario threshold, parsed: the expression, and when it aborts the run, after how long (ms). */
interface Entry {
  threshold: ParsedThreshold;
  abortAfterMs?: number;
}

/** The k6 form of every threshold of `scenario` that k6 can check. */
export function k6ThresholdsOf(scenario: Scenario, names: K6Names): K6Thresholds {
  const out: K6Thresholds = { thresholds: {}, omitted: [], notes: [] };
  const scopes = new ScopeResolver(scenario, names);
  for (const [key, entries] of Object.entries(scenario.thresholds)) {
    const selector = parseMetricSelector(key);
    const parsed = entries.map((e): Entry => ({ threshold: parseThresholdExpression(thresholdExpression(e), selector.metric), ...abortOf(e) }));
    const result = translate(selector, parsed, scopes);
    if ('reason' in result) {
      out.omitted.push({ key, expressions: entries.map((e) => `${thresholdExpression(e)}${abortOf(e).abortAfterMs === undefined ? '' : ' (abortOnFail)'}`), reason: result.reason });
      continue;
    }
    for (const [k6Key, k6Thresholds] of result.entries) {
      const list = (out.thresholds[k6Key] ??= []);
      for (const threshold of k6Thresholds) if (!list.some((t) => JSON.stringify(t) === JSON.stringify(threshold))) list.push(threshold);
    }
    if (result.note) out.notes.push(`${key}: ${result.note}`);
  }
  return out;
}

/** When an entry aborts the run (`abortOnFail`), after how long. */
function abortOf(entry: ThresholdEntry): { abortAfterMs?: number } {
  return typeof entry !== 'string' && entry.abortOnFail ? { abortAfterMs: entry.delayAbortEval } : {};
}

type Translation = { entries: [string, K6Threshold[]][]; note?: string } | { reason: string };

function translate(selector: MetricSelector, parsed: readonly Entry[], scopes: ScopeResolver): Translation {
  const inside = insideTheMesh(selector.metric);
  if (inside) return { reason: inside };
  if (selector.tags.cause !== undefined) return { reason: 'k6 does not tell failures apart by cause' };
  if (selector.metric === 'dropped_iterations') return { entries: [['dropped_iterations', parsed.map((e) => k6Threshold(e, false))]] };
  const scope = scopes.resolve(selector.tags);
  if ('reason' in scope) return scope;
  if (selector.metric === 'requests' && scope.protocols.has('grpc')) return { reason: 'k6 counts no gRPC requests (it has no grpc_reqs metric)' };
  const entries = [...scope.protocols].map((protocol): [string, K6Threshold[]] => {
    const { metric, filter, complement } = k6Metric(selector.metric, protocol);
    return [withTags(metric, [...filter, ...scope.filter]), parsed.map((e) => k6Threshold(e, complement))];
  });
  const note = scope.protocols.size > 1 ? 'over HTTP and gRPC loads together in faultline; k6 checks the HTTP and the gRPC metric each on its own' : undefined;
  return { entries, note };
}

/** Why a metric measured inside the mesh is left out, or undefined for one of the load's own. */
function insideTheMesh(metric: MetricName): string | undefined {
  switch (metric) {
    case 'utilization':
      return "services' workers are inside the mesh, where k6 does not see";
    case 'amplification':
      return 'retries happen inside the mesh, where k6 does not see';
    case 'recovery_time':
      return "k6 does not know when faultline's faults end";
    default:
      return undefined;
  }
}

/** The k6 metric for a faultline metric over one protocol's loads; `complement` when the rate is the other side's. */
function k6Metric(metric: MetricName, protocol: K6Protocol): { metric: string; filter: string[]; complement: boolean } {
  const grpc = protocol === 'grpc';
  switch (metric) {
    case 'latency':
      return { metric: grpc ? 'grpc_req_duration' : 'http_req_duration', filter: [], complement: false };
    case 'success':
      return grpc ? { metric: 'checks', filter: [`check:${GRPC_OK_CHECK}`], complement: false } : { metric: 'http_req_failed', filter: [], complement: true };
    case 'errors':
      return grpc ? { metric: 'checks', filter: [`check:${GRPC_OK_CHECK}`], complement: true } : { metric: 'http_req_failed', filter: [], complement: false };
    default:
      return { metric: 'http_reqs', filter: [], complement: false };
  }
}

/** `metric{a:b,c:d}`, k6's sub-metric syntax; the bare metric without tags. */
function withTags(metric: string, tags: readonly string[]): string {
  return tags.length === 0 ? metric : `${metric}{${tags.join(',')}}`;
}

/** An entry as k6 reads it, on the other side of the rate when `complement`; the object form when it aborts the run. */
function k6Threshold(entry: Entry, complement: boolean): K6Threshold {
  const threshold = format(complement ? complemented(entry.threshold) : entry.threshold);
  if (entry.abortAfterMs === undefined) return threshold;
  return entry.abortAfterMs > 0 ? { threshold, abortOnFail: true, delayAbortEval: k6Duration(entry.abortAfterMs) } : { threshold, abortOnFail: true };
}

/** An expression as k6 reads it: `p(99)<1200`, `rate>0.99`, `count>=100` (latency in ms, units resolved). */
function format(threshold: ParsedThreshold): string {
  const aggregation = threshold.aggregation === 'p' ? `p(${threshold.percentile})` : threshold.aggregation;
  return `${aggregation}${threshold.operator}${String(threshold.value)}`;
}

const FLIPPED: Record<ParsedThreshold['operator'], ParsedThreshold['operator']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '===': '===', '!=': '!=' };

/** A rate threshold on the other side: success `rate>0.99` is failure `rate<0.01`. */
function complemented(threshold: ParsedThreshold): ParsedThreshold {
  return { ...threshold, operator: FLIPPED[threshold.operator], value: oneMinus(threshold.value) };
}

/** 1 − `value`, exact in decimal for a value written with a point (1 − 0.99 is 0.01, not 0.010000000000000009). */
export function oneMinus(value: number): number {
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return Number((1 - value).toPrecision(15));
  const [, sign, whole, fraction = ''] = match;
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(`${sign}${whole}${fraction}`);
  const result = scale - scaled;
  const negative = result < 0n;
  const digits = (negative ? -result : result).toString().padStart(fraction.length + 1, '0');
  const point = digits.length - fraction.length;
  return Number(`${negative ? '-' : ''}${digits.slice(0, point)}${fraction.length > 0 ? `.${digits.slice(point)}` : ''}`);
}

/** The protocols of the loads a threshold's scope selects, and the k6 tag filter that selects the same requests. */
interface Scope {
  protocols: Set<K6Protocol>;
  filter: string[];
}

/** Resolves a threshold's scope tag (`class`, `service`, `edge`, or none: every load) into a {@link Scope}, or why k6 cannot see it. */
class ScopeResolver {
  private readonly internal: ReadonlySet<string>;

  constructor(
    private readonly scenario: Scenario,
    private readonly names: K6Names,
  ) {
    const splits = scenario.mesh.policies.flatMap((policy) => (policy.split ?? []).map((destination) => destination.service));
    this.internal = new Set([...callEdges(scenario).map((edge) => edge.to), ...splits]);
  }

  resolve(tags: Record<string, string>): Scope | { reason: string } {
    const loads = Object.entries(this.scenario.load);
    if (tags.class !== undefined) return this.scoped(loads.filter(([, l]) => l.classes.some((c) => c.name === tags.class)).map(([n]) => n), [`${CLASS_TAG}:${tags.class}`]);
    if (tags.service !== undefined) {
      const service = tags.service;
      if (this.internal.has(service)) return { reason: `${service} is called inside the mesh too, where k6 does not see` };
      const entering = loads.filter(([, l]) => l.target === service).map(([n]) => n);
      if (entering.length === 0) return { reason: `no load sends requests to ${service}` };
      return this.scoped(entering, [`${ENTRY_SERVICE_TAG}:${service}`]);
    }
    if (tags.edge !== undefined) {
      const [from, to] = tags.edge.split('->');
      const load = Object.hasOwn(this.scenario.load, from) ? this.scenario.load[from] : undefined;
      if (load === undefined || load.target !== to) return { reason: 'an edge inside the mesh, where k6 does not see' };
      return this.scoped([from], [`scenario:${this.names.scenario.get(from)}`]);
    }
    return this.scoped(loads.map(([n]) => n), []);
  }

  private scoped(loads: readonly string[], filter: string[]): Scope {
    return { protocols: new Set(loads.map((name) => protocolOf(this.scenario, name))), filter };
  }
}
