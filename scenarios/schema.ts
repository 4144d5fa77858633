/**
 * The scenario format, written once: the TypeScript types (`Scenario`) and the published
 * JSON Schema (`scenarios/schema.json`, see `write-schema.ts`) are both derived from it.
 * Field names follow Istio and k6 (camelCase). Durations and rates carry units; they are
 * normalised here to milliseconds and to events per millisecond.
 */
import { z } from 'zod';
import { RETRY_AFTER_MAX_MS } from '../proxy-core/routing/router.js';
import {
  MAX_CLASSES,
  MAX_CONCURRENCY,
  MAX_QUEUE,
  MAX_REPLICAS,
  MAX_SEED,
  MAX_SLOWDOWN_FACTOR,
  MAX_VUS,
  MAX_WEIGHT,
  MIN_RESOLUTION_MS,
} from './limits.js';
import { Duration, duration, Name, Probability, Rate, withBound } from './schema-primitives.js';
import { formatDuration } from './units.js';
import { FuzzSection } from './fuzz-schema.js';
import { Mesh } from './mesh-schema.js';
import { Security } from './security-schema.js';

export { Duration, Name, Probability, Rate };

/** A latency distribution. A bare duration means a constant. */
export const Distribution = z.union([
  Duration.transform((ms) => ({ type: 'constant' as const, value: ms })),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('constant'), value: Duration }),
    z.strictObject({ type: z.literal('uniform'), min: Duration, max: Duration }),
    z.strictObject({ type: z.literal('exponential'), mean: Duration }),
    z.strictObject({ type: z.literal('normal'), mean: Duration, stddev: Duration }),
    z.strictObject({ type: z.literal('lognormal'), median: Duration, p99: Duration }),
    z.strictObject({ type: z.literal('pareto'), scale: Duration, shape: z.number().gt(0) }),
    z.strictObject({
      type: z.literal('empirical'),
      percentiles: z
        .record(z.string().regex(/^p(100|[0-9]{1,2}(\.[0-9]+)?)$/, 'expected a percentile key like p50 or p99.9'), Duration)
        .meta({ description: 'Latency at given percentiles, e.g. {p50: 10ms, p99: 80ms}; interpolated linearly.' }),
    }),
  ]),
]);
/** A parsed distribution (durations in ms); a bare duration becomes a constant. */
export type Distribution = z.output<typeof Distribution>;

/** One downstream call of a request. */
export const Call = z.strictObject({
  to: Name.meta({ description: 'The called service.' }),
  optional: z.boolean().default(false).meta({ description: 'A failed optional call does not fail the request.' }),
  method: z.string().default('GET'),
  path: z.string().default('/'),
});
/** A parsed call. */
export type Call = z.output<typeof Call>;

/** A step of a request's work: one call, or calls made in parallel (fan-out, joined). */
export const CallStep = z.union([Call, z.strictObject({ parallel: z.array(Call).min(1) })]);
/** A parsed call step. */
export type CallStep = z.output<typeof CallStep>;

