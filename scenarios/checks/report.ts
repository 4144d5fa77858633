/** The report's time series stay a bounded size: the run's length over the resolution. */
import { loadEndMs } from '../../sim/planned-end.js';
import type { IssueDraft } from '../issue-draft.js';
import { MAX_TIMESERIES_POINTS } from '../limits.js';
import type { Scenario } from '../schema.js';
import { formatDuration } from '../units.js';

/**
 * An issue at `report.resolution` when a series of the report would have more than
 * {@link MAX_TIMESERIES_POINTS} points over the longest the run can last (each load's end
 * plus its graceful stop).
 */
export function checkReport(scenario: Scenario): IssueDraft[] {
  const resolution = scenario.report.resolution;
  const longest = Math.max(0, ...Object.values(scenario.load).map((load) => loadEndMs(load) + load.gracefulStop));
  const points = Math.ceil(longest / resolution);
  if (points <= MAX_TIMESERIES_POINTS) return [];
  return [
    {
      code: 'FL_SCENARIO_SCHEMA',
      path: ['report', 'resolution'],
      message: `${points.toLocaleString('en-US')} time-series points for a run of up to ${formatDuration(longest)}`,
      expected: `at most ${MAX_TIMESERIES_POINTS.toLocaleString('en-US')} points: a resolution of at least ${formatDuration(Math.ceil(longest / MAX_TIMESERIES_POINTS))}`,
      found: formatDuration(resolution),
    },
  ];
}
