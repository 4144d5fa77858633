/**
 * The names a generated k6 script gives the scenario's things: a k6 scenario per load (k6
 * allows letters, digits, `_` and `-` in them), an exported function per load for its
 * `exec`, and an environment variable per entry service for its address. Each is derived
 * from the faultline name, made unique when two names sanitize alike.
 */
import type { Scenario } from '../../scenarios/schema.js';

/** The names of one scenario's things in its k6 script. */
export interface K6Names {
  /** Load name → k6 scenario name (its `scenario` tag). */
  readonly scenario: ReadonlyMap<string, string>;
  /** Load name → the exported function its k6 scenario runs (`exec`). */
  readonly exec: ReadonlyMap<string, string>;
  /** Entry service → the stem of its variables: `FAULTLINE_<STEM>_URL`, `FAULTLINE_<STEM>_GRPC`, and of the script's constants. */
  readonly service: ReadonlyMap<string, string>;
}

/** The k6 names of `scenario`'s loads and entry services, in file order. */
export function k6Names(scenario: Scenario): K6Names {
  const loads = Object.keys(scenario.load);
  const entries = [...new Set(Object.values(scenario.load).map((load) => load.target))];
  return {
    scenario: uniqueNames(loads, (name) => name.replace(/[^A-Za-z0-9_-]/g, '_')),
    exec: uniqueNames(loads, (name) => `load_${name.replace(/[^A-Za-z0-9_]/g, '_')}`),
    service: uniqueNames(entries, (name) => name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()),
  };
}

/** Each name's sanitized form, with `_2`, `_3`… after those that would repeat an earlier one. */
function uniqueNames(names: readonly string[], sanitize: (name: string) => string): Map<string, string> {
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const name of names) {
    const base = sanitize(name);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    out.set(name, candidate);
  }
  return out;
}
