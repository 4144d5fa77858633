import type { Clock } from '../proxy-core/clock/clock.js';
import type { EdgePolicy } from '../proxy-core/control-plane/mesh-rule.js';
import type { PolicyEventKind } from '../proxy-core/health/policy-event.js';
import { RateLimit, RATE_LIMIT_UNIT_MS, bucketForRate } from '../proxy-core/limits/rate-limit.js';
import type { Router } from '../proxy-core/routing/router.js';
import type { EdgePolicyStats } from '../reports/report.js';

/**
 * The callee's rate limits on an edge's calls, from its policy: one shared by the callee's
 * instances, or one per instance (`scope: instance`); none without a `rateLimit`. The
 * simulator's edges and live mode's build them here.
 */
export class EdgeRateLimits {
  private readonly limits: RateLimit[];

  constructor(policy: EdgePolicy, calleeInstances: number, clock: Clock) {
    const limit = policy.rateLimit;
    const config = limit && {
      default: bucketForRate(limit.requestsPerUnit, RATE_LIMIT_UNIT_MS[limit.unit]),
      key: limit.key,
      perValue: limit.perValue,
      overrides: limit.overrides.map((o) => ({ value: o.value, bucket: bucketForRate(o.requestsPerUnit, RATE_LIMIT_UNIT_MS[o.unit]) })),
    };
    const count = limit?.scope === 'instance' ? calleeInstances : 1;
    this.limits = config ? Array.from({ length: count }, () => new RateLimit(clock, config)) : [];
  }

  /** The rate limit that instance `host` of the callee applies, or null. */
  at(host: number): RateLimit | null {
    const limits = this.limits;
    return limits.length === 0 ? null : limits.length === 1 ? limits[0] : limits[host];
  }
}

/** What the policies of an edge's routers did, summed over its calling instances: the report's `policy` block. */
export class EdgePolicyCounts {
  /** Hosts ejected or shut, and breaker openings, over all calling instances. */
  private ejections = 0;
  private breakerOpened = 0;

  /** Counts a policy event of one of the edge's routers. */
  countEvent(kind: PolicyEventKind): void {
    if (kind === 'host-ejected' || kind === 'host-unavailable') this.ejections++;
    else if (kind === 'breaker-open') this.breakerOpened++;
  }

  /** The counts, with the routers' own stats summed (holes in `routers` are calling instances that never called). */
  toStats(routers: Iterable<Router<never> | undefined>): EdgePolicyStats {
    const policy: EdgePolicyStats = {
      retries_denied: 0,
      retry_overflow: 0,
      retry_buffer_overflow: 0,
      hedges: 0,
      rejected: 0,
      no_healthy_host: 0,
      cancelled: 0,
      ejections: this.ejections,
      breaker_opened: this.breakerOpened,
    };
    for (const router of routers) {
      if (!router) continue;
      const s = router.stats;
      policy.retries_denied += s.budgetDenied;
      policy.retry_overflow += s.retryOverflow;
      policy.hedges += s.hedges;
      policy.rejected += s.rejected;
      policy.no_healthy_host += s.noHealthyHost;
      policy.retry_buffer_overflow += s.retryBufferOverflow;
      policy.cancelled += s.cancelled;
    }
    return policy;
  }
}
