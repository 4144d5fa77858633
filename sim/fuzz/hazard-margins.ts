/**
 * Hazards: how close a run came to a cliff that no threshold sees until it is crossed. A
 * threshold on a success rate reads 100% right up to the moment a certificate expires, so it
 * gives the guided search nothing to climb; a hazard does. Each is a margin as the thresholds'
 * are (threshold-margin.ts): 1 when the run stayed as far from the cliff as it can, less as
 * it came closer, 0 or less once it went over.
 */
import type { Scenario } from '../../scenarios/schema.js';
import type { RunVerdict } from '../run-simulation.js';

/** A grace ratio below this is taken as this, so that a margin stays finite. */
const SMALLEST_GRACE = 1e-3;

/**
 * The hazards of a run of `scenario`, always the same list for one scenario:
 * - **certificate life** (when some callee takes mTLS): the least fraction of its lifetime a
 *   workload certificate had left, over the grace ratio at which it is due for rotation
 *   (Envoy's `server.days_until_first_cert_expiring`, as a low-water mark). 1 while every
 *   rotation is on time; a CA outage over a rotation lowers it as it lasts; 0 at expiry.
 */
export function hazardMargins(scenario: Scenario, verdict: RunVerdict): number[] {
  if (verdict.certificateLifeLeft === null) return [];
  const grace = Math.max(scenario.security.certificates.graceRatio, SMALLEST_GRACE);
  return [Math.min(1, verdict.certificateLifeLeft / grace)];
}
