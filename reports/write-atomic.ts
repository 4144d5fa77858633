/** Writing run outputs so that a reader never sees a half-written file. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stripAnsi } from './color.js';
import type { RunReport } from './report.js';

/**
 * Writes `data` to `path` atomically: into a new temporary file in the same folder, flushed
 * to disk (fsync), then renamed over `path`. On failure the temporary file is removed and
 * `path` is left as it was.
 */
export function writeFileAtomic(path: string, data: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd = openSync(temp, 'wx');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, path);
  } catch (error) {
    if (fd >= 0) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Creates `dir` (and its parents) and writes the run's files into it, each atomically:
 * `report.json` (the report, pretty-printed, with a trailing newline) and `summary.txt`
 * (`summary` without colour codes). Returns the paths written.
 */
export function writeRunOutputs(dir: string, report: RunReport, summary: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    [join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`],
    [join(dir, 'summary.txt'), stripAnsi(summary)],
  ];
  for (const [path, data] of files) writeFileAtomic(path, data);
  return files.map(([path]) => path);
}
