/**
 * The bounds the schema states: those the core enforces at run time (from its own
 * constants), and faultline's limits for the simulator's models. Each is refused as a
 * located schema issue, not left to fail a run; and the published JSON Schema carries the
 * same bounds, for editors.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { GRPC_MAX_TOKENS } from '../../proxy-core/budgets/grpc-retry-throttle.js';
import { LINKERD_MAX_TTL_MS } from '../../proxy-core/budgets/linkerd-retry-budget.js';
import { MAX_UINT32 } from '../../proxy-core/health/resource-limits.js';
import { MAX_WORKLOAD_CERT_TTL_MS } from '../../proxy-core/identity/certificate-authority.js';
import { MAX_REPLICAS, MAX_VUS } from '../../scenarios/limits.js';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { generateScenarioJsonSchema } from '../../scenarios/write-schema.js';
import { issuesOf, variant } from './helpers.js';

const policy = (block: object) => (s: any) => (s.mesh = { policies: [{ from: 'front', to: 'back', ...block }] });

describe('bounds of values', () => {
  it.each([
    ['replicas: 2^32', (s: any) => (s.services.back.replicas = 2 ** 32), ['services', 'back', 'replicas'], `a number ≤ ${MAX_REPLICAS}`],
    ['vus: 10^9', (s: any) => (s.load.users = { executor: 'constant-vus', vus: 1e9, duration: '1s', target: 'front' }), ['load', 'users', 'vus'], `a number ≤ ${MAX_VUS}`],
    ['maxConnections: 2^32', policy({ connectionPool: { maxConnections: 2 ** 32 } }), ['mesh', 'policies', 0, 'connectionPool', 'maxConnections'], `a number ≤ ${MAX_UINT32}`],
    ['grpc maxTokens: 1001', policy({ retryBudget: { type: 'grpc', maxTokens: 1001 } }), ['mesh', 'policies', 0, 'retryBudget', 'maxTokens'], `a number ≤ ${GRPC_MAX_TOKENS}`],
  ])('refuses %s as too large', (_, change, path, expected) => {
    expect(issuesOf(variant(change))).toEqual([expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path, message: 'too large', expected })]);
  });

  it.each([
    ['certificates.ttl: 2400h', (s: any) => (s.security = { certificates: { ttl: '2400h' } }), ['security', 'certificates', 'ttl'], 'above 0 and at most 2160h (90 days)'],
    ['certificates.ttl: 0s', (s: any) => (s.security = { certificates: { ttl: '0s' } }), ['security', 'certificates', 'ttl'], 'above 0 and at most 2160h (90 days)'],
    ['outlierDetection.interval: 0s', policy({ outlierDetection: { interval: '0s' } }), ['mesh', 'policies', 0, 'outlierDetection', 'interval'], 'above 0'],
    ['outlierDetection.baseEjectionTime: 0s', policy({ outlierDetection: { baseEjectionTime: '0s' } }), ['mesh', 'policies', 0, 'outlierDetection', 'baseEjectionTime'], 'above 0'],
    ['circuitBreaker.waitDurationInOpenState: 0s', policy({ circuitBreaker: { waitDurationInOpenState: '0s' } }), ['mesh', 'policies', 0, 'circuitBreaker', 'waitDurationInOpenState'], 'of at least 1ms'],
    ['circuitBreaker.slowCallDurationThreshold: 0s', policy({ circuitBreaker: { slowCallDurationThreshold: '0s' } }), ['mesh', 'policies', 0, 'circuitBreaker', 'slowCallDurationThreshold'], 'above 0'],
    ['fault.delay.fixedDelay: 0s', policy({ fault: { delay: { fixedDelay: '0s' } } }), ['mesh', 'policies', 0, 'fault', 'delay', 'fixedDelay'], 'above 0'],
    ['linkerd ttl: 2m', policy({ retryBudget: { type: 'linkerd', ttl: '2m' } }), ['mesh', 'policies', 0, 'retryBudget', 'ttl'], 'of at least 1s and at most 1m'],
    ['load duration: 400 days', (s: any) => (s.load.users.duration = '9600h'), ['load', 'users', 'duration'], 'of at most 8760h (365 days)'],
  ])('refuses %s, naming the range', (_, change, path, range) => {
    expect(issuesOf(variant(change))).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path, message: 'value not allowed', expected: expect.stringContaining(`a duration ${range}`) }),
    ]);
  });

  it.each([
    ['a duration', (s: any) => (s.load.users.duration = `1${'0'.repeat(400)}ms`), ['load', 'users', 'duration']],
    ['a rate', (s: any) => (s.load.users.rate = `1${'0'.repeat(400)}/s`), ['load', 'users', 'rate']],
    ['a fraction', (s: any) => (s.load.users.rate = '0.0000000001/s'), ['load', 'users', 'rate']],
  ])('refuses %s written with too many digits, saying so', (_, change, path) => {
    expect(issuesOf(variant(change))).toEqual([
      expect.objectContaining({ code: 'FL_SCENARIO_SCHEMA', path, message: 'value not allowed', expected: 'a number of at most 15 digits before the point and 9 after' }),
    ]);
  });

  it('refuses a rate above 1,000,000,000/s', () => {
    expect(issuesOf(variant((s) => (s.load.users.rate = '2000000/ms')))).toEqual([
      expect.objectContaining({ path: ['load', 'users', 'rate'], expected: 'a rate of at most 1000000000/s', found: '"2000000/ms"' }),
    ]);
  });

  it('accepts the largest values of the ranges', () => {
    const largest = variant((s) => {
      s.services.back.replicas = MAX_REPLICAS;
      s.security = { certificates: { ttl: '2160h' } };
      s.mesh = { policies: [{ from: 'front', to: 'back', retryBudget: { type: 'linkerd', ttl: '1m' }, connectionPool: { maxConnections: MAX_UINT32 } }] };
    });
    expect(parseScenario(stringify(largest), 'largest.yaml').services.back.replicas).toBe(MAX_REPLICAS);
  });

  it('publishes the same bounds in the JSON Schema, derived from the same constants', () => {
    const schema = JSON.parse(generateScenarioJsonSchema());
    const service = schema.properties.services.additionalProperties.properties;
    expect(service.replicas).toMatchObject({ minimum: 1, maximum: MAX_REPLICAS });
    expect(service.replicas.description).toContain(String(MAX_REPLICAS.toLocaleString('en-US')));
    const ttl = schema.properties.security.properties.certificates.properties.ttl;
    expect(ttl.description).toContain(`at most ${MAX_WORKLOAD_CERT_TTL_MS / 3_600_000}h`);
    expect(ttl.pattern).toBe('^(?:\\d{1,15}(?:\\.\\d{1,9})?(?:us|µs|ms|s|m|h))+$');
    const budgets = schema.properties.mesh.properties.policies.items.properties.retryBudget.oneOf;
    expect(budgets.find((b: any) => b.properties.type.const === 'linkerd').properties.ttl.description).toContain(`at most ${LINKERD_MAX_TTL_MS / 60_000}m`);
  });
});
