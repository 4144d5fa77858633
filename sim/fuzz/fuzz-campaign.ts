/**
 * A fuzz campaign: the scenario as written first, then the single-fault matrix, then the
 * search (margin-guided or pure random), and the first failure found shrunk to a minimal
 * case. Everything it draws derives from its seed; the simulator may be this thread or a
 * pool of workers, which changes nothing in the result.
 */
import type { FuzzCase } from './fuzz-case.js';
import type { FuzzSpace } from './fuzz-space.js';
import type { CaseSimulator } from './case-simulator.js';
import { GuidedCases } from './guided-cases.js';
import { RandomCases } from './random-cases.js';
import { worstMargin, type CaseOutcome } from './run-case.js';
import { searchCases, type SearchResult } from './search-loop.js';
import { shrinkCase, type ShrunkCase } from './shrink-case.js';
import { baselineCase, singleFaultCases, type MatrixCase } from './single-fault-matrix.js';

/** Which searches a campaign makes: the single-fault matrix, the random search, or both (matrix first). */
export type FuzzStrategy = 'exhaustive' | 'random' | 'both';
/** How the random search draws: guided by the runs' margins, or purely at random. */
export type FuzzGuidance = 'margin' | 'none';
/** How the failure was found. */
export type FoundBy = 'baseline' | 'exhaustive' | 'guided' | 'random';

/** What a campaign is told. */
export interface CampaignOptions {
  /** Most runs of the search (the scenario as written and the matrix are not counted here). */
  runs: number;
  /** The campaign's seed: every draw derives from it. */
  seed: number;
  strategy: FuzzStrategy;
  guidance: FuzzGuidance;
  /** Cases per search batch (default 16). */
  batchSize?: number;
  /** Wall-clock ms after which no new search batch starts. */
  timeLimitMs?: number;
  now?: () => number;
  /** Asked before every search batch: true stops the search (Ctrl-C). */
  interrupted?: () => boolean;
  /** fast-check's path of an earlier shrinking of this campaign's find (`--path`): replayed instead of searched. */
  path?: string;
  /** Shrink the failure found (default true; a benchmark of finding turns it off). */
  shrink?: boolean;
  /** Hears the campaign's progress after every batch and every shrinking run. */
  onProgress?: (progress: CampaignProgress) => void;
}

/** Where a campaign is. */
export interface CampaignProgress {
  phase: 'baseline' | 'matrix' | 'search' | 'shrink';
  /** Runs so far, all phases. */
  runs: number;
  shrinkSteps: number;
  /** The smallest margin so far and its threshold's index. */
  worst: { margin: number; threshold: number } | null;
}

/** What a campaign found. */
export interface CampaignResult {
  options: CampaignOptions;
  /** The scenario as written (no fault drawn). */
  baseline: CaseOutcome;
  /** The single-fault matrix, when the strategy has it. */
  matrix: { cases: MatrixCase[]; outcomes: CaseOutcome[] } | null;
  search: SearchResult | null;
  /** The first failure and how it was found; null when every run held. */
  found: { by: FoundBy; c: FuzzCase; outcome: CaseOutcome; runsToFind: number } | null;
  shrunk: ShrunkCase | null;
  /** Every run made, shrinking included. */
  runs: number;
  /** Why the search stopped early, if it did. */
  stopped: SearchResult['stopped'];
}

/** Runs a campaign over `space` on `simulator`. */
export async function runCampaign(space: FuzzSpace, simulator: CaseSimulator, options: CampaignOptions): Promise<CampaignResult> {
  const now = options.now ?? (() => 0);
  const deadline = options.timeLimitMs === undefined ? undefined : now() + options.timeLimitMs;
  let runs = 0;
  let worst: CampaignProgress['worst'] = null;
  const progress = (phase: CampaignProgress['phase'], shrinkSteps = 0) => options.onProgress?.({ phase, runs, shrinkSteps, worst });
  const note = (outcome: CaseOutcome) => {
    runs++;
    const margin = worstMargin(outcome);
    if (outcome.margins.length > 0 && (worst === null || margin < worst.margin)) worst = { margin, threshold: outcome.margins.indexOf(margin) };
  };

  const base = baselineCase(space);
  const [baseline] = await simulator.run([base]);
  note(baseline);
  progress('baseline');
  const result: CampaignResult = { options, baseline, matrix: null, search: null, found: null, shrunk: null, runs, stopped: null };
  if (!baseline.ok) result.found = { by: 'baseline', c: base, outcome: baseline, runsToFind: runs };

  if (!result.found && options.strategy !== 'random') {
    const cases = singleFaultCases(space);
    const outcomes = await simulator.run(cases.map((m) => m.c));
    outcomes.forEach(note);
    progress('matrix');
    result.matrix = { cases, outcomes };
    const first = outcomes.findIndex((o) => !o.ok);
    if (first >= 0) result.found = { by: 'exhaustive', c: cases[first].c, outcome: outcomes[first], runsToFind: runs - outcomes.length + first + 1 };
  }

  if (!result.found && options.strategy !== 'exhaustive') {
    const before = runs;
    const source = options.guidance === 'margin' ? new GuidedCases(space, options.seed) : new RandomCases(space, options.seed);
    // What the matrix showed is where the climb starts: its closest calls are the first elites.
    if (result.matrix) source.learn(result.matrix.cases.map((m) => m.c), result.matrix.outcomes);
    const search = await searchCases(source, simulator, {
      runs: options.runs,
      batchSize: options.batchSize,
      deadline,
      now,
      interrupted: options.interrupted,
      onBatch: (outcomes) => {
        outcomes.forEach(note);
        progress('search');
      },
    });
    result.search = search;
    result.stopped = search.stopped;
    if (search.failed) result.found = { by: options.guidance === 'margin' ? 'guided' : 'random', c: search.failed.c, outcome: search.failed.outcome, runsToFind: before + search.failed.run };
  }

  if (result.found && options.shrink !== false) {
    result.shrunk = await shrinkCase(space, simulator, result.found.c, (outcome, steps) => {
      note(outcome);
      progress('shrink', steps);
    }, options.path);
  }
  result.runs = runs;
  return result;
}
