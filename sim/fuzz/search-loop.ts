/**
 * The search: batch after batch of cases from a source (random or guided), run on the
 * simulator, until one fails, the run budget is spent or the time limit passes. The first
 * failure is the first in the order the source gave the cases, whatever order the workers
 * finished them in, so the result depends only on the campaign's seed.
 */
import type { FuzzCase } from './fuzz-case.js';
import type { CaseSimulator } from './case-simulator.js';
import type { CaseSource } from './random-cases.js';
import { worstMargin, type CaseOutcome } from './run-case.js';

/** Cases per batch: enough to keep two workers busy, few enough that a find stops the search soon. */
export const DEFAULT_BATCH_SIZE = 16;

/** How long and how wide a search runs. */
export interface SearchOptions {
  /** Most runs. */
  runs: number;
  /** Cases per batch (the result does not depend on the workers, but it does on this). */
  batchSize?: number;
  /** Wall-clock time (by `now`) after which no new batch starts. */
  deadline?: number;
  now?: () => number;
  /** Asked before every batch: true stops the search (Ctrl-C). */
  interrupted?: () => boolean;
  /** Hears every batch's outcomes as they come. */
  onBatch?: (outcomes: readonly CaseOutcome[], runs: number) => void;
}

/** A case that failed, and where. */
export interface FailedCase {
  c: FuzzCase;
  outcome: CaseOutcome;
  /** Its number among the runs of the search, from 1. */
  run: number;
}

/** What a search found. */
export interface SearchResult {
  failed: FailedCase | null;
  /** Runs until the failure (included), or all the runs made. */
  runs: number;
  /** The smallest margin seen, and the index of its threshold (null before any run with thresholds). */
  worst: { margin: number; threshold: number } | null;
  /** Why the search stopped before its runs were spent without a failure: the time limit, or an interruption. */
  stopped: 'time-limit' | 'interrupted' | null;
}

/** Searches `source` for a failing case. */
export async function searchCases(source: CaseSource, simulator: CaseSimulator, options: SearchOptions): Promise<SearchResult> {
  const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const now = options.now ?? (() => 0);
  let runs = 0;
  let worst: SearchResult['worst'] = null;
  for (let batch = 0; runs < options.runs; batch++) {
    if (options.interrupted?.()) return { failed: null, runs, worst, stopped: 'interrupted' };
    if (options.deadline !== undefined && now() >= options.deadline) return { failed: null, runs, worst, stopped: 'time-limit' };
    const cases = source.next(batch, Math.min(size, options.runs - runs));
    const outcomes = await simulator.run(cases);
    const first = outcomes.findIndex((o) => !o.ok);
    for (const outcome of first < 0 ? outcomes : outcomes.slice(0, first + 1)) worst = worse(worst, outcome);
    if (first >= 0) {
      options.onBatch?.(outcomes.slice(0, first + 1), runs + first + 1);
      return { failed: { c: cases[first], outcome: outcomes[first], run: runs + first + 1 }, runs: runs + first + 1, worst, stopped: null };
    }
    runs += cases.length;
    options.onBatch?.(outcomes, runs);
    source.learn(cases, outcomes);
  }
  return { failed: null, runs, worst, stopped: null };
}

function worse(worst: SearchResult['worst'], outcome: CaseOutcome): SearchResult['worst'] {
  if (outcome.margins.length === 0) return worst;
  const margin = worstMargin(outcome);
  return worst === null || margin < worst.margin ? { margin, threshold: outcome.margins.indexOf(margin) } : worst;
}
