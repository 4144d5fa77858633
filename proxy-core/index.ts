/**
 * The resilience core: every mesh policy, as pure state machines over an injected Clock and
 * Rng. The same code runs in the simulator and in live mode. `router.ts` documents the order
 * in which a call meets them.
 */
export * from './clock/clock.js';
export * from './clock/real-clock.js';
export * from './clock/rng.js';
export * from './call/dispatch.js';
export * from './call/failure-cause.js';
export * from './health/policy-event.js';
// The router and what it composes
export * from './routing/routed-call.js';
export * from './call/upstream.js';
export * from './routing/router.js';
// Retries
export * from './routing/backoff.js';
export * from './routing/retry-on.js';
export * from './budgets/retry-budget.js';
export * from './budgets/envoy-retry-budget.js';
export * from './budgets/linkerd-retry-budget.js';
export * from './budgets/grpc-retry-throttle.js';
export * from './budgets/adaptive-throttle.js';
// Circuit breaking and outlier detection
export * from './health/resource-limits.js';
export * from './health/failure-accrual.js';
export * from './health/sliding-window-breaker.js';
export * from './health/outlier-detection.js';
// Rate limits, concurrency, faults
export * from './limits/token-bucket.js';
export * from './limits/rate-limit.js';
export * from './limits/bulkhead.js';
export * from './routing/fault-filter.js';
// Load balancing
export * from './balancing/host-set.js';
export * from './balancing/load-balancer.js';
export * from './balancing/locality-priority.js';
export * from './balancing/round-robin.js';
export * from './balancing/random-balancer.js';
export * from './balancing/least-request.js';
export * from './balancing/peak-ewma.js';
export * from './routing/traffic-split.js';
// Identity, mTLS and authorization
export * from './identity/spiffe-id.js';
export * from './identity/certificate-authority.js';
export * from './identity/workload-identity.js';
export * from './identity/mtls-handshake.js';
export * from './identity/peer-authentication.js';
export * from './identity/authorization-policy.js';
export * from './identity/request-authentication.js';
