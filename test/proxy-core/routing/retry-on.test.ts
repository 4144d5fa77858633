import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import {
  DEFAULT_ENVOY_NUM_RETRIES,
  DEFAULT_ISTIO_RETRY_ATTEMPTS,
  DEFAULT_ISTIO_RETRY_ON,
  RetryOn,
} from '../../../proxy-core/routing/retry-on.js';

/** The cases every test judges: [status, outcome]. */
const CASES: [number, Outcome][] = [
  [500, '5xx'],
  [501, '5xx'],
  [502, '5xx'],
  [503, '5xx'],
  [504, '5xx'],
  [499, '4xx'],
  [409, '4xx'],
  [404, '4xx'],
  [429, 'rate-limited'],
  [200, 'ok'],
  [0, 'reset'],
  [0, 'connect-failure'],
  [0, 'timeout'],
  [503, 'overflow'],
  [0, 'overflow'],
  [0, 'breaker-open'],
  [503, 'breaker-open'],
  [0, 'budget-exhausted'],
  [403, 'authz-denied'],
  [0, 'tls'],
  [503, 'ejected'],
];

/** Which of {@link CASES} a spec retries, as "status/outcome" strings. */
function retried(spec: string, codes?: number[]): string[] {
  const on = RetryOn.parse(spec, codes);
  return CASES.filter(([s, o]) => on.matches(s, o)).map(([s, o]) => `${s}/${o}`);
}

const NO_RESPONSE = ['0/reset', '0/connect-failure', '0/timeout'];

describe('RetryOn (Envoy retry_on, §1.1)', () => {
  it('5xx: any 5xx response, the upstream 503 overflow, and every no-response', () => {
    expect(retried('5xx')).toEqual(['500/5xx', '501/5xx', '502/5xx', '503/5xx', '504/5xx', ...NO_RESPONSE, '503/overflow']);
  });

  it('gateway-error: 502/503/504 and every no-response', () => {
    expect(retried('gateway-error')).toEqual(['502/5xx', '503/5xx', '504/5xx', ...NO_RESPONSE, '503/overflow']);
  });

  it('reset: no response at all (a per-try timeout is a local reset)', () => {
    expect(retried('reset')).toEqual(NO_RESPONSE);
  });

  it('connect-failure: only connect failures', () => {
    expect(retried('connect-failure')).toEqual(['0/connect-failure']);
  });

  it('retriable-4xx: 409 only', () => {
    expect(retried('retriable-4xx')).toEqual(['409/4xx']);
  });

  it('refused-stream matches nothing the simulator produces', () => {
    expect(retried('refused-stream')).toEqual([]);
  });

  it('retriable-status-codes: the listed codes, only with the condition', () => {
    expect(retried('retriable-status-codes', [404, 501])).toEqual(['501/5xx', '404/4xx']);
    expect(retried('reset', [404])).toEqual(NO_RESPONSE);
    expect(RetryOn.parse('reset', [404]).retriableStatusCodes).toEqual([404]);
  });

  it('numeric entries become retriable status codes, as in Istio', () => {
    const on = RetryOn.parse('503, reset ,,409', [500]);
    expect(on.conditions).toEqual(['retriable-status-codes', 'reset']);
    expect(on.retriableStatusCodes).toEqual([409, 500, 503]);
    expect(retried('503')).toEqual(['503/5xx', '503/overflow']);
  });

  it('gRPC names match the HTTP status Envoy maps them to, never a no-response', () => {
    expect(retried('unavailable')).toEqual(['503/5xx', '503/overflow']);
    expect(retried('cancelled')).toEqual(['499/4xx']);
    expect(retried('deadline-exceeded')).toEqual(['504/5xx']);
    expect(retried('internal')).toEqual(['500/5xx']);
    expect(retried('resource-exhausted')).toEqual([]); // 429s are rate-limit rejections
    expect(RetryOn.parse('resource-exhausted').matches(429, '4xx')).toBe(true);
  });

  it('never retries local rejections, whatever the conditions', () => {
    const all = RetryOn.parse('5xx,gateway-error,reset,connect-failure,retriable-4xx,429,403,unavailable,resource-exhausted');
    for (const [s, o] of [
      [429, 'rate-limited'],
      [0, 'overflow'],
      [0, 'breaker-open'],
      [503, 'breaker-open'],
      [0, 'budget-exhausted'],
      [403, 'authz-denied'],
      [0, 'tls'],
      [503, 'ejected'],
    ] as [number, Outcome][]) {
      expect(all.matches(s, o), `${s}/${o}`).toBe(false);
    }
  });

  it("Istio's default policy: connect failures, 503 (unavailable) and 499 (cancelled)", () => {
    expect(retried(DEFAULT_ISTIO_RETRY_ON)).toEqual(['503/5xx', '499/4xx', '0/connect-failure', '503/overflow']);
    expect(DEFAULT_ISTIO_RETRY_ATTEMPTS).toBe(2);
    expect(DEFAULT_ENVOY_NUM_RETRIES).toBe(1);
  });

  it('an empty spec retries nothing', () => {
    expect(retried('')).toEqual([]);
  });

  it('throws a RangeError naming the valid conditions on an unknown one', () => {
    expect(() => RetryOn.parse('5xx,retriable-headers')).toThrow(RangeError);
    expect(() => RetryOn.parse('5xx,retriable-headers')).toThrow(
      /'retriable-headers'.*5xx, gateway-error, reset, connect-failure, retriable-4xx, refused-stream, retriable-status-codes, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable/,
    );
    expect(() => RetryOn.parse('5XX')).toThrow(RangeError);
    expect(() => RetryOn.parse('1000')).toThrow(RangeError);
    expect(() => RetryOn.parse('reset', [99])).toThrow(RangeError);
  });
});
