/** The scenario format's smallest pieces: durations, rates, probabilities, names. */
import { z } from 'zod';
import { parseDuration, parseRate, DURATION_PATTERN, RATE_PATTERN } from './units.js';

/** A duration with a unit (`250ms`, `2s`, `1h`), normalised to milliseconds. */
export const Duration = z
  .string()
  .regex(DURATION_PATTERN, 'expected a duration with a unit, like 250ms, 2s, 1h or 1h30m')
  .transform(parseDuration)
  .meta({ description: 'A duration with a unit: us, ms, s, m or h (e.g. 250ms, 2s, 1h, 1h30m).' });

/** A rate with a unit (`500/s`, `30/m`, `100/h`), normalised to events per millisecond. */
export const Rate = z
  .string()
  .regex(RATE_PATTERN, 'expected a rate with a unit, like 500/s, 30/m or 100/h')
  .transform(parseRate)
  .meta({ description: 'A rate with a unit: /ms, /s, /m or /h (e.g. 500/s).' });

/** A probability in [0, 1]. */
export const Probability = z.number().min(0).max(1);
/** A name of a service, zone, class or load. */
export const Name = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . -');

