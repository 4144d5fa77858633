/** Latency distributions whose parameters make sense together. */
import type { IssueDraft } from '../issue-draft.js';
import type { Distribution, Scenario } from '../schema.js';
import { formatDuration } from '../units.js';

type Path = (string | number)[];

/**
 * An issue for a uniform distribution with min above max, a lognormal one with p99 below
 * its median or a median of 0 (its log is undefined), and an empirical one with fewer than
 * 2 percentiles or a latency that shrinks as the percentile grows.
 */
export function checkDistributions(scenario: Scenario): IssueDraft[] {
  return distributions(scenario).flatMap(([path, d]) => {
    if (d.type === 'uniform') return d.min <= d.max ? [] : [order([...path, 'max'], 'max is below min', d.min, d.max)];
    if (d.type === 'lognormal') return lognormal(path, d.median, d.p99);
    if (d.type === 'empirical') return empirical(path, d.percentiles);
    return [];
  });
}

/** Every distribution of the scenario with its key path. */
function distributions(scenario: Scenario): [Path, Distribution][] {
  const { network } = scenario;
  return [
    ...Object.entries(scenario.services).map(([name, s]): [Path, Distribution] => [['services', name, 'latency'], s.latency]),
    [['network', 'sameZone'], network.sameZone],
    [['network', 'crossZone'], network.crossZone],
    ...network.between.map((rule, i): [Path, Distribution] => [['network', 'between', i, 'latency'], rule.latency]),
    ...Object.entries(scenario.load).flatMap(([name, load]): [Path, Distribution][] =>
      load.executor === 'constant-vus' ? [[['load', name, 'thinkTime'], load.thinkTime]] : [],
    ),
  ];
}

function lognormal(path: Path, median: number, p99: number): IssueDraft[] {
  if (median <= 0) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path: [...path, 'median'], message: 'lognormal median of 0', expected: 'a duration above 0', found: formatDuration(median) }];
  }
  return p99 >= median ? [] : [order([...path, 'p99'], 'p99 is below the median', median, p99)];
}

function empirical(path: Path, percentiles: Record<string, number>): IssueDraft[] {
  const points = Object.entries(percentiles).sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)));
  if (points.length < 2) {
    return [
      {
        code: 'FL_SCENARIO_SCHEMA',
        path: [...path, 'percentiles'],
        message: 'too few percentiles to interpolate between',
        expected: 'at least 2, like p50 and p99',
        found: String(points.length),
      },
    ];
  }
  return points.slice(1).flatMap(([key, ms], i) => {
    const [before, floor] = points[i];
    return ms >= floor ? [] : [order([...path, 'percentiles', key], `${key} is below ${before}`, floor, ms)];
  });
}

function order(path: Path, message: string, floor: number, found: number): IssueDraft {
  return { code: 'FL_SCENARIO_SCHEMA', path, message, expected: `at least ${formatDuration(floor)}`, found: formatDuration(found) };
}
