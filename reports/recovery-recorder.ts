import { RecoveryWatch, type RecoveryFigures } from './recovery-watch.js';

/**
 * The entry's recovery after every fault of a run, measured as its requests finish: one
 * {@link RecoveryWatch} per fault. Independent of the report's resolution; memory does not
 * grow with the run's length (see {@link RecoveryWatch}).
 */
export class RecoveryRecorder {
  private readonly watches: RecoveryWatch[];
  /** The watches whose outcome is still open. */
  private open: RecoveryWatch[];

  /** @param faults - each fault's start and end (ms), in scenario order */
  constructor(faults: readonly { startMs: number; endMs: number }[]) {
    this.watches = faults.map((f) => new RecoveryWatch(f.startMs, f.endMs));
    this.open = [...this.watches];
  }

  /** An entry request finished at `nowMs` after `latencyMs` (times never go backwards). */
  record(nowMs: number, latencyMs: number, ok: boolean): void {
    let closed = false;
    for (const watch of this.open) {
      watch.record(nowMs, latencyMs, ok);
      closed ||= watch.done;
    }
    if (closed) this.open = this.open.filter((w) => !w.done);
  }

  /** Each fault's outcome, in scenario order, once the run has ended at `runEndMs`; a fault that starts at or after it is `skipped`. */
  finish(runEndMs: number): RecoveryFigures[] {
    return this.watches.map((w) => (w.startMs >= runEndMs ? { status: 'skipped', baseline: null, recovery_ms: null } : w.finish(runEndMs)));
  }
}
