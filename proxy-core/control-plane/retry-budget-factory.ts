import { AdaptiveThrottle } from '../budgets/adaptive-throttle.js';
import { EnvoyRetryBudget } from '../budgets/envoy-retry-budget.js';
import { GrpcRetryThrottle } from '../budgets/grpc-retry-throttle.js';
import { LinkerdRetryBudget } from '../budgets/linkerd-retry-budget.js';
import type { RetryBudget } from '../budgets/retry-budget.js';
import type { Clock } from '../clock/clock.js';
import type { Rng } from '../clock/rng.js';
import type { RetryBudgetSpec } from './mesh-rule.js';

/** The budget a `retryBudget` block names. */
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
