/**
 * The compact human summary of a run for a terminal, in the manner of k6's end-of-test
 * summary: a header, traffic per service and per edge, what the policies did, each fault
 * before, during and after it with the entry's recovery, then the thresholds and the verdict.
 */
import { formatDuration } from '../scenarios/units.js';
import { painter } from './color.js';
import type { Paint } from './color.js';
import { faultSections } from './fault-summary.js';
import { METRICS } from './metric-catalogue.js';
import { parseMetricSelector } from './metric-selector.js';
import type { CallStats, EdgeStats, RunReport, ThresholdResult } from './report.js';
import { formatCount, NONE, trafficCells } from './summary-cells.js';
import { alignColumns, fitWidth } from './text-table.js';
import type { Align } from './text-table.js';

export { shouldUseColor } from './color.js';

/** How to render the summary. */
export interface SummaryOptions {
  /** Use ANSI colour (see {@link shouldUseColor}). */
  color: boolean;
  /** Terminal columns: table lines longer than this are cut with `…`. Default: no limit. */
  width?: number;
}

const TRAFFIC_COLUMNS = ['requests', 'rate', 'success', 'p50', 'p99', 'max', 'errors'];
const TRAFFIC_ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];

/**
 * Renders the summary of `report`, ending with a newline. The `(entry)` row is the traffic
 * from the load into the mesh; rates are per second of simulated time. The edge table is left
 * out when the run has no edges.
 */
export function renderSummary(report: RunReport, options: SummaryOptions): string {
  const paint = painter(options.color);
  const table = (title: string, rows: [string, CallStats][]) =>
    trafficTable(title, rows, report.engine.simulated_ms, options.width, paint);
  const edges = Object.entries(report.edges);
  const sections = [
    [headerLine(report, paint)],
    table('service', [['(entry)', report.entry], ...Object.entries(report.services)]),
    ...(edges.length > 0 ? [table('edge', edges)] : []),
    ...policySection(report, paint),
    ...faultSections(report, options.width, paint),
    ...liveWarnings(report, paint),
    thresholdLines(report.thresholds, paint),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** Live mode: what the machine did to the figures, in words, when it was the bottleneck. */
function liveWarnings(report: RunReport, paint: Paint): string[][] {
  const warnings = report.live?.warnings ?? [];
  return warnings.length === 0 ? [] : [warnings.map((w) => paint('yellow', `⚠ ${w}`))];
}

function headerLine({ scenario, mode, seed, engine }: RunReport, paint: Paint): string {
  const eventsPerSecond = engine.wall_ms > 0 ? formatCount((engine.events * 1000) / engine.wall_ms) : NONE;
  const details =
    mode === 'live'
      ? [mode, `seed ${seed}`, `${formatDuration(engine.simulated_ms)} of load on 127.0.0.1`, `${formatCount(engine.events)} requests served`]
      : [mode, `seed ${seed}`, `${formatDuration(engine.simulated_ms)} simulated`, `${formatCount(engine.events)} events in ${formatDuration(engine.wall_ms)}`, `${eventsPerSecond} events/s`];
  return `${scenario.name} ${paint('dim', `· ${details.join(' · ')}`)}`;
}

function trafficTable(
  title: string,
  rows: [string, CallStats][],
  simulatedMs: number,
  width: number | undefined,
  paint: Paint,
): string[] {
  const cells = rows.map(([name, stats]) => [name, ...trafficCells(stats, simulatedMs)]);
  const [header, ...body] = alignColumns([[title, ...TRAFFIC_COLUMNS], ...cells], TRAFFIC_ALIGN).map((line) => fitWidth(line, width));
  return [paint('dim', header), ...body];
}

const POLICY_COLUMNS = ['edge', 'attempts', 'amplification', 'retries denied', 'rejected', 'ejections', 'breaker opened'];

/** What the policies did, one row per edge where they did something; nothing when none did. */
function policySection(report: RunReport, paint: Paint): string[][] {
  const active = Object.entries(report.edges).filter(([, e]) => isActive(e));
  if (active.length === 0) return [];
  const rows = active.map(([name, e]) => {
    const p = e.policy;
    return [name, formatCount(e.attempts), `×${e.amplification.toFixed(3)}`, formatCount(p.retries_denied + p.retry_overflow), formatCount(p.rejected), formatCount(p.ejections), formatCount(p.breaker_opened)];
  });
  const [header, ...body] = alignColumns([POLICY_COLUMNS, ...rows], ['left', 'right', 'right', 'right', 'right', 'right', 'right']);
  const dropped = report.events_dropped > 0 ? ` (${formatCount(report.events_dropped)} more not kept)` : '';
  const events = paint('dim', `${formatCount(report.events.length)} policy events on the timeline${dropped}`);
  return [[paint('dim', header), ...body, events]];
}

function isActive(e: EdgeStats): boolean {
  const p = e.policy;
  return e.attempts !== e.requests || p.retries_denied + p.retry_overflow + p.rejected + p.ejections + p.breaker_opened > 0;
}

function thresholdLines(results: ThresholdResult[], paint: Paint): string[] {
  const rows = results.map((r) => [r.metric, r.expression, formatObserved(r)]);
  const lines = alignColumns(rows, ['left', 'left', 'right']).map((line, i) =>
    results[i].ok ? `${paint('green', '✓')} ${line}` : `${paint('red', '✗')} ${line}`,
  );
  return [...lines, verdictLine(results, paint)];
}

function formatObserved({ metric, observed }: ThresholdResult): string {
  if (observed === null) return 'no data';
  return METRICS[parseMetricSelector(metric).metric].type === 'Trend' ? formatDuration(observed) : String(observed);
}

function verdictLine(results: ThresholdResult[], paint: Paint): string {
  const failed = results.filter((r) => !r.ok).length;
  const noun = results.length === 1 ? 'threshold' : 'thresholds';
  if (results.length === 0) return paint('dim', 'no thresholds');
  if (failed === 0) return paint('green', `all ${results.length} ${noun} held`);
  return paint('red', `${failed} of ${results.length} ${noun} failed`);
}
