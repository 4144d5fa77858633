/**
 * The fault section of the terminal summary: for each fault, whether the entry recovered and
 * how fast, then success and p99 before, during and after it at the entry and at every
 * affected service — the answer to "did my policy contain the failure?".
 */
import { formatDuration } from '../scenarios/units.js';
import type { Paint } from './color.js';
import type { FaultRecovery, FaultWindows, RunReport, TimeSpan, WindowFigures, WindowStats } from './report.js';
import { formatPercent, NONE } from './summary-cells.js';
import { alignColumns, fitWidth } from './text-table.js';
import type { Align } from './text-table.js';

const HEADER = ['service', 'success before', 'during', 'after', 'p99 before', 'during', 'after'];
const ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right'];

/**
 * One block per fault, in scenario order: a title with the recovery, the window table (not
 * for a skipped fault) and a legend.
 */
export function faultSections(report: Pick<RunReport, 'recovery' | 'engine' | 'entry'>, width: number | undefined, paint: Paint): string[][] {
  const simulatedMs = report.engine.simulated_ms;
  const resolutionMs = report.entry.timeseries.resolution_ms;
  return report.recovery.map((r) => {
    const title = titleLine(r, simulatedMs, paint);
    if (r.windows === null) return [title];
    const table = windowTable(r.windows).map((line) => fitWidth(line, width));
    return [title, paint('dim', table[0]), ...table.slice(1), paint('dim', fitWidth(legend(r.windows, resolutionMs), width))];
  });
}

/** `faults[0] latency on payments, 2m–3m: recovered 400ms after it ended`. */
function titleLine(r: FaultRecovery, simulatedMs: number, paint: Paint): string {
  const line = `faults[${r.fault}] ${r.kind} on ${r.target}, ${formatDuration(r.start_ms)}–${formatDuration(r.end_ms)}: ${recoveryPhrase(r, simulatedMs)}`;
  return r.status === 'not-recovered' || r.status === 'skipped' ? paint('red', line) : line;
}

/** What the recovery figure of `r` says, in words, in a run of `simulatedMs`. */
export function recoveryPhrase(r: FaultRecovery, simulatedMs: number): string {
  switch (r.status) {
    case 'no-impact-after':
      return 'no impact after the fault ended';
    case 'recovered':
      return `recovered ${formatDuration(r.recovery_ms!)} after it ended`;
    case 'not-recovered':
      return `not recovered when the run ended, ${formatDuration(simulatedMs - r.end_ms)} after it`;
    case 'no-baseline':
      return 'recovery not measured: no entry traffic in the minute before the fault';
    case 'run-ended-during-fault':
      return 'recovery not measured: the run ended during the fault';
    case 'skipped':
      return `skipped: the run ended at ${formatDuration(simulatedMs)}, before the fault was due to start`;
  }
}

function windowTable(windows: FaultWindows): string[] {
  const rows = [['(entry)', ...figureCells(windows.entry)], ...Object.entries(windows.services).map(([name, f]) => [name, ...figureCells(f)])];
  return alignColumns([HEADER, ...rows], ALIGN);
}

function figureCells({ before, during, after }: WindowFigures): string[] {
  return [...[before, during, after].map(successCell), ...[before, during, after].map(p99Cell)];
}

function successCell(w: WindowStats): string {
  return formatPercent(w.ok, w.requests);
}

function p99Cell(w: WindowStats): string {
  return w.p99_ms === null ? NONE : formatDuration(w.p99_ms);
}

/** Which intervals each window covers, and how its figures are made. */
function legend({ spans }: FaultWindows, resolutionMs: number): string {
  const span = (s: TimeSpan) => (s.to_ms > s.from_ms ? `${formatDuration(s.from_ms)}–${formatDuration(s.to_ms)}` : 'none');
  return `before ${span(spans.before)} · during ${span(spans.during)} · after ${span(spans.after)} · p99: median of the ${formatDuration(resolutionMs)} intervals' p99s, failures included`;
}
