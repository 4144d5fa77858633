import { describe, expect, it } from 'vitest';
import { parseMetricSelector, ThresholdSyntaxError } from '../../reports/thresholds.js';

function syntaxError(key: string): ThresholdSyntaxError {
  try {
    parseMetricSelector(key);
  } catch (e) {
    expect(e).toBeInstanceOf(ThresholdSyntaxError);
    return e as ThresholdSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(key)} to be rejected`);
}

describe('parseMetricSelector', () => {
  it('parses a bare metric name with no tags', () => {
    expect(parseMetricSelector('latency')).toEqual({ metric: 'latency', tags: {} });
    expect(parseMetricSelector('dropped_iterations')).toEqual({ metric: 'dropped_iterations', tags: {} });
  });

  it.each([
    ['http_req_duration', 'latency'],
    ['http_req_failed', 'errors'],
    ['http_reqs', 'requests'],
  ])('resolves the k6 alias %s to %s', (alias, metric) => {
    expect(parseMetricSelector(`${alias}{service:checkout}`)).toEqual({ metric, tags: { service: 'checkout' } });
  });

  it('parses k6 sub-metric tags', () => {
    expect(parseMetricSelector('latency{service:checkout}').tags).toEqual({ service: 'checkout' });
    expect(parseMetricSelector('success{edge:checkout->payments}').tags).toEqual({ edge: 'checkout->payments' });
    expect(parseMetricSelector('requests{class:gold}').tags).toEqual({ class: 'gold' });
    expect(parseMetricSelector('errors{cause:timeout,service:payments}').tags).toEqual({ cause: 'timeout', service: 'payments' });
    expect(parseMetricSelector('utilization{service:db}')).toEqual({ metric: 'utilization', tags: { service: 'db' } });
  });

  it('allows whitespace around names, braces, colons and commas', () => {
    expect(parseMetricSelector('  errors { cause : 5xx ,  edge: a->b }  ')).toEqual({
      metric: 'errors',
      tags: { cause: '5xx', edge: 'a->b' },
    });
  });

  it('suggests the nearest metric for an unknown name and lists the known ones', () => {
    const e = syntaxError('latncy{service:checkout}');
    expect(e.code).toBe('FL_THRESHOLD_SYNTAX');
    expect(e.message).toContain('unknown metric "latncy"');
    expect(e.message).toContain('did you mean "latency"?');
    expect(e.message).toContain('expected one of latency, success, errors, requests, dropped_iterations, utilization');
    expect(syntaxError('http_req_duratoin').message).toContain('did you mean "http_req_duration"?');
  });

  it('gives no suggestion when nothing is near', () => {
    expect(syntaxError('checks').message).not.toContain('did you mean');
  });

  it('suggests the nearest tag for an unknown tag', () => {
    const e = syntaxError('latency{servce:checkout}');
    expect(e.message).toContain('unknown tag "servce" (did you mean "service"?); expected one of service, edge, class');
  });

  it('rejects a tag the metric does not take', () => {
    expect(syntaxError('latency{cause:timeout}').message).toContain('unknown tag "cause"');
    expect(syntaxError('utilization{edge:a->b}').message).toContain('expected one of service');
    expect(syntaxError('dropped_iterations{service:a}').message).toContain('takes no tags');
  });

  it('suggests the nearest failure cause for an unknown cause', () => {
    const e = syntaxError('errors{cause:timout}');
    expect(e.message).toContain('unknown cause "timout" (did you mean "timeout"?)');
    expect(e.message).toContain('breaker-open');
  });

  it('allows at most one of service, edge, class', () => {
    expect(syntaxError('latency{service:a,edge:a->b}').message).toContain('at most one of service, edge, class, found service and edge');
  });

  it('requires a service on utilization', () => {
    expect(syntaxError('utilization').message).toContain('utilization needs a service tag');
  });

  it('rejects a tag given twice', () => {
    expect(syntaxError('latency{service:a,service:b}').message).toContain('tag "service" is given twice');
  });

  it('rejects an edge that is not caller->callee', () => {
    expect(syntaxError('latency{edge:checkout}').message).toContain('expected an edge like checkout->payments');
    expect(syntaxError('latency{edge:->b}').message).toContain('expected an edge');
  });

  it.each(['', 'latency{', 'latency}', 'latency{service:a}x', '{service:a}', 'latency{service}', 'latency{:a}', 'latency{service:}', 'latency{}', 'lat ency'])(
    'rejects the malformed key %j',
    (key) => {
      syntaxError(key);
    },
  );

  it('names the key in the message', () => {
    expect(syntaxError('latency{service}').message).toMatch(/^threshold "latency\{service\}": expected tag:value/);
  });
});
