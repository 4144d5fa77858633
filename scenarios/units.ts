/** Units of durations and rates in scenario files, and their conversion to milliseconds. */
import { MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS } from './limits.js';

const DURATION_UNITS_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const RATE_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** The number of a duration or a rate: at most {@link MAX_INTEGER_DIGITS} digits before the point and {@link MAX_FRACTION_DIGITS} after. */
const NUMBER = `\\d{1,${MAX_INTEGER_DIGITS}}(?:\\.\\d{1,${MAX_FRACTION_DIGITS}})?`;

/** `250ms`, `1.5s`, `2m`, `1h`, `0s`, and Go's compound form as Istio writes it: `1h30m`, `2m30s`. */
export const DURATION_PATTERN = new RegExp(`^(?:${NUMBER}(?:us|µs|ms|s|m|h))+$`);
const DURATION_PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/g;
/** `500/s`, `0.5/ms`, `30/m`, `100/h`. */
export const RATE_PATTERN = new RegExp(`^(${NUMBER})\\s*\\/\\s*(ms|s|m|min|h)$`);

/** The first number in `text` with more digits than {@link DURATION_PATTERN} and {@link RATE_PATTERN} allow, if any. */
export function overlongNumber(text: string): string | undefined {
  for (const [number, integer, fraction = ''] of text.matchAll(/(\d+)(?:\.(\d+))?/g)) {
    if (integer.length > MAX_INTEGER_DIGITS || fraction.length > MAX_FRACTION_DIGITS) return number;
  }
  return undefined;
}

/** Parses a duration with a unit into milliseconds. Assumes `text` matches {@link DURATION_PATTERN}. */
export function parseDuration(text: string): number {
  let ms = 0;
  for (const [, value, unit] of text.matchAll(DURATION_PART)) ms += Number(value) * DURATION_UNITS_MS[unit];
  return ms;
}

/** Parses a rate with a unit into events per millisecond. Assumes `text` matches {@link RATE_PATTERN}. */
export function parseRate(text: string): number {
  const m = RATE_PATTERN.exec(text)!;
  return Number(m[1]) / RATE_UNITS_MS[m[2]];
}

/** Formats milliseconds for people: `0ms`, `850µs`, `12.5ms`, `2.5s`, `3m 20s`, `1h 5m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  if (ms < 1) return `${round(ms * 1000)}µs`;
  if (ms < 1000) return `${round(ms)}ms`;
  if (ms < 59_995) return `${round(ms / 1000)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return joinUnits(Math.floor(seconds / 60), 'm', seconds % 60, 's');
  const minutes = Math.round(ms / 60_000);
  return joinUnits(Math.floor(minutes / 60), 'h', minutes % 60, 'm');
}

function joinUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor ? `${major}${majorUnit} ${minor}${minorUnit}` : `${major}${majorUnit}`;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
