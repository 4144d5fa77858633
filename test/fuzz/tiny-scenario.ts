/** A scenario small enough to fuzz in a test in well under a second: a run is a few milliseconds. */
import { stringify } from 'yaml';

/**
 * front calls back (two replicas) at 50 req/s for 2 s; success must stay above 90%. Retries
 * absorb one replica's failure; both failing at once for long enough breaks it.
 */
export const TINY = {
  version: 1,
  name: 'tiny mesh',
  description: 'front calls back, two replicas; retries absorb one failing replica',
  seed: 4,
  services: {
    front: { latency: '1ms', calls: [{ to: 'back' }] },
    back: { replicas: 2, latency: { type: 'exponential', mean: '2ms' } },
  },
  mesh: { policies: [{ from: 'front', to: 'back', timeout: '300ms', retries: { attempts: 2, perTryTimeout: '100ms', retryOn: '5xx,reset,connect-failure' } }] },
  load: { users: { executor: 'constant-arrival-rate', rate: '50/s', duration: '2s', target: 'front' } },
  thresholds: { success: ['rate>0.9'] },
  fuzz: { faults: { count: { max: 2 }, kinds: ['crash', 'latency'], targets: { instances: ['back'] }, duration: { min: '100ms', max: '1s' }, latency: { min: '1ms', max: '50ms' } } },
};

/** {@link TINY} as a file's text. */
export const TINY_YAML = `# a tiny mesh to fuzz\n${stringify(TINY)}`;
