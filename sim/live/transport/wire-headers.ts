/**
 * The headers live mode puts on the wire. Envoy's own where Envoy has one, so a capture of
 * faultline's traffic reads like a mesh's; `x-faultline-*` only where no mesh header says it.
 */

/** Envoy: a request's id, kept across the hops of one request. */
export const REQUEST_ID = 'x-request-id';
/** Envoy: the attempt number, 1 for the first (`include_attempt_count_in_request`). */
export const ATTEMPT_COUNT = 'x-envoy-attempt-count';
/** Envoy: the time the caller will wait for this attempt, in ms. */
export const EXPECTED_TIMEOUT = 'x-envoy-expected-rq-timeout-ms';
/** Envoy: set on a 503 local reply when a pool or queue overflowed. */
export const OVERLOADED = 'x-envoy-overloaded';
/** Envoy: the calling service's cluster name (`--service-cluster`), read by rate limits keyed on the source. */
export const DOWNSTREAM_SERVICE = 'x-envoy-downstream-service-cluster';
/** RFC 9110 §10.2.3. */
export const RETRY_AFTER = 'retry-after';
/**
 * The callee sidecar's local reply says why it answered (a report cause: `overflow`,
 * `rate-limited`, `authz-denied`, `authn-failed`, `timeout`): Envoy puts this in its access
 * log's response flags, which a caller cannot read, so faultline carries it in a header.
 */
export const LOCAL_REPLY_CAUSE = 'x-faultline-cause';
/** The finer stable code of a local reply's failure (`FL_AUTHZ_DENY_MATCHED`…). */
export const LOCAL_REPLY_DETAIL = 'x-faultline-detail';
/** The load's request class index, carried down the call tree for the report's per-class view. */
export const REQUEST_CLASS = 'x-faultline-class';
/**
 * Marks the requests that open a sidecar's connections before the run (see
 * `HttpUpstream.preconnect`): the callee's sidecar answers 204 at once, before its chain and
 * its counters, as Envoy answers its own admin paths.
 */
export const PRECONNECT = 'x-faultline-preconnect';
