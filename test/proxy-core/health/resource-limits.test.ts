import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESOURCE_THRESHOLDS,
  ISTIO_CONNECTION_POOL_DEFAULTS,
  ResourceLimits,
  resolveResourceThresholds,
} from '../../../proxy-core/health/resource-limits.js';

describe('ResourceLimits (Envoy cluster circuit breakers, HTTP/1.1 pool)', () => {
  it("has Envoy's defaults 1024/1024/1024/3 and Istio's MaxUint32", () => {
    expect(DEFAULT_RESOURCE_THRESHOLDS).toEqual({
      maxConnections: 1024,
      maxPendingRequests: 1024,
      maxRequests: 1024,
      maxRetries: 3,
    });
    expect(ISTIO_CONNECTION_POOL_DEFAULTS).toEqual({
      maxConnections: 4294967295,
      maxPendingRequests: 4294967295,
      maxRequests: 4294967295,
      maxRetries: 4294967295,
    });
    expect(new ResourceLimits().thresholds).toEqual(DEFAULT_RESOURCE_THRESHOLDS);
  });

  it('serves up to max_connections at once, queues up to max_pending_requests, then overflows', () => {
    const limits = new ResourceLimits({ maxConnections: 2, maxPendingRequests: 1 });
    expect(limits.tryStartRequest()).toBe(true);
    expect(limits.tryStartRequest()).toBe(true);
    expect([limits.active, limits.pending]).toEqual([2, 0]);
    expect(limits.tryStartRequest()).toBe(true); // both connections busy: pending
    expect([limits.active, limits.pending]).toEqual([2, 1]);
    expect(limits.tryStartRequest()).toBe(false); // pending full
    expect(limits.requestOverflows).toBe(1);
    limits.endRequest(); // the freed connection takes the pending request
    expect([limits.active, limits.pending]).toEqual([2, 0]);
    limits.endRequest();
    expect([limits.active, limits.pending]).toEqual([1, 0]);
  });

  it('Istio circuit-breaking task: maxConnections 1, http1MaxPendingRequests 1 ⇒ the third concurrent call overflows', () => {
    const limits = new ResourceLimits({ maxConnections: 1, maxPendingRequests: 1 });
    expect([limits.tryStartRequest(), limits.tryStartRequest(), limits.tryStartRequest()]).toEqual([true, true, false]);
  });

  it('max_requests below max_connections caps active requests', () => {
    const limits = new ResourceLimits({ maxConnections: 10, maxRequests: 2 });
    expect([limits.tryStartRequest(), limits.tryStartRequest(), limits.tryStartRequest()]).toEqual([true, true, false]);
    expect([limits.active, limits.pending, limits.requestOverflows]).toEqual([2, 0, 1]);
  });

  it('max_retries limits concurrent retries (default 3)', () => {
    const limits = new ResourceLimits();
    expect([1, 2, 3, 4].map(() => limits.tryStartRetry())).toEqual([true, true, true, false]);
    expect([limits.activeRetries, limits.retryOverflows]).toEqual([3, 1]);
    limits.endRetry();
    expect(limits.tryStartRetry()).toBe(true);
  });

  it('throws on unmatched ends and bad thresholds', () => {
    expect(() => new ResourceLimits().endRequest()).toThrow(RangeError);
    expect(() => new ResourceLimits().endRetry()).toThrow(RangeError);
    expect(() => resolveResourceThresholds({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new ResourceLimits({ maxConnections: 1.5 })).toThrow(RangeError);
    expect(resolveResourceThresholds({ maxPendingRequests: 0 }).maxPendingRequests).toBe(0);
  });

  it('property: active ≤ min(max_requests, max_connections), pending ≤ max_pending, retries ≤ max_retries', () => {
    const ops = fc.array(fc.constantFrom('req', 'end', 'retry', 'endRetry'), { minLength: 50, maxLength: 300 });
    const small = fc.integer({ min: 0, max: 6 });
    fc.assert(
      fc.property(small, small, small, small, ops, (maxConnections, maxPendingRequests, maxRequests, maxRetries, script) => {
        const limits = new ResourceLimits({ maxConnections, maxPendingRequests, maxRequests, maxRetries });
        let admitted = 0;
        let retries = 0;
        for (const op of script) {
          if (op === 'req' && limits.tryStartRequest()) admitted++;
          else if (op === 'end' && admitted > 0) {
            limits.endRequest();
            admitted--;
          } else if (op === 'retry' && limits.tryStartRetry()) retries++;
          else if (op === 'endRetry' && retries > 0) {
            limits.endRetry();
            retries--;
          }
          if (limits.active > Math.min(maxRequests, maxConnections)) return false;
          if (limits.pending > maxPendingRequests) return false;
          if (limits.active + limits.pending !== admitted) return false;
          if (limits.activeRetries > maxRetries || limits.activeRetries !== retries) return false;
          // a request is only pending while every connection is busy
          if (limits.pending > 0 && limits.active !== maxConnections) return false;
        }
        return true;
      }),
    );
  });
});
