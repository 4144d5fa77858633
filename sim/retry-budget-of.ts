import { AdaptiveThrottle } from '../proxy-core/budgets/adaptive-throttle.js';
import type { Clock } from '../proxy-core/clock/clock.js';
import { EnvoyRetryBudget } from '../proxy-core/budgets/envoy-retry-budget.js';
import { GrpcRetryThrottle } from '../proxy-core/budgets/grpc-retry-throttle.js';
import { LinkerdRetryBudget } from '../proxy-core/budgets/linkerd-retry-budget.js';
import type { RetryBudget } from '../proxy-core/budgets/retry-budget.js';
import type { Rng } from '../proxy-core/clock/rng.js';
import type { RetryBudget as RetryBudgetSpec } from '../scenarios/mesh-schema.js';

/** The proxy-core budget a scenario's `retryBudget` block names. */
export function createRetryBudget(spec: RetryBudgetSpec, clock: Clock, rng: Rng): RetryBudget {
  switch (spec.type) {
    case 'envoy':
      return new EnvoyRetryBudget({ budgetPercent: spec.percent, minRetryConcurrency: spec.minRetryConcurrency });
    case 'linkerd':
      return new LinkerdRetryBudget(clock, { retryRatio: spec.retryRatio, minRetriesPerSecond: spec.minRetriesPerSecond, ttlMs: spec.ttl });
    case 'grpc':
      return new GrpcRetryThrottle({ maxTokens: spec.maxTokens, tokenRatio: spec.tokenRatio });
    case 'adaptive':
      return new AdaptiveThrottle(clock, rng, { k: spec.k, windowMs: spec.window, maxRetryRatio: spec.maxRetryRatio });
  }
}
