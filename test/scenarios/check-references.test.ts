import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { stringify } from 'yaml';
import { BASE, errorOf, issuesOf, variant } from './helpers.js';

const latency = { kind: 'latency', delay: '5ms', at: '1s', for: '1s' };

describe('parseScenario: references and consistency', () => {
  it('accepts the base scenario', () => {
    expect(parseScenario(stringify(BASE), 'base.yaml').name).toBe('shop');
  });

  it('locates a call to a missing service and suggests the nearest name', () => {
    const text = stringify(variant((s) => (s.services.front.calls = [{ parallel: [{ to: 'back' }, { to: 'bakc' }] }])));
    const error = errorOf(text, 'shop.yaml');
    expect(error.code).toBe('FL_SCENARIO_REFERENCE');
    const line = text.split('\n').findIndex((l) => l.includes('bakc')) + 1;
    expect(error.issues).toEqual([
      {
        code: 'FL_SCENARIO_REFERENCE',
        file: 'shop.yaml',
        line,
        column: text.split('\n')[line - 1].indexOf('bakc') + 1,
        path: ['services', 'front', 'calls', 0, 'parallel', 1, 'to'],
        message: 'call to an unknown service',
        expected: 'one of front, back',
        found: '"bakc"',
        suggestion: 'back',
      },
    ]);
  });

  it('reports a call cycle at the call that closes it', () => {
    const issues = issuesOf(variant((s) => (s.services.back.calls = [{ to: 'front' }])));
    expect(issues).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['services', 'back', 'calls', 0, 'to'], message: 'call cycle front -> back -> front' }),
    ]);
  });

  it('reports a service calling itself, and a longer cycle', () => {
    const issues = issuesOf(
      variant((s) => {
        s.services.front.calls.push({ to: 'front' });
        s.services.back.calls = [{ to: 'db' }];
        s.services.db = { calls: [{ to: 'back' }] };
      }),
    );
    expect(issues.map((issue) => issue.message)).toEqual(['call cycle front -> front', 'call cycle back -> db -> back']);
  });

  describe('fault targets', () => {
    const faultIssues = (fault: object) => issuesOf(variant((s) => (s.faults = [{ ...latency, ...fault }])));

    it.each([
      [{ service: 'back' }],
      [{ service: 'back', instance: 1 }],
      [{ zone: 'b' }],
      [{ edge: 'front->back' }],
    ])('accepts %j', (target) => {
      expect(() => parseScenario(stringify(variant((s) => (s.faults = [{ ...latency, ...target }]))), 'f.yaml')).not.toThrow();
    });

    it('needs a target', () => {
      expect(faultIssues({})).toEqual([
        { code: 'FL_SCENARIO_SCHEMA', path: ['faults', 0], message: 'fault without a target', expected: 'exactly one of service, zone, edge', found: 'none' },
      ]);
    });

    it('takes only one target', () => {
      expect(faultIssues({ service: 'back', zone: 'a' })).toEqual([expect.objectContaining({ path: ['faults', 0], found: 'service and zone' })]);
    });

    it('takes an instance only with a service', () => {
      expect(faultIssues({ zone: 'a', instance: 0 })).toEqual([expect.objectContaining({ path: ['faults', 0, 'instance'], message: 'instance without a service' })]);
    });

    it('takes an instance below the replicas of the service', () => {
      expect(faultIssues({ service: 'back', instance: 2 })).toEqual([
        expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['faults', 0, 'instance'], expected: 'an index below 2, the replicas of back', found: '2' }),
      ]);
    });

    it('names a service that exists', () => {
      expect(faultIssues({ service: 'bak' })).toEqual([
        expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['faults', 0, 'service'], suggestion: 'back' }),
      ]);
    });

    it('names a declared zone', () => {
      expect(faultIssues({ zone: 'c' })).toEqual([expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['faults', 0, 'zone'], found: '"c"' })]);
    });

    it('names an edge between two services', () => {
      expect(faultIssues({ edge: 'front->nowhere' })).toEqual([
        expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['faults', 0, 'edge'], found: '"nowhere"' }),
      ]);
    });

    it('names an edge along which one service calls the other', () => {
      expect(faultIssues({ edge: 'back->front' })).toEqual([
        expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['faults', 0, 'edge'], message: 'back does not call front' }),
      ]);
    });

    it.each(['crash', 'slowdown'])('does not put a %s fault on an edge', (kind) => {
      const fault = { kind, factor: 2, at: '1s', for: '1s', edge: 'front->back' };
      if (kind === 'crash') delete (fault as Partial<typeof fault>).factor;
      expect(issuesOf(variant((s) => (s.faults = [fault])))).toEqual([
        expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['faults', 0, 'edge'], message: `a ${kind} fault cannot target an edge` }),
      ]);
    });
  });

  it('checks zones of services and of network rules against the declared zones', () => {
    const issues = issuesOf(
      variant((s) => {
        s.services.back.zones = ['a', 'bb'];
        s.network = { between: [{ zones: ['a', 'z'], latency: '1ms' }] };
      }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['services', 'back', 'zones', 1], suggestion: 'b' }),
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['network', 'between', 0, 'zones', 1], found: '"z"' }),
    ]);
  });

  it('checks load targets and repeated class names', () => {
    const issues = issuesOf(
      variant((s) => {
        s.load.users.target = 'frnt';
        s.load.users.classes.push({ name: 'mobile' }, { name: 'web' });
      }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['load', 'users', 'target'], suggestion: 'front' }),
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['load', 'users', 'classes', 2, 'name'], message: 'class name already used by classes[0]' }),
    ]);
  });

  it('allows mesh policies from services, loads and *, to services and *', () => {
    const ok = variant((s) => (s.mesh = { policies: [{ from: 'users', to: 'front' }, { from: 'front', to: '*' }, { to: 'back' }] }));
    expect(() => parseScenario(stringify(ok), 'ok.yaml')).not.toThrow();
    const issues = issuesOf(variant((s) => (s.mesh = { policies: [{ from: 'fronte', to: 'users' }] })));
    expect(issues).toEqual([
      expect.objectContaining({ path: ['mesh', 'policies', 0, 'from'], suggestion: 'front' }),
      expect.objectContaining({ path: ['mesh', 'policies', 0, 'to'], found: '"users"' }),
    ]);
  });

  it('checks the security section: services, issuers, tokens, rules, trust domains, and retry conditions', () => {
    const issues = issuesOf(
      variant((s) => {
        s.services.back.trustDomain = 'Bad';
        s.mesh = { policies: [{ from: 'front', to: 'back', retries: { retryOn: '5xx,bogus' } }] };
        s.security = {
          authorization: [{ service: 'bak', rules: [{ when: [{ key: 'source.ip', values: ['10.0.0.1'] }] }] }],
          issuers: [{ issuer: 'idp', key: 'k' }],
          tokens: { alice: { issuer: 'ipd', subject: 'alice' } },
        };
        s.load.users.classes.push({ name: 'signed', token: 'alise' });
      }),
    );
    expect(issues).toHaveLength(6);
    expect(issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['mesh', 'policies', 0, 'retries', 'retryOn'] }),
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['services', 'back', 'trustDomain'] }),
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['security', 'authorization', 0, 'service'], suggestion: 'back' }),
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['security', 'authorization', 0, 'rules'] }),
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['security', 'tokens', 'alice', 'issuer'], suggestion: 'idp' }),
      expect.objectContaining({ code: 'FL_SCENARIO_REFERENCE', path: ['load', 'users', 'classes', 1, 'token'], suggestion: 'alice' }),
    ]));
  });

  it('refuses retries and hedging on one policy, as gRPC does', () => {
    const issues = issuesOf(
      variant((s) => (s.mesh = { policies: [{ from: 'front', to: 'back', retries: { attempts: 2 }, hedging: { maxAttempts: 2, hedgingDelay: '50ms' } }] })),
    );
    expect(issues).toEqual([expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['mesh', 'policies', 0, 'hedging'], message: 'retries and hedging on the same policy' })]);
  });

  it.each([
    [{ type: 'uniform', min: '5ms', max: '2ms' }, ['max'], 'max is below min'],
    [{ type: 'lognormal', median: '5ms', p99: '2ms' }, ['p99'], 'p99 is below the median'],
    [{ type: 'lognormal', median: '0ms', p99: '2ms' }, ['median'], 'lognormal median of 0'],
    [{ type: 'empirical', percentiles: { p50: '5ms' } }, ['percentiles'], 'too few percentiles to interpolate between'],
    [{ type: 'empirical', percentiles: { p99: '4ms', p50: '5ms', p90: '6ms' } }, ['percentiles', 'p99'], 'p99 is below p90'],
  ])('checks the parameters of %j', (distribution, at, message) => {
    expect(issuesOf(variant((s) => (s.services.back.latency = distribution)))).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['services', 'back', 'latency', ...at], message }),
    ]);
  });

  it('accepts distributions whose parameters agree', () => {
    const ok = variant((s) => {
      s.services.back.latency = { type: 'empirical', percentiles: { p99: '9ms', p50: '5ms', p90: '5ms' } };
      s.network = { sameZone: { type: 'uniform', min: '1ms', max: '1ms' }, crossZone: { type: 'lognormal', median: '1ms', p99: '1ms' } };
    });
    expect(() => parseScenario(stringify(ok), 'ok.yaml')).not.toThrow();
  });

  describe('thresholds', () => {
    const thresholdIssues = (thresholds: Record<string, string[]>) => issuesOf(variant((s) => (s.thresholds = thresholds)));

    it('accepts keys whose tags name a service, an edge (loads included) or a class', () => {
      const thresholds = { 'latency{service:back}': ['p(99)<100'], 'errors{edge:users->front}': ['rate<0.1'], 'success{class:web}': ['rate>0.9'] };
      expect(() => parseScenario(stringify(variant((s) => (s.thresholds = thresholds))), 't.yaml')).not.toThrow();
    });

    it('locates a key that does not parse at the key', () => {
      const text = stringify(variant((s) => (s.thresholds = { 'latncy{service:back}': ['p(99)<100'] })));
      const [issue] = errorOf(text).issues;
      expect(issue).toMatchObject({ code: 'FL_SCENARIO_SCHEMA', path: ['thresholds', 'latncy{service:back}'], column: 3 });
      expect(issue.line).toBe(text.split('\n').findIndex((l) => l.includes('latncy')) + 1);
      expect(issue.message).toContain('unknown metric "latncy"');
    });

    it('locates an expression that does not parse at the expression', () => {
      expect(thresholdIssues({ latency: ['p(99)<100', 'rate>1'] })).toEqual([
        expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path: ['thresholds', 'latency', 1], message: expect.stringContaining('aggregation rate does not apply to latency') }),
      ]);
    });

    it.each([
      ['latency{service:bak}', 'back'],
      ['errors{edge:back->front}', undefined],
      ['success{class:webb}', 'web'],
    ])('rejects %s, naming nothing', (key, suggestion) => {
      expect(thresholdIssues({ [key]: ['rate>0'] }).filter((issue) => issue.code === 'FL_SCENARIO_REFERENCE')).toEqual([
        expect.objectContaining({ path: ['thresholds', key], suggestion }),
      ]);
    });
  });
});
