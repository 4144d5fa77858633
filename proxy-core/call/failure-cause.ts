/**
 * Why a call failed, as counted in the run report (`errors.<cause>`). The same codes are
 * used in sim and live mode.
 */
export const FAILURE_CAUSES = [
  'timeout',
  '5xx',
  '4xx',
  'reset',
  'connect-failure',
  'overflow',
  'breaker-open',
  'rate-limited',
  'budget-exhausted',
  'ejected',
  'authz-denied',
  'authn-failed',
  'tls',
  'cancelled',
] as const;

/** One of {@link FAILURE_CAUSES}. */
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/** The outcome of a call: success or a failure cause. */
export type Outcome = 'ok' | FailureCause;

/** Classifies an HTTP status as the report does: 2xx/3xx ok, 429 rate-limited, other 4xx, 5xx. */
export function outcomeOfStatus(status: number): Outcome {
  if (status < 400) return 'ok';
  if (status === 429) return 'rate-limited';
  if (status < 500) return '4xx';
  return '5xx';
}
