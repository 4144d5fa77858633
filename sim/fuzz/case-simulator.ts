/**
 * Where a campaign's cases run: in this thread, or spread over worker threads. Either way the
 * outcomes come back in the order of the cases, so the search sees the same thing whatever
 * the number of workers.
 */
import type { FuzzCase } from './fuzz-case.js';
import type { CaseOutcome, CaseRunner } from './run-case.js';

/** Runs batches of cases. */
export interface CaseSimulator {
  /** The outcomes of `cases`, in their order. */
  run(cases: readonly FuzzCase[]): Promise<CaseOutcome[]>;
  /** Stops the workers, if any. */
  close(): Promise<void>;
}

/**
 * Runs every case in this thread, one after another, then lets Node's event loop turn once,
 * so that a signal (Ctrl-C) or a progress redraw is heard between batches.
 */
export class InThreadSimulator implements CaseSimulator {
  constructor(private readonly runner: CaseRunner) {}

  async run(cases: readonly FuzzCase[]): Promise<CaseOutcome[]> {
    const outcomes = cases.map((c) => this.runner.run(c));
    await new Promise((resolve) => setImmediate(resolve));
    return outcomes;
  }

  async close(): Promise<void> {}
}
