/**
 * The semantic checks take time linear in the scenario's size: a hostile file with a great
 * many classes, services or bad names is answered in bounded time (the bounds here are
 * generous wall times, for a slow machine; the quadratic versions took minutes or overflowed
 * the stack).
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkCallCycles } from '../../scenarios/checks/call-cycles.js';
import { checkCalls } from '../../scenarios/checks/calls.js';
import { checkLoad } from '../../scenarios/checks/load.js';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import type { Scenario } from '../../scenarios/schema.js';
import { BASE } from './helpers.js';

const WALL_MS = 20_000;

/** The base scenario, parsed, for a check to run on after the schema (which, or the report's bounds, would refuse these sizes). */
function parsedBase(): Scenario {
  return parseScenario(stringify(BASE), 'base.yaml');
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

describe('checks in linear time', () => {
  it('finds repeated class names among 400,000 classes', () => {
    const scenario = parsedBase();
    const [template] = scenario.load.users.classes;
    scenario.load.users.classes = Array.from({ length: 400_000 }, (_, i) => ({ ...template, name: `c${i % 200_000}` }));
    const { result, ms } = timed(() => checkLoad(scenario));
    expect(result).toHaveLength(200_000);
    expect(result[0]).toMatchObject({ path: ['load', 'users', 'classes', 200_000, 'name'], message: 'class name already used by classes[0]' });
    expect(ms).toBeLessThan(WALL_MS);
  });

  it('follows a call chain of 100,000 services without recursion, and shortens the cycle it closes', () => {
    const scenario = parsedBase();
    const n = 100_000;
    scenario.services = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`s${i}`, { ...scenario.services.back, calls: [{ to: `s${(i + 1) % n}`, optional: false, method: 'GET', path: '/' }] }]),
    );
    scenario.load.users.target = 's0';
    const { result, ms } = timed(() => checkCallCycles(scenario));
    expect(result).toEqual([
      expect.objectContaining({ path: ['services', `s${n - 1}`, 'calls', 0, 'to'], message: `call cycle s0 -> s1 -> s2 -> s3 -> s4 -> … ${n - 10} more … -> s${n - 5} -> s${n - 4} -> s${n - 3} -> s${n - 2} -> s${n - 1} -> s0` }),
    ]);
    expect(ms).toBeLessThan(WALL_MS);
  });

  it('names 20,000 unknown services among 20,000 known ones, leaving the suggestions for the issues reported', () => {
    const scenario = parsedBase();
    const n = 20_000;
    scenario.services = Object.fromEntries(Array.from({ length: n }, (_, i) => [`service${i}`, { ...scenario.services.back, calls: [{ to: `servic${i}`, optional: false, method: 'GET', path: '/' }] }]));
    scenario.load.users.target = 'service0';
    const { result, ms } = timed(() => checkCalls(scenario));
    expect(result).toHaveLength(n);
    expect(result[1]).toMatchObject({ message: 'call to an unknown service', found: '"servic1"' });
    expect(result[1].suggest?.()).toBe('service1');
    expect(ms).toBeLessThan(WALL_MS);
  });
});
