/** "Unknown name" messages for thresholds, with a suggestion for a likely typo. */
import { nearestName } from '../scenarios/nearest-name.js';

/**
 * Describes an unknown name: what was found, the nearest known name when it is a likely typo
 * (see {@link nearestName}), and the names expected.
 *
 * @example unknownName('metric', 'latncy', ['latency', 'errors'])
 * // 'unknown metric "latncy" (did you mean "latency"?); expected one of latency, errors'
 */
export function unknownName(kind: string, input: string, known: readonly string[]): string {
  const nearest = nearestName(input, known);
  const hint = nearest === undefined ? '' : ` (did you mean ${JSON.stringify(nearest)}?)`;
  return `unknown ${kind} ${JSON.stringify(input)}${hint}; expected one of ${known.join(', ')}`;
}
