/**
 * The resilience core: every mesh policy, as pure state machines over an injected Clock and
 * Rng. The same code runs in the simulator and in live mode. `router.ts` documents the order
 * in which a call meets them.
 */
export * from './clock.js';
export * from './rng.js';
export * from './dispatch.js';
export * from './failure-cause.js';
export * from './policy-event.js';
// The router and what it composes
export * from './routed-call.js';
export * from './upstream.js';
export * from './router.js';
// Retries
export * from './backoff.js';
export * from './retry-on.js';
export * from './retry-budget.js';
export * from './envoy-retry-budget.js';
export * from './linkerd-retry-budget.js';
export * from './grpc-retry-throttle.js';
export * from './adaptive-throttle.js';
// Circuit breaking and outlier detection
export * from './resource-limits.js';
export * from './failure-accrual.js';
export * from './sliding-window-breaker.js';
export * from './outlier-detection.js';
// Rate limits, concurrency, faults
export * from './token-bucket.js';
export * from './rate-limit.js';
export * from './bulkhead.js';
export * from './fault-filter.js';
// Load balancing
export * from './host-set.js';
export * from './load-balancer.js';
export * from './locality-priority.js';
export * from './round-robin.js';
export * from './random-balancer.js';
export * from './least-request.js';
export * from './peak-ewma.js';
export * from './traffic-split.js';
// Identity, mTLS and authorization
export * from './spiffe-id.js';
export * from './certificate-authority.js';
export * from './workload-identity.js';
export * from './mtls-handshake.js';
export * from './peer-authentication.js';
export * from './authorization-policy.js';
export * from './request-authentication.js';
