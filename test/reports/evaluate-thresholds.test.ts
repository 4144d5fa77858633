import { describe, expect, it } from 'vitest';
import { evaluateThresholds, ThresholdSyntaxError, ThresholdTargetError } from '../../reports/thresholds.js';
import type { Sample } from './metric-source-fixture.js';
import { sourceOf, statsOf } from './metric-source-fixture.js';

// Ten requests: latencies 10..100 ms; 7 ok, 2 timeouts, 1 overflow.
const ENTRY: Sample[] = [
  [10, 'ok'], [20, 'ok'], [30, 'ok'], [40, 'ok'], [50, 'ok'], [60, 'ok'], [70, 'ok'],
  [80, 'timeout'], [90, 'timeout'], [100, 'overflow'],
];
const source = sourceOf({
  entry: statsOf(ENTRY),
  services: { checkout: statsOf([[5, 'ok'], [7, '5xx']]), idle: statsOf([]) },
  edges: { 'checkout->payments': statsOf([[3, 'ok'], [4, 'ok'], [5, 'ok'], [6, 'reset']]) },
  classes: { gold: statsOf([[1, 'ok']]) },
  utilization: { checkout: 0.75 },
  dropped: 4,
  durationMs: 2000,
});

function observed(key: string, expression: string): number | null {
  return evaluateThresholds({ [key]: [expression] }, source)[0].observed;
}

describe('evaluateThresholds', () => {
  it.each([
    ['latency', 'avg<1', 55],
    ['latency', 'min<1', 10],
    ['latency', 'max<1', 100],
    ['latency', 'med<1', 50],
    ['latency', 'p(90)<1', 90],
    ['latency', 'p(99.9)<1', 100],
    ['latency', 'p(0)<1', 10],
    ['success', 'rate<1', 0.7],
    ['errors', 'rate<1', 0.3],
    ['errors{cause:timeout}', 'rate<1', 0.2],
    ['errors{cause:tls}', 'rate<1', 0],
    ['requests', 'count<1', 10],
    ['requests', 'rate<1', 5],
    ['dropped_iterations', 'count<1', 4],
    ['dropped_iterations', 'rate<1', 2],
    ['utilization{service:checkout}', 'value<1', 0.75],
  ])('observes %s %s as %d', (key, expression, value) => {
    expect(observed(key, expression)).toBe(value);
  });

  it('selects the traffic named by the service, edge or class tag', () => {
    expect(observed('requests{service:checkout}', 'count>0')).toBe(2);
    expect(observed('errors{edge:checkout->payments}', 'rate>0')).toBe(0.25);
    expect(observed('latency{class:gold}', 'max>0')).toBe(1);
    expect(observed('errors{service:checkout,cause:5xx}', 'rate>0')).toBe(0.5);
  });

  it('reads k6 aliases like the metrics they stand for', () => {
    expect(observed('http_req_duration', 'p(90)<1')).toBe(90);
    expect(observed('http_req_failed', 'rate<1')).toBe(0.3);
    expect(observed('http_reqs', 'count<1')).toBe(10);
  });

  it.each([
    ['>', 55, false], ['>', 54.9, true],
    ['>=', 55, true], ['>=', 55.1, false],
    ['<', 55, false], ['<', 55.1, true],
    ['<=', 55, true], ['<=', 54.9, false],
    ['==', 55, true], ['==', 54, false],
    ['===', 55, true], ['===', 56, false],
    ['!=', 55, false], ['!=', 54, true],
  ] as const)('compares avg %s %d as %s', (operator, value, ok) => {
    expect(evaluateThresholds({ latency: [`avg${operator}${value}`] }, source)[0].ok).toBe(ok);
  });

  it('compares latency thresholds written with units in milliseconds', () => {
    expect(evaluateThresholds({ latency: ['max<=0.1s', 'max<0.1s'] }, source).map((r) => r.ok)).toEqual([true, false]);
  });

  it('reports metric and expression as written, in order', () => {
    const results = evaluateThresholds({ http_req_duration: ['p(90) < 100', 'avg>60'], 'success ': ['rate>0.5'] }, source);
    expect(results).toEqual([
      { metric: 'http_req_duration', expression: 'p(90) < 100', observed: 90, ok: true },
      { metric: 'http_req_duration', expression: 'avg>60', observed: 55, ok: false },
      { metric: 'success ', expression: 'rate>0.5', observed: 0.7, ok: true },
    ]);
  });

  it('fails with a null observation when the selected traffic saw no requests', () => {
    expect(evaluateThresholds({ 'latency{service:idle}': ['p(99)<1000'] }, source)).toEqual([
      { metric: 'latency{service:idle}', expression: 'p(99)<1000', observed: null, ok: false },
    ]);
    expect(evaluateThresholds({ 'errors{service:idle}': ['rate<1'], 'success{service:idle}': ['rate>=0'] }, source).map((r) => [r.observed, r.ok])).toEqual([
      [null, false],
      [null, false],
    ]);
  });

  it('observes 0 on a Counter with no data', () => {
    const results = evaluateThresholds({ 'requests{service:idle}': ['count==0', 'rate==0'] }, sourceOf({ entry: statsOf([]), services: { idle: statsOf([]) }, durationMs: 0 }));
    expect(results.map((r) => [r.observed, r.ok])).toEqual([
      [0, true],
      [0, true],
    ]);
  });

  it('counts errors as the sum of failure causes over all requests, finished or not', () => {
    const unfinished = sourceOf({ entry: statsOf([[1, 'ok'], [1, 'timeout']], 4) });
    expect(evaluateThresholds({ success: ['rate>0'], errors: ['rate>0'] }, unfinished).map((r) => r.observed)).toEqual([0.25, 0.25]);
  });

  it('compares the raw value and reports it rounded to 6 significant digits', () => {
    const thirds = sourceOf({ entry: statsOf([[1, 'ok'], [1, 'ok'], [1, 'timeout']]) });
    const [result] = evaluateThresholds({ success: ['rate<=0.666667'] }, thirds);
    expect(result.observed).toBe(0.666667);
    expect(result.ok).toBe(true);
    const [strict] = evaluateThresholds({ success: ['rate>=0.666667'] }, thirds);
    expect(strict).toEqual({ metric: 'success', expression: 'rate>=0.666667', observed: 0.666667, ok: false });
  });

  it('throws ThresholdSyntaxError for a bad key or expression', () => {
    expect(() => evaluateThresholds({ latncy: ['avg<1'] }, source)).toThrow(ThresholdSyntaxError);
    expect(() => evaluateThresholds({ latency: ['avg<1', 'count<1'] }, source)).toThrow(ThresholdSyntaxError);
  });

  it('throws ThresholdTargetError for a service, edge or class the run does not have', () => {
    expect(() => evaluateThresholds({ 'latency{service:chekout}': ['avg<1'] }, source)).toThrow(
      new ThresholdTargetError('latency{service:chekout}', 'service', 'chekout'),
    );
    expect(() => evaluateThresholds({ 'errors{edge:a->b}': ['rate<1'] }, source)).toThrow('the run has no edge named "a->b"');
    expect(() => evaluateThresholds({ 'requests{class:silver}': ['count<1'] }, source)).toThrow('no class named "silver"');
    expect(() => evaluateThresholds({ 'utilization{service:nope}': ['value<1'] }, source)).toThrow(ThresholdTargetError);
    const error = new ThresholdTargetError('k', 'service', 'x');
    expect(error.code).toBe('FL_THRESHOLD_TARGET');
  });
});
