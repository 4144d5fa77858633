/** Durations as k6 writes them: Go's `time.ParseDuration` form (`5m`, `1m30s`, `250ms`, `1h2m3s4ms5us`). */

const UNITS: readonly [string, number][] = [
  ['h', 3_600_000_000],
  ['m', 60_000_000],
  ['s', 1_000_000],
  ['ms', 1_000],
  ['us', 1],
];

/**
 * `ms` milliseconds as a k6 duration, exact to the microsecond (the finest unit a scenario
 * file writes): `0s`, `250ms`, `1m30s`, `2h`, `1.5ms` as `1ms500us`.
 */
export function k6Duration(ms: number): string {
  let us = Math.round(ms * 1000);
  if (us === 0) return '0s';
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(us / size);
    if (count > 0) text += `${count}${unit}`;
    us -= count * size;
  }
  return text;
}
