/**
 * The limits of the scenario format that are faultline's own: how much input it reads, and
 * the largest values the simulator's models take. Each is far beyond any real scenario;
 * they exist so that a hostile or mistyped file is refused with a message instead of
 * exhausting memory or time. The bounds the resilience core enforces (certificate TTL,
 * retry-budget ranges, Envoy's uint32 fields…) are not restated here: the schema imports
 * them from `proxy-core/`.
 */

/** Largest scenario file read, in bytes (10 MiB; the shipped scenarios are a few KiB). */
export const MAX_SCENARIO_BYTES = 10 * 1024 * 1024;

/** Deepest nesting of mappings and lists in a file (the format itself needs about 10). */
export const MAX_NESTING_DEPTH = 64;

/** Most YAML aliases (`*name`) in a file: the yaml package resolves each by a scan of the document. */
export const MAX_ALIASES = 100;

/** Most issues printed for one file; the rest are counted. */
export const MAX_REPORTED_ISSUES = 20;

/** Most digits before the decimal point of a duration's or a rate's number. */
export const MAX_INTEGER_DIGITS = 15;

/** Most digits after the decimal point of a duration's or a rate's number. */
export const MAX_FRACTION_DIGITS = 9;

/** Longest duration, ms: 365 days (8760h). */
export const MAX_DURATION_MS = 365 * 24 * 3_600_000;

/** Highest rate, per ms: 1,000,000,000 requests a second (how long a run can keep it up is a matter of its cost, not of the format). */
export const MAX_RATE_PER_MS = 1_000_000;

/** Most replicas of a service: each calling instance keeps a connection table over the callee's instances. */
export const MAX_REPLICAS = 1_000;

/** Most workers per instance. */
export const MAX_CONCURRENCY = 100_000;

/** Longest queue per instance. */
export const MAX_QUEUE = 1_000_000;

/** Most virtual users of a load (and `maxVUs`): each is a pending event from the start (how many a run can hold is a matter of its cost). */
export const MAX_VUS = 100_000_000;

/** Most request classes per load: each keeps its own metrics and time series. */
export const MAX_CLASSES = 1_000;

/** Largest weight of a request class or a traffic-split destination. */
export const MAX_WEIGHT = 1_000_000;

/** Largest factor a policy multiplies by: a backoff multiplier, a request bias, an overprovisioning factor, adaptive throttling's K. */
export const MAX_FACTOR = 1_000_000;

/** Most retries of one call (Istio's default is 2). */
export const MAX_RETRY_ATTEMPTS = 100;

/** Largest circuit-breaker window, calls or seconds: it is kept in memory per calling instance. */
export const MAX_SLIDING_WINDOW_SIZE = 10_000;

/** Most hosts a least-request balancer compares per pick (Envoy's default is 2). */
export const MAX_CHOICE_COUNT = 100;

/** Largest factor of a slowdown fault. */
export const MAX_SLOWDOWN_FACTOR = 10_000;

/** Finest report resolution, ms. */
export const MIN_RESOLUTION_MS = 1;

/** Most time series in a report: one for the load's entry, one per request class, service and edge. */
export const MAX_REPORT_SERIES = 10_000;

/** Largest seed: the largest integer a double holds exactly (2^53 − 1), so a seed survives JSON. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Most faults one fuzz run may draw (`fuzz.faults.count.max`): each is a rule checked on every message while active. */
export const MAX_FUZZ_FAULTS = 20;

/** Most policy parameters one fuzz campaign may vary. */
export const MAX_FUZZ_PARAMETERS = 50;
