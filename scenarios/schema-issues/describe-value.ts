/** How a value found in a scenario file is named in messages: by its value when short, else by its type. */

const SHORT = 40;

/**
 * `"5 ms"`, `5`, `true`, `null`, `nothing` (a missing key), `a list of 3 items`,
 * `a mapping with keys a, b`, or `a string of 120 characters` when a string is long.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length <= SHORT ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return describeMapping(Object.keys(value));
}

function describeMapping(keys: string[]): string {
  if (keys.length === 0) return 'an empty mapping';
  const list = keys.map((key) => JSON.stringify(key)).join(', ');
  return list.length <= SHORT ? `a mapping with key${keys.length === 1 ? '' : 's'} ${list}` : `a mapping with ${keys.length} keys`;
}
