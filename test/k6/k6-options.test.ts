import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../scenarios/parse-scenario.js';
import type { Load, Scenario } from '../../scenarios/schema.js';
import { DEFAULT_MAX_VU_SECONDS } from '../../sim/k6/k6-executors.js';
import type { K6Scenario } from '../../sim/k6/k6-executors.js';
import { k6Names } from '../../sim/k6/k6-names.js';
import { buildK6Options } from '../../sim/k6/k6-options.js';
import { oneMinus } from '../../sim/k6/k6-thresholds.js';
import { goDurationMs, K6_EXECUTOR_INTERFACES, K6_EXECUTOR_KEYS, K6_METRICS, K6_OPTION_KEYS, THRESHOLD_KEY, thresholdExpression } from './k6-grammar.js';

const REPO = join(import.meta.dirname, '../..');
/** Every shipped scenario with a load (scenarios/staging/ holds target files). */
const SHIPPED = readdirSync(join(REPO, 'scenarios'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('staging/'))
  .sort()
  .map((f) => ({ file: `scenarios/${f}`, scenario: loadScenarioFile(join(REPO, 'scenarios', f)).scenario }))
  .filter(({ scenario }) => Object.keys(scenario.load).length > 0);

/** The arrival rate of a k6 scenario, per ms. */
function perMs(count: number, timeUnit: string): number {
  return count / goDurationMs(timeUnit);
}

/** Checks that the k6 scenario runs `load` as faultline does: executor, times, rates, stages, VUs. */
function expectSameLoad(load: Load, k6: K6Scenario): void {
  expect(k6.executor).toBe(load.executor);
  expect(goDurationMs(k6.startTime)).toBeCloseTo(load.startTime, 9);
  expect(goDurationMs(k6.gracefulStop)).toBeCloseTo(load.gracefulStop, 9);
  if (load.executor === 'constant-vus' && k6.executor === 'constant-vus') {
    expect(k6.vus).toBe(load.vus);
    expect(goDurationMs(k6.duration)).toBeCloseTo(load.duration, 9);
  } else if (load.executor === 'constant-arrival-rate' && k6.executor === 'constant-arrival-rate') {
    expect(Number.isInteger(k6.rate)).toBe(true);
    expect(perMs(k6.rate, k6.timeUnit)).toBeCloseTo(load.rate, 12);
    expect(goDurationMs(k6.duration)).toBeCloseTo(load.duration, 9);
    if (load.maxVUs !== undefined) expect(k6.maxVUs).toBe(load.maxVUs);
    expect(k6.preAllocatedVUs).toBeLessThanOrEqual(k6.maxVUs);
  } else if (load.executor === 'ramping-arrival-rate' && k6.executor === 'ramping-arrival-rate') {
    expect(perMs(k6.startRate, k6.timeUnit)).toBeCloseTo(load.startRate, 12);
    expect(k6.stages).toHaveLength(load.stages.length);
    k6.stages.forEach((stage, i) => {
      expect(Number.isInteger(stage.target)).toBe(true);
      expect(perMs(stage.target, k6.timeUnit)).toBeCloseTo(load.stages[i].target, 12);
      expect(goDurationMs(stage.duration)).toBeCloseTo(load.stages[i].duration, 9);
    });
    if (load.maxVUs !== undefined) expect(k6.maxVUs).toBe(load.maxVUs);
  } else {
    throw new Error(`executor ${k6.executor} for a ${load.executor} load`);
  }
}

/** Checks every key and value of `options` against what k6 accepts. */
function expectK6Grammar(scenario: Scenario, options: ReturnType<typeof buildK6Options>['options']): void {
  for (const key of Object.keys(options)) expect(K6_OPTION_KEYS, key).toContain(key);
  const names = k6Names(scenario);
  for (const [name, k6] of Object.entries(options.scenarios)) {
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const key of Object.keys(k6)) expect(K6_EXECUTOR_KEYS[k6.executor], `${name}.${key}`).toContain(key);
    expect([...names.exec.values()]).toContain(k6.exec);
    expect(k6.exec).toMatch(/^[A-Za-z_$][A-Za-z0-9_$]*$/);
  }
  for (const [key, expressions] of Object.entries(options.thresholds)) {
    const match = THRESHOLD_KEY.exec(key);
    expect(match, key).not.toBeNull();
    const type = K6_METRICS[match![1]];
    expect(type, `metric of ${key}`).toBeDefined();
    for (const threshold of expressions) {
      if (typeof threshold === 'string') {
        expect(threshold, key).toMatch(thresholdExpression(type));
        continue;
      }
      expect(Object.keys(threshold).every((k) => ['threshold', 'abortOnFail', 'delayAbortEval'].includes(k)), key).toBe(true);
      expect(threshold.threshold, key).toMatch(thresholdExpression(type));
      if (threshold.delayAbortEval !== undefined) goDurationMs(threshold.delayAbortEval);
    }
  }
}

