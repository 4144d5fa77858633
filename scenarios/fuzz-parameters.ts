/**
 * The mesh-policy parameters `faultline fuzz` can search (`fuzz.parameters[].field`): where
 * each sits in a policy, what kind of value it takes, and the schema that value must pass —
 * the mesh section's own, so a fuzzed value is always one a scenario file could hold.
 */
import type { z } from 'zod';
import { CircuitBreaker, ConnectionPool, MeshPolicy, OutlierDetection, Retries, RetryBudget } from './mesh-schema.js';

/** How a parameter's values are drawn: whole numbers, whole milliseconds, or numbers in hundredths. */
export type ParameterKind = 'integer' | 'duration' | 'number';

/** One searchable parameter of a mesh policy. */
export interface ParameterSpec {
  /** Key path inside the policy, e.g. `['retries', 'attempts']`. */
  readonly path: readonly [string] | readonly [string, string];
  readonly kind: ParameterKind;
  /** The value schema of the field, from the mesh section (input side: durations as `250ms`). */
  readonly schema: z.ZodType;
  /** The retry budget type the field belongs to, for `retryBudget.*`. */
  readonly budgetType?: 'envoy' | 'linkerd' | 'grpc' | 'adaptive';
}

/** The field `key` of the retry budget of type `type`. */
function budgetField(type: NonNullable<ParameterSpec['budgetType']>, key: string): z.ZodType {
  const option = RetryBudget.options.find((o) => o.shape.type.value === type)!;
  return (option.shape as Record<string, z.ZodType>)[key];
}

/** Every parameter `fuzz.parameters` can name, by its `field`. */
export const POLICY_PARAMETERS = {
  timeout: { path: ['timeout'], kind: 'duration', schema: MeshPolicy.shape.timeout },
  'retries.attempts': { path: ['retries', 'attempts'], kind: 'integer', schema: Retries.shape.attempts },
  'retries.perTryTimeout': { path: ['retries', 'perTryTimeout'], kind: 'duration', schema: Retries.shape.perTryTimeout },
  'retryBudget.percent': { path: ['retryBudget', 'percent'], kind: 'number', schema: budgetField('envoy', 'percent'), budgetType: 'envoy' },
  'retryBudget.minRetryConcurrency': { path: ['retryBudget', 'minRetryConcurrency'], kind: 'integer', schema: budgetField('envoy', 'minRetryConcurrency'), budgetType: 'envoy' },
  'retryBudget.retryRatio': { path: ['retryBudget', 'retryRatio'], kind: 'number', schema: budgetField('linkerd', 'retryRatio'), budgetType: 'linkerd' },
  'retryBudget.tokenRatio': { path: ['retryBudget', 'tokenRatio'], kind: 'number', schema: budgetField('grpc', 'tokenRatio'), budgetType: 'grpc' },
  'retryBudget.maxRetryRatio': { path: ['retryBudget', 'maxRetryRatio'], kind: 'number', schema: budgetField('adaptive', 'maxRetryRatio'), budgetType: 'adaptive' },
  'circuitBreaker.failureRateThreshold': { path: ['circuitBreaker', 'failureRateThreshold'], kind: 'number', schema: CircuitBreaker.shape.failureRateThreshold },
  'circuitBreaker.minimumNumberOfCalls': { path: ['circuitBreaker', 'minimumNumberOfCalls'], kind: 'integer', schema: CircuitBreaker.shape.minimumNumberOfCalls },
  'circuitBreaker.slidingWindowSize': { path: ['circuitBreaker', 'slidingWindowSize'], kind: 'integer', schema: CircuitBreaker.shape.slidingWindowSize },
  'circuitBreaker.waitDurationInOpenState': { path: ['circuitBreaker', 'waitDurationInOpenState'], kind: 'duration', schema: CircuitBreaker.shape.waitDurationInOpenState },
  'outlierDetection.consecutive5xxErrors': { path: ['outlierDetection', 'consecutive5xxErrors'], kind: 'integer', schema: OutlierDetection.shape.consecutive5xxErrors },
  'outlierDetection.baseEjectionTime': { path: ['outlierDetection', 'baseEjectionTime'], kind: 'duration', schema: OutlierDetection.shape.baseEjectionTime },
  'outlierDetection.maxEjectionPercent': { path: ['outlierDetection', 'maxEjectionPercent'], kind: 'number', schema: OutlierDetection.shape.maxEjectionPercent },
  'connectionPool.maxRetries': { path: ['connectionPool', 'maxRetries'], kind: 'integer', schema: ConnectionPool.shape.maxRetries },
  'bulkhead.maxConcurrentCalls': { path: ['bulkhead', 'maxConcurrentCalls'], kind: 'integer', schema: MeshPolicy.shape.bulkhead.unwrap().shape.maxConcurrentCalls },
} as const satisfies Record<string, ParameterSpec>;

/** The name of a searchable parameter. */
export type ParameterField = keyof typeof POLICY_PARAMETERS;

/** The names of the searchable parameters, in the order above. */
export const PARAMETER_FIELDS = Object.keys(POLICY_PARAMETERS) as [ParameterField, ...ParameterField[]];
