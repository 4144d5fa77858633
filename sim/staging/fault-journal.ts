/**
 * The journal of a staging run: one JSON line per toxic added or removed, written and synced
 * to disk before the run goes on, so that a run killed at any moment (SIGKILL included) can be
 * reconciled by the next one: every toxic it added and did not remove is named in its file.
 * One file per run, `<dir>/<run id>.jsonl`; a run that ended cleanly writes `end` last.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Where a toxic is: the Toxiproxy API, the proxy, the toxic's name. */
export interface ToxicPlace {
  readonly api: string;
  readonly proxy: string;
  readonly toxic: string;
}

type Line =
  | { event: 'start'; run: string; pid: number; target: string; deadlineEpochS: number; at: string }
  | ({ event: 'added' | 'removed'; at: string } & ToxicPlace)
  | { event: 'end'; at: string };

/** An open journal of the running process's run. */
export class FaultJournal {
  private fd: number | null;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates `<dir>/<runId>.jsonl` (and `dir`) and writes the run's start. */
  static create(dir: string, runId: string, target: string, deadlineEpochS: number): FaultJournal {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${runId}.jsonl`);
    const journal = new FaultJournal(file, openSync(file, 'wx'));
    journal.write({ event: 'start', run: runId, pid: process.pid, target, deadlineEpochS, at: new Date().toISOString() });
    return journal;
  }

  /** Records, durably, that `place` is about to get its toxic (written before the request, so a kill between the two still finds it). */
  adding(place: ToxicPlace): void {
    this.write({ event: 'added', ...place, at: new Date().toISOString() });
  }

  /** Records that `place`'s toxic is gone. */
  removed(place: ToxicPlace): void {
    this.write({ event: 'removed', ...place, at: new Date().toISOString() });
  }

  /** Records a clean end and closes the file. */
  end(): void {
    this.write({ event: 'end', at: new Date().toISOString() });
    closeSync(this.fd!);
    this.fd = null;
  }

  private write(line: Line): void {
    if (this.fd === null) throw new Error(`fault journal ${this.file} is closed`);
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fsyncSync(this.fd);
  }
}

/** A run as its journal tells it. */
export interface JournaledRun {
  readonly runId: string;
  readonly file: string;
  readonly pid: number;
  readonly target: string;
  readonly deadlineEpochS: number;
  /** It wrote `end`. */
  readonly ended: boolean;
  /** Toxics added and not recorded as removed. */
  readonly outstanding: readonly ToxicPlace[];
}

/** Every run journaled in `dir` (none when it does not exist). A torn last line (a kill mid-write) is skipped. */
export function readJournals(dir: string): JournaledRun[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const run = readJournal(join(dir, f));
    return run === null ? [] : [run];
  });
}

function readJournal(file: string): JournaledRun | null {
  const lines: Line[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      lines.push(JSON.parse(text) as Line);
    } catch {
      // a torn line: the process died writing it
    }
  }
  const start = lines[0];
  if (start?.event !== 'start') return null;
  const outstanding = new Map<string, ToxicPlace>();
  let ended = false;
  for (const line of lines) {
    if (line.event === 'added') outstanding.set(placeKey(line), { api: line.api, proxy: line.proxy, toxic: line.toxic });
    else if (line.event === 'removed') outstanding.delete(placeKey(line));
    else if (line.event === 'end') ended = true;
  }
  return { runId: start.run, file, pid: start.pid, target: start.target, deadlineEpochS: start.deadlineEpochS, ended, outstanding: [...outstanding.values()] };
}

/** One string per place. */
export function placeKey(place: ToxicPlace): string {
  return `${place.api} ${place.proxy} ${place.toxic}`;
}

/** Whether process `pid` is alive on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