describe('buildK6Options on every shipped scenario with a load', () => {
  it.each(SHIPPED.map(({ file, scenario }) => [file, scenario] as const))('%s: the same loads, in keys and values k6 accepts', (_file, scenario) => {
    const { options, problems } = buildK6Options(scenario);
    expect(problems).toEqual([]);
    const names = k6Names(scenario);
    expect(Object.keys(options.scenarios)).toEqual(Object.keys(scenario.load).map((name) => names.scenario.get(name)));
    for (const [name, load] of Object.entries(scenario.load)) expectSameLoad(load, options.scenarios[names.scenario.get(name)!]);
    expectK6Grammar(scenario, options);
  });

  it('accounts for every threshold of every shipped scenario: translated, or left out with a reason', () => {
    for (const { file, scenario } of SHIPPED) {
      const { options, omitted } = buildK6Options(scenario);
      const left = new Set(omitted.map((t) => t.key));
      const translated = Object.keys(scenario.thresholds).filter((key) => !left.has(key));
      const count = Object.values(options.thresholds).reduce((n, list) => n + list.length, 0);
      expect(count, file).toBeLessThanOrEqual(translated.reduce((n, key) => n + scenario.thresholds[key].length, 0));
      if (translated.length > 0) expect(count, file).toBeGreaterThan(0);
      for (const t of omitted) expect(t.reason, `${file} ${t.key}`).not.toBe('');
    }
  });
});

describe('the option key lists of these tests', () => {
  it('name only keys that @types/k6 declares', () => {
    const path = join(REPO, 'node_modules/@types/k6/options/index.d.ts');
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
    const members = new Map<string, string[]>();
    source.forEachChild((node) => {
      if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
        members.set(node.name.text, [...node.members].flatMap((m) => (m.name && ts.isIdentifier(m.name) ? [m.name.text] : [])));
      }
    });
    expect([...K6_OPTION_KEYS].sort()).toEqual([...members.get('Options')!].sort());
    for (const [executor, name] of Object.entries(K6_EXECUTOR_INTERFACES)) {
      expect([...K6_EXECUTOR_KEYS[executor]].sort(), executor).toEqual([...members.get('BaseScenario')!, ...members.get(name)!.filter((k) => k !== 'executor')].sort());
    }
  });
});

/** A scenario from the lines of its `load:` and `thresholds:` sections (and extra services). */
function scenarioWith(load: string, thresholds = '', services = ''): Scenario {
  return parseScenario(
    `version: 1
name: k6
services:
  web: { calls: [{ to: api }] }
  api: {}
  rpc: { protocol: grpc }
${services}load:
${load}
thresholds:${thresholds === '' ? ' {}' : `\n${thresholds}`}
`,
    'k6.yaml',
  );
}

