/**
 * faultline's resilience core, the package's entry point (`import … from 'faultline'`):
 * every mesh policy as a pure state machine over an injected {@link Clock} and {@link Rng},
 * the router that composes them, the control plane that builds routers from mesh rules, and
 * the callee's inbound chain. The simulator and live mode run this same code.
 *
 * A transport (a live adapter) implements {@link Upstream} to carry attempts, extends
 * {@link RoutedCall} for its calls, and hands answers back through {@link AttemptHandler};
 * the router answers the caller through {@link CallHandler}. README.md, "The resilience
 * core", walks through it.
 */

// Time and randomness
export type { Clock, TimerHandle } from './clock/clock.js';
export type { Rng } from './clock/rng.js';
export { RealClock } from './clock/real-clock.js';

// The call contract: what a transport implements and what a caller receives
export type { CallRequest, CallHandler, Dispatch } from './call/dispatch.js';
export type { Upstream, UpstreamAttempt, AttemptHandler } from './call/upstream.js';
export { headerValue, NO_HEADERS, type Headers } from './call/headers.js';
export { FAILURE_CAUSES, outcomeOfStatus, type FailureCause, type Outcome } from './call/failure-cause.js';
export { GRPC_STATUS, NO_GRPC_STATUS, httpStatusOfGrpc, outcomeOfGrpcStatus } from './call/grpc-status.js';
export { parseRetryAfter } from './call/retry-after.js';
export {
  CallError,
  isCallError,
  callErrorOf,
  CallTimeoutError,
  UpstreamServerError,
  UpstreamClientError,
  UpstreamResetError,
  ConnectFailureError,
  OverflowError,
  BreakerOpenError,
  RateLimitedError,
  BudgetExhaustedError,
  NoHealthyHostError,
  AuthzDeniedError,
  AuthnFailedError,
  TlsHandshakeError,
  CallCancelledError,
} from './call/call-error.js';

// The router and what it composes
export { RoutedCall } from './routing/routed-call.js';
export { Router, RouterStats, RETRY_AFTER_MAX_MS, DEFAULT_RETRY_BUFFER_LIMIT_BYTES, type RouterPolicies } from './routing/router.js';
export { RetryOn, RETRY_ON_CONDITIONS, DEFAULT_ISTIO_RETRY_ON, type RetryCondition } from './routing/retry-on.js';
export {
  createBackoff,
  envoyBackoff,
  fullJitterBackoff,
  equalJitterBackoff,
  decorrelatedJitterBackoff,
  grpcBackoff,
  constantBackoff,
  type Backoff,
  type BackoffSpec,
} from './routing/backoff.js';
export { FaultFilter, type FaultFilterConfig } from './routing/fault-filter.js';
export { TrafficSplit } from './routing/traffic-split.js';

// The control plane: mesh rules in, routers out
export type * from './control-plane/mesh-rule.js';
export { resolveEdgePolicy, DEFAULT_ROUTE_TIMEOUT_MS } from './control-plane/edge-policy.js';
export { buildRouter, stopRouter, type RouterEnvironment, type BuiltRouter } from './control-plane/router-builder.js';
export { createRetryBudget } from './control-plane/retry-budget-factory.js';

// Retry budgets
export { AttemptResult, unlimitedBudget, type RetryBudget } from './budgets/retry-budget.js';
export { EnvoyRetryBudget, DEFAULT_ENVOY_RETRY_BUDGET } from './budgets/envoy-retry-budget.js';
export { LinkerdRetryBudget, DEFAULT_LINKERD_RETRY_BUDGET } from './budgets/linkerd-retry-budget.js';
export { GrpcRetryThrottle } from './budgets/grpc-retry-throttle.js';
export { AdaptiveThrottle, DEFAULT_ADAPTIVE_THROTTLE } from './budgets/adaptive-throttle.js';

// Health and breakers
export { OutlierDetector, DEFAULT_OUTLIER_DETECTION, type OutlierDetectionOptions } from './health/outlier-detection.js';
export { FailureAccrual, DEFAULT_FAILURE_ACCRUAL, type FailureAccrualOptions } from './health/failure-accrual.js';
export { SlidingWindowBreaker, DEFAULT_SLIDING_WINDOW, type SlidingWindowOptions, type BreakerState } from './health/sliding-window-breaker.js';
export { ResourceLimits, DEFAULT_RESOURCE_THRESHOLDS, type ResourceThresholdsOptions } from './health/resource-limits.js';
export { ignoreEvents, type PolicyEventKind, type PolicyEventSink } from './health/policy-event.js';

// Load balancing
export { HostSet, type HostSpec } from './balancing/host-set.js';
export { createLoadBalancer, type LoadBalancer, type LoadBalancerKind } from './balancing/load-balancer.js';

// Rate limits and concurrency
export { TokenBucket, type TokenBucketConfig } from './limits/token-bucket.js';
export { RateLimit, bucketForRate, RATE_LIMIT_UNIT_MS, DEFAULT_MAX_DYNAMIC_DESCRIPTORS, type RateLimitConfig } from './limits/rate-limit.js';
export { Bulkhead } from './limits/bulkhead.js';

// Identity, mTLS and authorization
export { parseSpiffeId, workloadId, principalOf, SpiffeIdError, isSpiffeIdError, type SpiffeId } from './identity/spiffe-id.js';
export { CertificateAuthority, type WorkloadCertificate } from './identity/certificate-authority.js';
export type { CertificateIssuer } from './identity/certificate-issuer.js';
export { trustBundleOf, type TrustBundle } from './identity/trust-bundle.js';
export { WorkloadIdentity, type WorkloadIdentityOptions, type WorkloadIdentityListener } from './identity/workload-identity.js';
export { MtlsHandshake, handshake, verifyCertificate, HANDSHAKE_FAILURE_CODES, type HandshakeResult, type HandshakeFailure } from './identity/mtls-handshake.js';
export { resolvePeerAuthMode, type PeerAuthMode, type PeerAuthentication } from './identity/peer-authentication.js';
export {
  Authorizer,
  AUTHZ_DENIED_STATUS,
  type AuthorizationPolicy,
  type RequestAttributes,
  type AuthzResult,
  type CustomAuthorizer,
} from './identity/authorization-policy.js';
export { RequestAuthenticator, REQUEST_AUTH_FAILURE_CODES, type JwtRule, type TokenClaims } from './identity/request-authentication.js';
export type { JwsHeader, JwtSignatureVerifier } from './identity/jwt-verifier.js';
export { signSimulatedJwt, simulatedKeySet, SIMULATED_JWS_ALG } from './identity/simulated-jws.js';

// The callee's side
export { InboundChain, rateLimitValue, AUTHZ_DENIAL_CODES, type InboundRequest, type InboundHandler, type InboundPolicy } from './inbound/inbound-chain.js';
export { peerIdentityOf, type PeerIdentity } from './inbound/peer-identity.js';
