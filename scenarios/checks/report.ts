/**
 * The report stays a bounded size: its time series (one for the load's entry, one per
 * request class, service and edge) and their points (the run's length over the resolution).
 */
import { loadEndMs } from '../../sim/planned-end.js';
import type { IssueDraft } from '../issue-draft.js';
import { MAX_REPORT_POINTS, MAX_REPORT_SERIES } from '../limits.js';
import type { Scenario } from '../schema.js';
import { formatDuration } from '../units.js';
import { callEdges } from './call-graph.js';

/**
 * An issue when the report would hold more than {@link MAX_REPORT_SERIES} time series, or
 * more than {@link MAX_REPORT_POINTS} points over the longest the run can last (each load's
 * end plus its graceful stop), at `report.resolution` with the resolution that would do.
 */
export function checkReport(scenario: Scenario): IssueDraft[] {
  const series = seriesOf(scenario);
  const total = series.entry + series.classes + series.services + series.edges;
  if (total > MAX_REPORT_SERIES) {
    return [
      {
        code: 'FL_SCENARIO_SCHEMA',
        path: [],
        message: `a report of ${count(total)} time series (${count(series.classes)} request classes, ${count(series.services)} services, ${count(series.edges)} edges)`,
        expected: `at most ${count(MAX_REPORT_SERIES)} time series`,
      },
    ];
  }
  const longest = longestRunMs(scenario);
  const points = total * Math.ceil(longest / scenario.report.resolution);
  if (points <= MAX_REPORT_POINTS) return [];
  return [
    {
      code: 'FL_SCENARIO_SCHEMA',
      path: ['report', 'resolution'],
      message: `${count(points)} time-series points: ${count(total)} series over a run of up to ${formatDuration(longest)}`,
      expected: `at most ${count(MAX_REPORT_POINTS)} points: a resolution of at least ${formatDuration(Math.ceil((longest * total) / MAX_REPORT_POINTS))}`,
      found: formatDuration(scenario.report.resolution),
    },
  ];
}

/** The time series a run records: the entry, each distinct request class, each service and each edge (calls and loads into the mesh). */
function seriesOf(scenario: Scenario): { entry: number; classes: number; services: number; edges: number } {
  const loads = Object.entries(scenario.load);
  const classes = new Set(loads.flatMap(([, load]) => load.classes.map((c) => c.name)));
  const edges = new Set([...loads.map(([name, load]) => `${name}->${load.target}`), ...callEdges(scenario).map((e) => `${e.from}->${e.to}`)]);
  return { entry: 1, classes: classes.size, services: Object.keys(scenario.services).length, edges: edges.size };
}

/** The longest a run can last: a load's end plus its graceful stop (a loop: there may be many loads). */
function longestRunMs(scenario: Scenario): number {
  let longest = 0;
  for (const load of Object.values(scenario.load)) longest = Math.max(longest, loadEndMs(load) + load.gracefulStop);
  return longest;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