/** A service: replicas over zones, workers and a bounded queue per instance, its own work, its calls. */
export const Service = z.strictObject({
  replicas: z
    .number()
    .int()
    .min(1)
    .max(MAX_REPLICAS)
    .default(1)
    .meta({ description: withBound('Instances of the service.', MAX_REPLICAS) }),
  zones: z.array(Name).min(1).optional().meta({ description: 'Zones the replicas are spread over, round robin. Default: the first zone of `zones`, or "default".' }),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(MAX_CONCURRENCY)
    .default(16)
    .meta({ description: withBound('Workers per instance; a worker is held for the whole request, calls included.', MAX_CONCURRENCY) }),
  queue: z
    .number()
    .int()
    .min(0)
    .max(MAX_QUEUE)
    .default(128)
    .meta({ description: withBound('Requests waiting per instance; beyond it the instance answers 503 (overflow).', MAX_QUEUE) }),
  latency: Distribution.default({ type: 'constant', value: 0 }).meta({ description: 'Own work per request, before its calls.' }),
  errorRate: Probability.default(0).meta({ description: 'Fraction of requests answered 500 after own work.' }),
  calls: z.array(CallStep).default([]),
  namespace: Name.default('default').meta({ description: 'Kubernetes namespace, part of the SPIFFE identity.' }),
  serviceAccount: Name.optional().meta({ description: 'Service account, part of the SPIFFE identity (default: the service name).' }),
  trustDomain: z.string().optional().meta({ description: "The trust domain its certificates name (default: security.trustDomain)." }),
  deadlinePropagation: z.boolean().default(false).meta({ description: "Honour the caller's deadline (x-envoy-expected-rq-timeout-ms) and cancellation: drop work whose caller has given up, pass the remaining budget on to its own calls, and cancel the calls still in flight when it answers early." }),
  retryAfter: duration(
    {},
    `A Retry-After header on its own 5xx answers (errors and queue overflow), which callers honour as their backoff up to ${formatDuration(RETRY_AFTER_MAX_MS)} (beyond it they ignore the header).`,
  ).optional(),
  protocol: z
    .enum(['http1', 'http2', 'grpc'])
    .default('http1')
    .meta({
      description:
        'The protocol its instances serve in live mode: HTTP/1.1, HTTP/2 (h2c on loopback) or gRPC (a unary call; statuses map one to one onto HTTP, as Envoy maps them). The simulator ignores it: the model\'s timing is the same whatever the protocol; the protocol matters live.',
    }),
});
/** A parsed service, defaults filled. */
export type Service = z.output<typeof Service>;

/** Network latency, one way, per zone pair. */
export const Network = z.strictObject({
  sameZone: Distribution.default({ type: 'constant', value: 0 }),
  crossZone: Distribution.default({ type: 'constant', value: 0 }),
  between: z
    .array(z.strictObject({ zones: z.tuple([Name, Name]), latency: Distribution }))
    .default([])
    .meta({ description: 'Latency between two particular zones (both directions).' }),
});
/** Parsed network latency. */
export type Network = z.output<typeof Network>;

export { MeshPolicy } from './mesh-schema.js';

/** A request class: header values sent with a share of the load. */
export const RequestClass = z.strictObject({
  name: Name,
  weight: z.number().gt(0).max(MAX_WEIGHT).default(1).meta({ description: withBound('Share of the load, relative to the other classes.', MAX_WEIGHT) }),
  headers: z.record(z.string(), z.string()).default({}),
  token: Name.optional().meta({ description: 'A token of security.tokens sent as Authorization: Bearer.' }),
  method: z.string().default('GET'),
  path: z.string().default('/'),
});

const LoadCommon = {
  target: Name.meta({ description: 'The service the load calls.' }),
  startTime: Duration.default(0),
  gracefulStop: duration({}, 'How long requests in flight may finish after the load ends (k6 default 30s).').default(30_000),
  classes: z.array(RequestClass).max(MAX_CLASSES).default([]).meta({ description: withBound('Request classes, by weight.', MAX_CLASSES) }),
};

const MaxVus = z
  .number()
  .int()
  .min(1)
  .max(MAX_VUS)
  .optional()
  .meta({ description: withBound('Most requests in flight; arrivals beyond it are dropped (k6 dropped_iterations).', MAX_VUS) });

const ArrivalProcess = z.enum(['poisson', 'uniform']).default('poisson').meta({ description: 'Poisson (exponential gaps) or evenly spaced arrivals.' });

/** Load in k6's vocabulary (`options.scenarios.<name>`). */
export const Load = z.discriminatedUnion('executor', [
  z.strictObject({
    executor: z.literal('constant-arrival-rate'),
    rate: Rate,
    duration: Duration,
    arrivals: ArrivalProcess,
    maxVUs: MaxVus,
    ...LoadCommon,
  }),
  z.strictObject({
    executor: z.literal('ramping-arrival-rate'),
    startRate: Rate.default(0),
    stages: z.array(z.strictObject({ duration: Duration, target: Rate })).min(1),
    arrivals: ArrivalProcess,
    maxVUs: MaxVus,
    ...LoadCommon,
  }),
  z.strictObject({
    executor: z.literal('constant-vus'),
    vus: z.number().int().min(1).max(MAX_VUS).meta({ description: withBound('Virtual users, each sending its next request when the last one is answered.', MAX_VUS) }),
    duration: Duration,
    thinkTime: Distribution.default({ type: 'constant', value: 0 }).meta({ description: 'Pause between a response and the next request of a VU.' }),
    ...LoadCommon,
  }),
]);
/** A parsed load (durations in ms, rates per ms). */
export type Load = z.output<typeof Load>;

