/**
 * k6's object form of a threshold: it parses beside plain expressions, reports as its
 * expression, marks stop conditions, and a bad expression inside it is located at its
 * `threshold` key.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { stopConditions, thresholdExpressions } from '../../scenarios/threshold-entries.js';
import { errorOf, variant } from './helpers.js';

const withThresholds = (thresholds: unknown) => stringify(variant((s) => (s.thresholds = thresholds)));

describe("k6's object form of a threshold", () => {
  it('parses beside plain expressions; only abortOnFail entries are stop conditions, with their delay', () => {
    const scenario = parseScenario(
      withThresholds({
        latency: ['p(99)<500', { threshold: 'p(50)<200', abortOnFail: true, delayAbortEval: '10s' }],
        success: [{ threshold: 'rate>0.99' }],
      }),
      't.yaml',
    );
    expect(thresholdExpressions(scenario.thresholds)).toEqual({ latency: ['p(99)<500', 'p(50)<200'], success: ['rate>0.99'] });
    expect(stopConditions(scenario)).toEqual([{ metric: 'latency', expression: 'p(50)<200', delayMs: 10_000 }]);
  });

  it('locates a bad expression at its threshold key, and refuses unknown keys with a suggestion', () => {
    const text = withThresholds({ latency: [{ threshold: 'p(99)<<5', abortOnFail: true }] });
    const bad = errorOf(text);
    expect(bad.issues[0].path).toEqual(['thresholds', 'latency', 0, 'threshold']);
    expect(bad.issues[0].line).toBe(text.split('\n').findIndex((l) => l.includes('threshold: p(99)<<5')) + 1);
    const typo = errorOf(withThresholds({ latency: [{ threshold: 'p(99)<5', abortOnFaill: true }] }));
    expect(typo.message).toContain('abortOnFail');
  });
});
