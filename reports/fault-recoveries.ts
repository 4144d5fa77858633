/**
 * The report's `recovery` entries: each fault with its windows (from the report's time
 * series) and the entry's recovery after it (from the {@link RecoveryRecorder}).
 */
import { affectedServices } from './affected-services.js';
import type { FaultSpan } from './fault-span.js';
import { faultWindows } from './fault-windows.js';
import type { RecoveryFigures } from './recovery-watch.js';
import type { FaultRecovery, RunReport } from './report.js';

/**
 * One entry per fault, in scenario order.
 *
 * @param figures - the recorder's outcome of each fault, in the same order as `faults`
 * @param report - the run's traffic: entry, services and edges
 */
export function faultRecoveries(faults: readonly FaultSpan[], figures: readonly RecoveryFigures[], report: Pick<RunReport, 'entry' | 'services' | 'edges'>): FaultRecovery[] {
  const edges = Object.keys(report.edges);
  const services = Object.keys(report.services);
  return faults.map((f, i) => {
    const { status, baseline, recovery_ms } = figures[i];
    const affected = affectedServices(f, edges, services);
    return {
      fault: f.fault,
      kind: f.kind,
      target: f.target,
      start_ms: f.startMs,
      end_ms: f.endMs,
      status,
      baseline,
      recovery_ms,
      recovered: status === 'no-impact-after' || status === 'recovered',
      windows: status === 'skipped' ? null : faultWindows(f.startMs, f.endMs, report.entry, Object.fromEntries(affected.map((s) => [s, report.services[s]]))),
    };
  });
}
