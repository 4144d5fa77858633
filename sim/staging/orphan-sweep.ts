/**
 * Finding and removing the toxics of runs that can no longer remove them themselves — a run
 * killed with SIGKILL, a machine that died — by their names (toxic-names.ts) and the runs'
 * journals (fault-journal.ts). Every staging run sweeps its target before it starts;
 * `faultline clean --target FILE` does only this.
 */
import { appendFileSync } from 'node:fs';
import { processAlive, readJournals, type JournaledRun } from './fault-journal.js';
import { ownerOfToxic } from './toxic-names.js';
import type { ListedToxic, ToxiproxyFleet } from './toxiproxy-fleet.js';

/** A faultline toxic the sweep found, and what it did with it. */
export interface SweptToxic extends ListedToxic {
  readonly runId: string;
  /** Why it was removed, or why it was left alone. */
  readonly why: string;
}

/** What a sweep did. */
export interface SweepResult {
  readonly removed: readonly SweptToxic[];
  readonly leftAlone: readonly SweptToxic[];
}

/** Options of {@link sweepOrphans}. */
export interface SweepOptions {
  /** Where the runs' journals are. */
  readonly journalDir: string;
  /** Remove every faultline toxic, live runs' included (`faultline clean --all`). */
  readonly all?: boolean;
  /** The sweeping run's own id: its toxics are never touched. */
  readonly ownRunId?: string;
  /** Now, Unix ms. */
  readonly nowEpochMs: number;
}

/**
 * Removes, on every API of `apis`, each toxic faultline named whose run is over: its journal
 * here says it ended or its process is gone, or its deadline (in its name) has passed. A
 * toxic of a run that may still be going — its process alive here, or journaled elsewhere
 * and before its deadline — is left alone and reported. Journals of swept runs are closed
 * (`removed` and `end` appended), so a sweep is not repeated.
 */
export async function sweepOrphans(fleet: ToxiproxyFleet, apis: readonly string[], options: SweepOptions): Promise<SweepResult> {
  const journals = new Map(readJournals(options.journalDir).map((run) => [run.runId, run]));
  const removed: SweptToxic[] = [];
  const leftAlone: SweptToxic[] = [];
  for (const api of apis) {
    for (const listed of await fleet.list(api)) {
      const owner = ownerOfToxic(listed.toxic);
      if (owner === null || owner.runId === options.ownRunId) continue;
      const verdict = orphanVerdict(owner.runId, owner.deadlineEpochS, journals.get(owner.runId), options);
      if (verdict.orphan) {
        await fleet.remove(listed);
        removed.push({ ...listed, runId: owner.runId, why: verdict.why });
      } else {
        leftAlone.push({ ...listed, runId: owner.runId, why: verdict.why });
      }
    }
  }
  closeSweptJournals(journals, removed);
  return { removed, leftAlone };
}

function orphanVerdict(runId: string, deadlineEpochS: number, journal: JournaledRun | undefined, options: SweepOptions): { orphan: boolean; why: string } {
  if (options.all) return { orphan: true, why: 'clean --all' };
  if (options.nowEpochMs / 1000 > deadlineEpochS) return { orphan: true, why: `run ${runId} is past its deadline (${new Date(deadlineEpochS * 1000).toISOString()})` };
  if (journal === undefined) return { orphan: false, why: `run ${runId} is not journaled here (another machine?) and may run until ${new Date(deadlineEpochS * 1000).toISOString()}` };
  if (journal.ended) return { orphan: true, why: `run ${runId} ended but left it behind` };
  if (!processAlive(journal.pid)) return { orphan: true, why: `run ${runId} died (process ${journal.pid} is gone)` };
  return { orphan: false, why: `run ${runId} is still running (process ${journal.pid})` };
}

function closeSweptJournals(journals: ReadonlyMap<string, JournaledRun>, removed: readonly SweptToxic[]): void {
  const byRun = new Map<string, SweptToxic[]>();
  for (const t of removed) byRun.set(t.runId, [...(byRun.get(t.runId) ?? []), t]);
  for (const [runId, toxics] of byRun) {
    const journal = journals.get(runId);
    if (journal === undefined || journal.ended) continue;
    const at = new Date().toISOString();
    const lines = toxics.map((t) => JSON.stringify({ event: 'removed', api: t.api, proxy: t.proxy, toxic: t.toxic, at, by: process.pid }));
    appendFileSync(journal.file, `${[...lines, JSON.stringify({ event: 'end', at, by: process.pid, reconciled: true })].join('\n')}\n`);
  }
}