describe('buildK6Options: executors', () => {
  it('gives a constant rate per second, VUs for 1 s of responses preallocated and 10 s at most', () => {
    const { options } = buildK6Options(scenarioWith('  shop: { executor: constant-arrival-rate, rate: 200/s, duration: 5m, target: web }'));
    expect(options.scenarios.shop).toEqual({
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnit: '1s',
      duration: '5m',
      preAllocatedVUs: 200,
      maxVUs: 200 * DEFAULT_MAX_VU_SECONDS,
      startTime: '0s',
      gracefulStop: '30s',
      exec: 'load_shop',
    });
  });

  it("keeps the load's maxVUs, and preallocates no more than it", () => {
    const { options } = buildK6Options(scenarioWith('  shop: { executor: constant-arrival-rate, rate: 500/s, duration: 1m, target: web, maxVUs: 50, startTime: 10s, gracefulStop: 1500ms }'));
    expect(options.scenarios.shop).toMatchObject({ preAllocatedVUs: 50, maxVUs: 50, startTime: '10s', gracefulStop: '1s500ms' });
  });

  it('writes rates below one a second per minute or hour, one time unit for all of a ramp', () => {
    const { options } = buildK6Options(scenarioWith('  slow: { executor: constant-arrival-rate, rate: 30/m, duration: 1h, target: web }\n  ramp: { executor: ramping-arrival-rate, startRate: 1/s, stages: [{ duration: 2m, target: 90/m }, { duration: 30s, target: 0/s }], target: web }'));
    expect(options.scenarios.slow).toMatchObject({ rate: 30, timeUnit: '1m', duration: '1h', preAllocatedVUs: 1, maxVUs: 5 });
    expect(options.scenarios.ramp).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 60, timeUnit: '1m', stages: [{ duration: '2m', target: 90 }, { duration: '30s', target: 0 }], preAllocatedVUs: 2, maxVUs: 15 });
  });

  it('gives closed loops constant-vus, and notes Poisson arrivals only for open loops', () => {
    const { options, notes } = buildK6Options(scenarioWith('  users: { executor: constant-vus, vus: 12, duration: 90s, target: web, thinkTime: 1s }\n  even: { executor: constant-arrival-rate, rate: 5/s, duration: 1m, target: web, arrivals: uniform }\n  random: { executor: constant-arrival-rate, rate: 5/s, duration: 1m, target: web }'));
    expect(options.scenarios.users).toEqual({ executor: 'constant-vus', vus: 12, duration: '1m30s', startTime: '0s', gracefulStop: '30s', exec: 'load_users' });
    expect(notes).toEqual(['load random: Poisson arrivals in the scenario; k6 starts its iterations evenly spaced at the same rate (arrivals: uniform in faultline)']);
  });

  it('sanitizes names into k6 scenario names and exported function names, unique', () => {
    const { options } = buildK6Options(scenarioWith('  web.users: { executor: constant-vus, vus: 1, duration: 1s, target: web }\n  web_users: { executor: constant-vus, vus: 1, duration: 1s, target: web }\n  a-b: { executor: constant-vus, vus: 1, duration: 1s, target: web }'));
    expect(Object.fromEntries(Object.entries(options.scenarios).map(([name, s]) => [name, s.exec]))).toEqual({ web_users: 'load_web_users', web_users_2: 'load_web_users_2', 'a-b': 'load_a_b' });
  });

  it('refuses a constant rate of 0 and a rate no time unit makes whole', () => {
    const { problems } = buildK6Options(scenarioWith('  none: { executor: constant-arrival-rate, rate: 0/s, duration: 1m, target: web }\n  odd: { executor: constant-arrival-rate, rate: 0.000000001/h, duration: 1m, target: web }'));
    expect(problems).toEqual([
      "load.none.rate: 0, and k6's constant-arrival-rate needs a rate above 0",
      "load.odd: its rates are not whole numbers of arrivals per 1s, 1m, 1h or up to 100000h, which k6's rate needs",
    ]);
  });
});

