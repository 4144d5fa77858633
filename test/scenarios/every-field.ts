/** A valid scenario that uses every part of the format, for tests that go through all its fields. */

/**
 * A small scenario with every block of the format, each distribution type, budget type,
 * load executor and fault kind at least once. Its load is tiny (about 40 requests in 1 s of
 * simulated time), so a value that is accepted runs in milliseconds.
 */
export const EXAMPLE = {
  version: 1,
  name: 'every field',
  seed: 3,
  zones: ['a', 'b'],
  network: {
    sameZone: '0.1ms',
    crossZone: { type: 'lognormal', median: '1ms', p99: '3ms' },
    between: [{ zones: ['a', 'b'], latency: { type: 'uniform', min: '1ms', max: '2ms' } }],
  },
  services: {
    front: { replicas: 2, zones: ['a', 'b'], concurrency: 8, queue: 16, latency: { type: 'normal', mean: '2ms', stddev: '1ms' }, calls: [{ to: 'back' }, { parallel: [{ to: 'db', optional: true }] }] },
    back: { replicas: 2, latency: { type: 'exponential', mean: '2ms' }, errorRate: 0.1, retryAfter: '50ms', calls: [{ to: 'db' }] },
    db: { latency: { type: 'empirical', percentiles: { p50: '1ms', p99: '5ms' } } },
    side: { latency: { type: 'pareto', scale: '1ms', shape: 2 } },
  },
  mesh: {
    policies: [
      {
        from: 'front',
        to: 'back',
        timeout: '500ms',
        retries: { attempts: 2, perTryTimeout: '100ms', retryOn: '5xx', backoff: { type: 'grpc', base: '5ms', max: '50ms', multiplier: 2 } },
        retryBudget: { type: 'envoy', percent: 20, minRetryConcurrency: 3 },
        connectionPool: { maxConnections: 100, maxPendingRequests: 100, maxRequests: 100, maxRetries: 3 },
        outlierDetection: {
          consecutive5xxErrors: 5,
          consecutiveGatewayErrors: 5,
          interval: '100ms',
          baseEjectionTime: '200ms',
          maxEjectionTime: '1s',
          maxEjectionPercent: 50,
          successRate: { minimumHosts: 2, requestVolume: 5, stdevFactor: 1.9 },
          failurePercentage: { threshold: 85, minimumHosts: 2, requestVolume: 5 },
        },
        failureAccrual: { consecutiveFailures: 5, minPenalty: '100ms', maxPenalty: '1s', jitterRatio: 0.5 },
        circuitBreaker: {
          slidingWindowSize: 10,
          minimumNumberOfCalls: 5,
          failureRateThreshold: 50,
          slowCallRateThreshold: 100,
          slowCallDurationThreshold: '100ms',
          waitDurationInOpenState: '200ms',
          permittedNumberOfCallsInHalfOpenState: 2,
        },
        bulkhead: { maxConcurrentCalls: 10 },
        loadBalancer: { simple: 'LEAST_REQUEST', choiceCount: 2, activeRequestBias: 1, localityLbSetting: { enabled: true, overprovisioningFactor: 1.4 }, panicThreshold: 50 },
        fault: { delay: { fixedDelay: '1ms', percentage: 10 }, abort: { httpStatus: 503, percentage: 5 } },
        rateLimit: { requestsPerUnit: 100, unit: 'second', key: 'x-tier', overrides: [{ value: 'gold', requestsPerUnit: 200, unit: 'second' }] },
      },
      { from: 'front', to: 'db', hedging: { maxAttempts: 3, hedgingDelay: '2ms' }, retryBudget: { type: 'linkerd', retryRatio: 0.2, minRetriesPerSecond: 10, ttl: '10s' } },
      { from: 'back', to: 'db', retries: { attempts: 1 }, retryBudget: { type: 'grpc', maxTokens: 10, tokenRatio: 0.1 }, split: [{ service: 'db', weight: 1 }] },
      { from: 'users', to: 'front', retryBudget: { type: 'adaptive', k: 2, window: '10s', maxRetryRatio: 0.1 } },
    ],
  },
  security: {
    certificates: { ttl: '1h', graceRatio: 0.5 },
    issuers: [{ issuer: 'https://idp.example', key: 'k1' }],
    requestAuthentication: [{ service: 'back', jwtRules: [{ issuer: 'https://idp.example' }] }],
    tokens: { t: { issuer: 'https://idp.example', subject: 'me', expiresIn: '1h' } },
  },
  load: {
    users: {
      executor: 'constant-arrival-rate',
      rate: '20/s',
      duration: '1s',
      maxVUs: 50,
      target: 'front',
      startTime: '0s',
      gracefulStop: '1s',
      classes: [
        { name: 'web', weight: 1, token: 't' },
        { name: 'gold', weight: 2, headers: { 'x-tier': 'gold' } },
      ],
    },
    ramp: { executor: 'ramping-arrival-rate', startRate: '5/s', stages: [{ duration: '500ms', target: '10/s' }], maxVUs: 10, target: 'back', classes: [{ name: 'ramp', weight: 1 }] },
    vus: { executor: 'constant-vus', vus: 2, duration: '1s', thinkTime: { type: 'constant', value: '50ms' }, target: 'side', classes: [{ name: 'vu', weight: 1 }] },
  },
  faults: [
    { kind: 'latency', service: 'db', instance: 0, delay: '5ms', jitter: '1ms', at: '200ms', for: '300ms' },
    { kind: 'abort', edge: 'front->back', status: 502, percent: 50, at: '200ms', for: '300ms' },
    { kind: 'crash', zone: 'b', at: '300ms', for: '100ms' },
    { kind: 'partition', service: 'side', at: '300ms', for: '100ms' },
    { kind: 'slowdown', service: 'back', factor: 2, at: '300ms', for: '100ms' },
    { kind: 'blackhole', service: 'db', at: '600ms', for: '100ms' },
    { kind: 'ca-outage', at: '100ms', for: '100ms' },
  ],
  thresholds: { latency: ['p(99)<500', { threshold: 'p(50)<400', abortOnFail: true, delayAbortEval: '100ms' }] },
  report: { resolution: '100ms' },
  fuzz: {
    faults: {
      count: { min: 0, max: 2 },
      kinds: ['crash', 'latency', 'abort', 'slowdown', 'partition', 'blackhole', 'ca-outage'],
      targets: { services: ['back'], instances: ['front'], zones: ['a'], edges: ['front->back'] },
      window: { from: '100ms', to: '900ms' },
      duration: { min: '50ms', max: '400ms' },
      latency: { min: '5ms', max: '50ms' },
      abort: { min: 10, max: 90 },
      slowdown: { min: 1.5, max: 4 },
    },
    load: { users: { rate: { min: '10/s', max: '40/s' }, spike: { factor: { min: 1, max: 3 }, for: { min: '100ms', max: '300ms' }, ramp: '50ms' } }, vus: { vus: { min: 1, max: 4 } } },
    parameters: [
      { from: 'front', to: 'back', field: 'retries.attempts', min: 0, max: 3 },
      { from: 'front', to: 'back', field: 'timeout', min: '100ms', max: '1s' },
    ],
  },
};

