import { LatencyHistogram } from './latency-histogram.js';
import { BASELINE_MS, RECOVERY_STEP_MS, RECOVERY_WINDOW_MS, backWithinTolerance, slowerThanMs, type Baseline } from './recovery.js';
import type { RecoveryStatus } from './report.js';
import { SlidingCounts } from './sliding-counts.js';
import { round3 } from './time-series.js';

/** What a watch found: the status, the baseline, and the recovery time when there was one. */
export interface RecoveryFigures {
  status: RecoveryStatus;
  baseline: Baseline | null;
  recovery_ms: number | null;
}

/**
 * One fault's recovery, measured as the entry's requests finish (see recovery.ts for the
 * definition). Before the fault it gathers the baseline; during the fault it ignores the
 * traffic; after it, it slides a {@link RECOVERY_WINDOW_MS} window by steps of
 * {@link RECOVERY_STEP_MS} from the fault's end until a window is back within tolerance.
 * Memory: one latency histogram until the fault starts, then three numbers per step of the
 * window — never a list of requests, whatever the length of the run.
 */
export class RecoveryWatch {
  /** True once the outcome is known: recovered, or no baseline to recover to. */
  done = false;
  private readonly baselineFromMs: number;
  private histogram: LatencyHistogram | null = new LatencyHistogram();
  private baselineRequests = 0;
  private baselineOk = 0;
  /** Frozen when the first request after the fault's start finishes (or at the run's end); undefined until then. */
  private baseline: Baseline | null | undefined = undefined;
  private slowMs = Infinity;
  private readonly window = new SlidingCounts(RECOVERY_WINDOW_MS / RECOVERY_STEP_MS);
  /** Index of the open step: it covers [end + step·δ, end + (step + 1)·δ). */
  private step = 0;
  private stepRequests = 0;
  private stepOk = 0;
  private stepSlow = 0;
  private recoveredAtMs: number | null = null;

  constructor(
    readonly startMs: number,
    readonly endMs: number,
  ) {
    this.baselineFromMs = Math.max(0, startMs - BASELINE_MS);
  }

  /** An entry request finished at `nowMs` (times never go backwards). */
  record(nowMs: number, latencyMs: number, ok: boolean): void {
    if (nowMs < this.baselineFromMs || this.done) return;
    if (nowMs < this.startMs) return this.addToBaseline(latencyMs, ok);
    const baseline = this.freezeBaseline();
    if (nowMs < this.endMs) return;
    if (baseline === null) {
      this.done = true;
      return;
    }
    this.closeStepsBefore(Math.floor((nowMs - this.endMs) / RECOVERY_STEP_MS));
    if (this.done) return;
    this.stepRequests++;
    if (ok) this.stepOk++;
    if (latencyMs > this.slowMs) this.stepSlow++;
  }

  /** The outcome once the run has ended at `runEndMs`: windows that end after it are not judged. */
  finish(runEndMs: number): RecoveryFigures {
    const baseline = this.freezeBaseline();
    if (runEndMs < this.endMs) return { status: 'run-ended-during-fault', baseline, recovery_ms: null };
    if (baseline === null) return { status: 'no-baseline', baseline, recovery_ms: null };
    if (!this.done) this.closeStepsBefore(Math.floor((runEndMs - this.endMs) / RECOVERY_STEP_MS));
    const at = this.recoveredAtMs;
    if (at === null) return { status: 'not-recovered', baseline, recovery_ms: null };
    return { status: at === 0 ? 'no-impact-after' : 'recovered', baseline, recovery_ms: at };
  }

  private addToBaseline(latencyMs: number, ok: boolean): void {
    this.baselineRequests++;
    if (ok) this.baselineOk++;
    this.histogram!.record(latencyMs);
  }

  /** The baseline from the traffic gathered before the fault; its histogram is then let go. */
  private freezeBaseline(): Baseline | null {
    if (this.baseline !== undefined) return this.baseline;
    const requests = this.baselineRequests;
    this.baseline =
      requests === 0 ? null : { requests, success: round6(this.baselineOk / requests), p99_ms: round3(this.histogram!.percentile(99)) };
    if (this.baseline) this.slowMs = slowerThanMs(this.baseline);
    this.histogram = null;
    return this.baseline;
  }

  /** Closes the open step and every step before `step`, judging each window they complete. */
  private closeStepsBefore(step: number): void {
    while (this.step < step && !this.done) {
      this.window.push(this.stepRequests, this.stepOk, this.stepSlow);
      this.stepRequests = this.stepOk = this.stepSlow = 0;
      this.step++;
      if (this.window.full && backWithinTolerance(this.window, this.baseline!)) {
        this.recoveredAtMs = (this.step - this.window.steps) * RECOVERY_STEP_MS;
        this.done = true;
      }
    }
  }
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}