describe('buildK6Options: thresholds', () => {
  const LOADS = `  shop: { executor: constant-arrival-rate, rate: 10/s, duration: 1m, target: web, classes: [{ name: gold }, { name: free }] }
  calls: { executor: constant-arrival-rate, rate: 10/s, duration: 1m, target: rpc, classes: [{ name: ping, path: /pkg.Echo/Call }] }`;

  it("translates latency, success, errors, requests and dropped iterations into k6's metrics and grammar", () => {
    const scenario = scenarioWith(
      '  shop: { executor: constant-arrival-rate, rate: 10/s, duration: 1m, target: web, classes: [{ name: gold }] }',
      `  latency: ['p(99)<1.2s', 'med<150', 'avg <= 80ms', 'p(99.9)<2000', 'max<5s']
  http_req_duration{class:gold}: ['p(90)<300']
  success: ['rate>0.99']
  success{class:gold}: ['rate>=0.999']
  errors: ['rate<0.05']
  requests: ['count>500', 'rate>=9.5']
  dropped_iterations: ['count==0']`,
    );
    const { options, omitted } = buildK6Options(scenario);
    expect(omitted).toEqual([]);
    expect(options.thresholds).toEqual({
      http_req_duration: ['p(99)<1200', 'med<150', 'avg<=80', 'p(99.9)<2000', 'max<5000'],
      'http_req_duration{class:gold}': ['p(90)<300'],
      http_req_failed: ['rate<0.01', 'rate<0.05'],
      'http_req_failed{class:gold}': ['rate<=0.001'],
      http_reqs: ['count>500', 'rate>=9.5'],
      dropped_iterations: ['count==0'],
    });
  });

  it('selects a load by its k6 scenario for an edge from the load, and an entry service by its tag', () => {
    const scenario = scenarioWith('  shop: { executor: constant-arrival-rate, rate: 10/s, duration: 1m, target: web }', `  latency{edge:shop->web}: ['p(99)<100']\n  success{service:web}: ['rate>0.9']`);
    expect(buildK6Options(scenario).options.thresholds).toEqual({ 'http_req_duration{scenario:shop}': ['p(99)<100'], 'http_req_failed{entry_service:web}': ['rate<0.1'] });
  });

  it('uses grpc_req_duration and the grpc_ok check for gRPC loads, each protocol on its own when a threshold spans both', () => {
    const scenario = scenarioWith(LOADS, `  latency{class:ping}: ['p(99)<50']\n  errors{class:ping}: ['rate<0.02']\n  success: ['rate>0.99']`);
    const { options, notes } = buildK6Options(scenario);
    expect(options.thresholds).toEqual({
      'grpc_req_duration{class:ping}': ['p(99)<50'],
      'checks{check:grpc_ok,class:ping}': ['rate>0.98'],
      http_req_failed: ['rate<0.01'],
      'checks{check:grpc_ok}': ['rate>0.99'],
    });
    expect(notes).toContain('success: over HTTP and gRPC loads together in faultline; k6 checks the HTTP and the gRPC metric each on its own');
  });

  it('leaves out, with a reason, what happens inside the mesh', () => {
    const scenario = scenarioWith(
      LOADS,
      `  latency{service:api}: ['p(50)<100']
  errors{cause:timeout}: ['rate<0.01']
  latency{edge:web->api}: ['p(99)<10']
  utilization{service:api}: ['value<0.8']
  amplification: ['value<1.5']
  recovery_time: ['value<60000']
  requests{class:ping}: ['count>1']`,
    );
    const { options, omitted } = buildK6Options(scenario);
    expect(options.thresholds).toEqual({});
    expect(omitted.map((t) => [t.key, t.reason])).toEqual([
      ['latency{service:api}', 'api is called inside the mesh too, where k6 does not see'],
      ['errors{cause:timeout}', 'k6 does not tell failures apart by cause'],
      ['latency{edge:web->api}', 'an edge inside the mesh, where k6 does not see'],
      ['utilization{service:api}', "services' workers are inside the mesh, where k6 does not see"],
      ['amplification', 'retries happen inside the mesh, where k6 does not see'],
      ['recovery_time', "k6 does not know when faultline's faults end"],
      ['requests{class:ping}', 'k6 counts no gRPC requests (it has no grpc_reqs metric)'],
    ]);
  });

  it("keeps k6's object form for a threshold that aborts the run, with its delay, and says so of one left out", () => {
    const scenario = scenarioWith(
      '  shop: { executor: constant-arrival-rate, rate: 10/s, duration: 1m, target: web }',
      `  success:
    - { threshold: 'rate>0.95', abortOnFail: true, delayAbortEval: 30s }
    - { threshold: 'rate>0.9', abortOnFail: true }
    - { threshold: 'rate>0.5' }
  latency{service:api}:
    - { threshold: 'p(99)<50', abortOnFail: true }
    - 'p(50)<10'`,
    );
    const { options, omitted } = buildK6Options(scenario);
    expect(options.thresholds).toEqual({
      http_req_failed: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '30s' }, { threshold: 'rate<0.1', abortOnFail: true }, 'rate<0.5'],
    });
    expect(omitted).toEqual([{ key: 'latency{service:api}', expressions: ['p(99)<50 (abortOnFail)', 'p(50)<10'], reason: 'api is called inside the mesh too, where k6 does not see' }]);
    expectK6Grammar(scenario, options);
  });

  it('complements rates exactly in decimal', () => {
    expect(oneMinus(0.99)).toBe(0.01);
    expect(oneMinus(0.999)).toBe(0.001);
    expect(oneMinus(0.1)).toBe(0.9);
    expect(oneMinus(1)).toBe(0);
    expect(oneMinus(0)).toBe(1);
    expect(oneMinus(1.5)).toBe(-0.5);
    expect(oneMinus(1e-7)).toBe(0.9999999);
  });
});
