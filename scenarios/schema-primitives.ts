/** The scenario format's smallest pieces: durations, rates, probabilities, names, and the bounds of durations and rates. */
import { z } from 'zod';
import { MAX_DURATION_MS, MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, MAX_RATE_PER_MS } from './limits.js';
import { formatDuration, overlongNumber, parseDuration, parseRate, DURATION_PATTERN, RATE_PATTERN } from './units.js';

/** The range a duration field accepts, in ms. */
export interface DurationBounds {
  /** Smallest value allowed; default 0. */
  min?: number;
  /** A value the duration must be above (an exclusive bound, e.g. 0 where the core needs a positive one). */
  above?: number;
  /** Largest value allowed; default {@link MAX_DURATION_MS}. */
  max?: number;
}

const DIGITS = `expected a number of at most ${MAX_INTEGER_DIGITS} digits before the point and ${MAX_FRACTION_DIGITS} after`;
const DURATION_FORM = 'A duration with a unit: us, ms, s, m or h (e.g. 250ms, 2s, 1h, 1h30m)';

/**
 * A duration with a unit (`250ms`, `2s`, `1h`, `1h30m`), normalised to milliseconds, within
 * `bounds` (by default 0 to {@link MAX_DURATION_MS}). Its numbers may have at most
 * {@link MAX_INTEGER_DIGITS} digits before the point and {@link MAX_FRACTION_DIGITS} after,
 * which the published pattern says too. The JSON Schema description is `description`
 * followed by the form and the range, so editors show the bounds.
 */
export function duration(bounds: DurationBounds = {}, description?: string) {
  const { min = 0, above, max = MAX_DURATION_MS } = bounds;
  const range = durationRange(min, above, max);
  return z
    .string()
    .refine((text) => overlongNumber(text) === undefined, { message: DIGITS, abort: true })
    .regex(DURATION_PATTERN, 'expected a duration with a unit, like 250ms, 2s, 1h or 1h30m')
    .transform(parseDuration)
    .refine((ms) => ms >= min && ms <= max && (above === undefined || ms > above), `expected a duration ${range}`)
    .meta({ description: [description, `${DURATION_FORM}, ${range}.`].filter(Boolean).join(' ') });
}

/** `above 0 and at most 2160h (90 days)`, `of at least 1ms and at most 8760h (365 days)`, `of at most 10s`. */
function durationRange(min: number, above: number | undefined, max: number): string {
  const top = `at most ${formatDuration(max)}${max >= 2 * DAY_MS && max % DAY_MS === 0 ? ` (${max / DAY_MS} days)` : ''}`;
  if (above !== undefined) return `above ${above === 0 ? '0' : formatDuration(above)} and ${top}`;
  return min > 0 ? `of at least ${formatDuration(min)} and ${top}` : `of ${top}`;
}

const DAY_MS = 24 * 3_600_000;

/** A duration with a unit, normalised to milliseconds, from 0 to {@link MAX_DURATION_MS}. */
export const Duration = duration();

const MAX_RATE = `${MAX_RATE_PER_MS * 1000}/s`;

/** A rate with a unit (`500/s`, `30/m`, `100/h`), normalised to events per millisecond, from 0 to {@link MAX_RATE_PER_MS}. */
export const Rate = z
  .string()
  .refine((text) => overlongNumber(text) === undefined, { message: DIGITS, abort: true })
  .regex(RATE_PATTERN, 'expected a rate with a unit, like 500/s, 30/m or 100/h')
  .transform(parseRate)
  .refine((perMs) => perMs <= MAX_RATE_PER_MS, `expected a rate of at most ${MAX_RATE}`)
  .meta({ description: `A rate with a unit: /ms, /s, /m or /h (e.g. 500/s), at most ${MAX_RATE}.` });

/** A field's description followed by its upper bound, one of faultline's own (scenarios/limits.ts). */
export function withBound(description: string, max: number): string {
  return `${description} At most ${max.toLocaleString('en-US')}, a bound far beyond real scenarios.`;
}

/** A probability in [0, 1]. */
export const Probability = z.number().min(0).max(1);
/** A name of a service, zone, class or load. */
export const Name = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . -');
