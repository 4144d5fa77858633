/**
 * Cases spread over worker threads (tinypool): as many threads as asked, kept for the whole
 * campaign, each holding the parsed scenario. The main thread draws and shrinks the cases;
 * the workers only simulate. Outcomes come back in the order of the cases.
 */
import Tinypool from 'tinypool';
import type { FuzzCase } from './fuzz-case.js';
import type { CaseSimulator } from './case-simulator.js';
import type { WorkerSetup } from './fuzz-worker.js';
import type { CaseOutcome } from './run-case.js';

/**
 * The worker's entry: the compiled module next to this one, or, when this module runs from
 * its TypeScript source, a boot file that loads tsx in the worker first (Node 20's workers do
 * not inherit tsx's loader).
 */
export function workerEntry(here: string = import.meta.url): URL {
  return here.endsWith('.ts') ? new URL('./fuzz-worker.boot.mjs', here) : new URL('./fuzz-worker.js', here);
}

/** A pool of `threads` worker threads running cases of one scenario. */
export class WorkerPoolSimulator implements CaseSimulator {
  private readonly pool: Tinypool;

  constructor(setup: WorkerSetup, threads: number) {
    this.pool = new Tinypool({ filename: workerEntry().href, minThreads: threads, maxThreads: threads, workerData: setup });
  }

  run(cases: readonly FuzzCase[]): Promise<CaseOutcome[]> {
    return Promise.all(cases.map((c) => this.pool.run(c) as Promise<CaseOutcome>));
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
