/** The `fuzz` section is validated like the rest of a scenario: located issues, suggestions, references, ranges. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { BASE, errorOf, issuesOf, variant } from './helpers.js';

/** BASE with a retry policy front → back, and `fuzz` set to `section`. */
const withFuzz = (section: object) =>
  variant((s) => {
    s.mesh = { policies: [{ from: 'front', to: 'back', retries: { attempts: 2 }, retryBudget: { type: 'envoy' } }] };
    s.fuzz = section;
  });

describe('the fuzz section', () => {
  it('is optional, and filled with defaults when present', () => {
    expect(parseScenario(stringify(BASE), 'base.yaml').fuzz).toBeUndefined();
    const fuzz = parseScenario(stringify(withFuzz({})), 'f.yaml').fuzz!;
    expect(fuzz.faults.count).toEqual({ min: 0, max: 3 });
    expect(fuzz.load).toEqual({});
    expect(fuzz.parameters).toEqual([]);
  });

  it('accepts every part, durations and rates normalised', () => {
    const fuzz = parseScenario(
      stringify(
        withFuzz({
          faults: { count: { max: 2 }, kinds: ['crash', 'latency'], targets: { services: ['back'], zones: ['a'] }, window: { from: '10s', to: '50s' }, duration: { min: '1s', max: '5s' }, latency: { min: '10ms', max: '1s' } },
          load: { users: { rate: { min: '5/s', max: '20/s' }, spike: { factor: { min: 1, max: 3 }, for: { min: '1s', max: '10s' } } } },
          parameters: [{ from: 'front', to: 'back', field: 'retries.attempts', min: 0, max: 5 }, { from: 'front', to: 'back', field: 'retryBudget.percent', min: 5, max: 50 }],
        }),
      ),
      'f.yaml',
    ).fuzz!;
    expect(fuzz.faults.window).toEqual({ from: 10_000, to: 50_000 });
    expect(fuzz.load.users.rate).toEqual({ min: 0.005, max: 0.02 });
    expect(fuzz.load.users.spike?.ramp).toBe(0);
  });

  it('locates an unknown key at its line and column, with a suggestion', () => {
    const text = stringify(withFuzz({ faults: { cuont: { max: 2 } } }));
    const error = errorOf(text, 'shop.yaml');
    const line = text.split('\n').findIndex((l) => l.includes('cuont')) + 1;
    expect(error.issues).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_UNKNOWN_KEY', file: 'shop.yaml', line, column: text.split('\n')[line - 1].indexOf('cuont') + 1, path: ['fuzz', 'faults', 'cuont'], suggestion: 'count' }),
    ]);
  });

  it('refuses an unknown fault kind and parameter field, suggesting the nearest', () => {
    expect(issuesOf(withFuzz({ faults: { kinds: ['crahs'] } }))).toEqual([
      expect.objectContaining({ path: ['fuzz', 'faults', 'kinds', 0], message: 'not an allowed value', suggestion: 'crash' }),
    ]);
    expect(issuesOf(withFuzz({ parameters: [{ from: 'front', to: 'back', field: 'retries.atempts', min: 0, max: 2 }] }))).toEqual([
      expect.objectContaining({ path: ['fuzz', 'parameters', 0, 'field'], suggestion: 'retries.attempts' }),
    ]);
  });

  it('refuses targets that name nothing, with the nearest name', () => {
    expect(issuesOf(withFuzz({ faults: { targets: { services: ['bakc'], zones: ['c'], edges: ['back->front'] } } }))).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['fuzz', 'faults', 'targets', 'services', 0], found: '"bakc"', suggestion: 'back' }),
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['fuzz', 'faults', 'targets', 'zones', 0], found: '"c"' }),
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['fuzz', 'faults', 'targets', 'edges', 0], expected: 'one of front->back' }),
    ]);
  });

  it('refuses a kind with nothing to hit, and a range upside down', () => {
    expect(issuesOf(withFuzz({ faults: { kinds: ['crash'], targets: { edges: ['front->back'] } } }))).toEqual([
      expect.objectContaining({ path: ['fuzz', 'faults', 'kinds', 0], message: 'no target a crash fault can hit' }),
    ]);
    expect(issuesOf(withFuzz({ faults: { latency: { min: '2s', max: '1s' }, count: { min: 3, max: 1 } } }))).toEqual([
      expect.objectContaining({ path: ['fuzz', 'faults', 'latency', 'min'], message: 'min is above max', expected: 'at most max (1s)', found: '2s' }),
      expect.objectContaining({ path: ['fuzz', 'faults', 'count', 'min'], message: 'min is above max', found: '3' }),
    ]);
    expect(issuesOf(withFuzz({ faults: { window: { from: '2m' } } }))).toEqual([
      expect.objectContaining({ path: ['fuzz', 'faults', 'window', 'from'], message: 'the window ends before it starts' }),
    ]);
  });

  it('refuses a load that does not exist or cannot vary', () => {
    expect(issuesOf(withFuzz({ load: { user: { rate: { min: '1/s', max: '2/s' } } } }))).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['fuzz', 'load', 'user'], suggestion: 'users' }),
    ]);
    const vusLoad = (variation: object) =>
      variant((s) => {
        s.load.users = { executor: 'constant-vus', vus: 2, duration: '1m', target: 'front' };
        s.fuzz = { load: { users: variation } };
      });
    expect(parseScenario(stringify(vusLoad({ vus: { min: 1, max: 20 } })), 'vus.yaml').fuzz!.load.users.vus).toEqual({ min: 1, max: 20 });
    expect(issuesOf(vusLoad({ rate: { min: '1/s', max: '2/s' } }))).toEqual([
      expect.objectContaining({ path: ['fuzz', 'load', 'users', 'rate'], message: 'a constant-vus load has no rate to vary (its requests follow its answers)', expected: 'vus' }),
    ]);
    expect(issuesOf(vusLoad({ vus: { min: 20, max: 10 } }))).toEqual([expect.objectContaining({ path: ['fuzz', 'load', 'users', 'vus', 'min'], message: 'min is above max' })]);
    expect(issuesOf(withFuzz({ load: { users: { vus: { min: 1, max: 2 } } } }))).toEqual([
      expect.objectContaining({ path: ['fuzz', 'load', 'users', 'vus'], message: 'a constant-arrival-rate load has no VUs to vary' }),
    ]);
    const ramping = variant((s) => {
      s.load.users = { executor: 'ramping-arrival-rate', startRate: '1/s', stages: [{ duration: '1m', target: '2/s' }], target: 'front' };
      s.fuzz = { load: { users: { rate: { min: '1/s', max: '2/s' } } } };
    });
    expect(issuesOf(ramping)).toEqual([expect.objectContaining({ path: ['fuzz', 'load', 'users'], message: 'a ramping-arrival-rate load cannot vary' })]);
  });

  it('checks a parameter against its policy and its field: the policy, the block, the budget type, the values', () => {
    const parameter = (p: object) => issuesOf(withFuzz({ parameters: [{ from: 'front', to: 'back', field: 'retries.attempts', min: 0, max: 2, ...p }] }));
    expect(parameter({ to: 'bakc' })).toEqual([expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['fuzz', 'parameters', 0], message: 'no mesh policy with this from and to' })]);
    expect(parameter({ field: 'circuitBreaker.failureRateThreshold' })).toEqual([
      expect.objectContaining({ path: ['fuzz', 'parameters', 0, 'field'], message: 'the policy from front to back has no circuitBreaker block' }),
    ]);
    expect(parameter({ field: 'retryBudget.retryRatio', min: 0.1, max: 0.2 })).toEqual([
      expect.objectContaining({ path: ['fuzz', 'parameters', 0, 'field'], message: 'retryBudget.retryRatio belongs to a retry budget of type linkerd' }),
    ]);
    expect(parameter({ max: 1000 })).toEqual([expect.objectContaining({ path: ['fuzz', 'parameters', 0, 'max'], message: 'too large' })]);
    expect(parameter({ field: 'timeout', min: '1s', max: 'soon' })).toEqual([expect.objectContaining({ path: ['fuzz', 'parameters', 0, 'max'] })]);
    expect(parameter({ min: 3, max: 1 })).toEqual([expect.objectContaining({ path: ['fuzz', 'parameters', 0, 'min'], message: 'min is above max' })]);
  });
});
