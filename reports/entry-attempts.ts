/**
 * The entry's attempts. The load's requests enter the mesh on the load's own edges
 * (`<load>-><target>`), whose routers send the attempts; the entry counts requests and
 * outcomes as the load saw them. Its attempts are therefore the attempts on those edges.
 */
import type { CallStats } from './report.js';
import { round3 } from './time-series.js';

/**
 * `entry` with `attempts`, `retries`, `amplification` and `timeseries.attempts` counted from
 * the load's edges: the edges whose caller is a load (every request of the entry went out on
 * exactly one of them). The edges' time series must have the entry's resolution.
 */
export function withLoadAttempts(entry: CallStats, loadEdges: readonly CallStats[]): CallStats {
  const attempts = loadEdges.reduce((n, e) => n + e.attempts, 0);
  const series = entry.timeseries.attempts.map((_, i) => loadEdges.reduce((n, e) => n + (e.timeseries.attempts[i] ?? 0), 0));
  return {
    ...entry,
    attempts,
    retries: Math.max(0, attempts - entry.requests),
    amplification: entry.requests > 0 ? round3(attempts / entry.requests) : 0,
    timeseries: { ...entry.timeseries, attempts: series },
  };
}