const FaultTarget = {
  service: Name.optional(),
  instance: z.number().int().min(0).max(MAX_REPLICAS - 1).optional().meta({ description: 'Instance index of `service`.' }),
  zone: Name.optional(),
  edge: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*->[A-Za-z][A-Za-z0-9_.-]*$/, 'expected an edge like checkout->payments').optional(),
};
const FaultWhen = { at: Duration, for: Duration };

/** A fault on a schedule, against a service, an instance, a zone or an edge. */
export const Fault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('latency'), delay: Duration, jitter: Duration.default(0), ...FaultWhen, ...FaultTarget }),
  z.strictObject({
    kind: z.literal('abort'),
    status: z.number().int().min(400).max(599).default(503),
    percent: z.number().min(0).max(100).default(100),
    ...FaultWhen,
    ...FaultTarget,
  }),
  z.strictObject({ kind: z.literal('crash'), ...FaultWhen, ...FaultTarget }),
  z.strictObject({ kind: z.literal('partition'), ...FaultWhen, ...FaultTarget }),
  z.strictObject({
    kind: z.literal('slowdown'),
    factor: z.number().gt(0).max(MAX_SLOWDOWN_FACTOR).meta({ description: withBound('Own work takes this many times as long.', MAX_SLOWDOWN_FACTOR) }),
    ...FaultWhen,
    ...FaultTarget,
  }),
  z.strictObject({ kind: z.literal('blackhole'), ...FaultWhen, ...FaultTarget }),
  z.strictObject({ kind: z.literal('ca-outage'), ...FaultWhen }).meta({ description: 'The CA issues no certificates: workloads keep their current ones, which may expire.' }),
]);
/** A parsed fault (times in ms). */
export type Fault = z.output<typeof Fault>;
/** A fault aimed at a service, an instance, a zone or an edge (every kind but `ca-outage`). */
export type TargetedFault = Exclude<Fault, { kind: 'ca-outage' }>;

/** Whether a fault has a target (service, instance, zone or edge). */
export function isTargeted(fault: Fault): fault is TargetedFault {
  return fault.kind !== 'ca-outage';
}

/**
 * One threshold, as k6 writes it: an expression (`p(99)<500`), or the object form whose
 * `abortOnFail` makes it a stop condition — evaluated while the run goes (after
 * `delayAbortEval`), it ends the run and removes its faults the moment it fails.
 */
const ThresholdEntry = z.union([
  z.string(),
  z.strictObject({
    threshold: z.string().meta({ description: "k6's expression, e.g. p(99)<500 or rate>0.99." }),
    abortOnFail: z.boolean().default(false).meta({ description: 'Stop the run (and remove its faults) as soon as this threshold fails while it runs.' }),
    delayAbortEval: Duration.default(0).meta({ description: 'How long into the run before the stop condition is evaluated, so that it has data.' }),
  }),
]);

/** The whole scenario file. */
export const ScenarioSchema = z.strictObject({
  version: z.literal(1).meta({ description: 'Format version; 1.' }),
  name: z.string().min(1),
  description: z.string().default(''),
  seed: z.number().int().min(0).max(MAX_SEED).default(1),
  zones: z.array(Name).min(1).default(['default']),
  network: Network.default({ sameZone: { type: 'constant', value: 0 }, crossZone: { type: 'constant', value: 0 }, between: [] }),
  services: z.record(Name, Service),
  mesh: Mesh.default({ policies: [] }),
  security: Security.default(Security.parse({})),
  load: z.record(Name, Load),
  faults: z.array(Fault).default([]),
  thresholds: z.record(z.string(), z.array(ThresholdEntry).min(1)).default({}),
  report: z
    .strictObject({ resolution: duration({ min: MIN_RESOLUTION_MS }, 'Width of the time-series buckets of the report.').default(1000) })
    .default({ resolution: 1000 }),
  fuzz: FuzzSection.optional().meta({ description: 'What `faultline fuzz` may vary, and within which bounds; `run` ignores it.' }),
});

/** A parsed, validated and normalised scenario (durations in ms, rates per ms). */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A scenario as written in a file. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
