/**
 * The report has a bounded number of time series (one for the load's entry, one per request
 * class, service and edge): its summary is a table of them. How many points they hold (the
 * run's length over the resolution) is a matter of the run's cost, not of the format.
 */
import type { IssueDraft } from '../issue-draft.js';
import { MAX_REPORT_SERIES } from '../limits.js';
import type { Scenario } from '../schema.js';
import { callEdges } from './call-graph.js';

/** An issue when the report would hold more than {@link MAX_REPORT_SERIES} time series. */
export function checkReport(scenario: Scenario): IssueDraft[] {
  const series = seriesOf(scenario);
  const total = series.entry + series.classes + series.services + series.edges;
  if (total <= MAX_REPORT_SERIES) return [];
  return [
    {
      code: 'FL_SCENARIO_SCHEMA',
      path: [],
      message: `a report of ${count(total)} time series (${count(series.classes)} request classes, ${count(series.services)} services, ${count(series.edges)} edges)`,
      expected: `at most ${count(MAX_REPORT_SERIES)} time series`,
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

function count(n: number): string {
  return n.toLocaleString('en-US');
}
