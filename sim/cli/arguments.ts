/** The values of `run`'s options, checked before anything runs: `--seed`, `--duration` and `--out`. */
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MAX_SEED } from '../../scenarios/limits.js';
import { DURATION_PATTERN, parseDuration } from '../../scenarios/units.js';
import { UsageError } from './exit-codes.js';

/** Digits only: no sign, no exponent, no hexadecimal, no blanks. */
const DECIMAL = /^[0-9]+$/;

/** The files `--out` receives. */
const OUTPUT_FILES = ['report.json', 'summary.txt'];

/**
 * `--seed`: a decimal integer from 0 to {@link MAX_SEED} (2^53 − 1, the largest integer a
 * report's JSON keeps exactly), written with digits only.
 *
 * @throws {@link UsageError} for anything else: '', '0x10', '1e3', '-1', '1.5', ' 7'
 */
export function parseSeed(text: string): number {
  const seed = DECIMAL.test(text) ? Number(text) : NaN;
  if (!(seed <= MAX_SEED)) throw new UsageError(`--seed must be a decimal integer from 0 to ${MAX_SEED}, got '${text}'.`);
  return seed;
}

/**
 * The arguments with `--seed -1` written as `--seed=-1`, so that a negative seed reaches
 * {@link parseSeed} and is refused for what it is (node's parseArgs would take `-1` for an
 * option and complain that `--seed` has no value).
 */
export function attachNegativeSeed(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--seed' && /^-[0-9.]/.test(args[i + 1] ?? '')) out.push(`--seed=${args[++i]}`);
    else out.push(args[i]);
  }
  return out;
}

/**
 * Checks that the run's outputs can be written to `dir`, before the run: `dir` is a
 * writable directory, or the nearest folder above it that exists is one (the run creates
 * the rest), and no output file there is something other than a file. Writability is tried
 * with a probe file, created and removed at once, which leaves nothing behind.
 *
 * @throws {@link UsageError} naming the reason
 */
export function checkOutDir(dir: string): void {
  const existing = nearestExisting(resolve(dir));
  if (!existing.stats.isDirectory()) {
    throw new UsageError(`--out '${dir}' cannot be a folder: ${existing.path === resolve(dir) ? 'it is' : `'${existing.path}' is`} a file.`);
  }
  if (existing.path === resolve(dir)) {
    for (const name of OUTPUT_FILES) {
      const stats = statIfAny(join(existing.path, name));
      if (stats && !stats.isFile()) throw new UsageError(`--out '${dir}': '${name}' there is not a file, so it cannot be written.`);
    }
  }
  probe(existing.path, dir);
}

/** `path` or the nearest folder above it that exists, with what it is. */
function nearestExisting(path: string): { path: string; stats: Stats } {
  for (let at = path; ; at = dirname(at)) {
    const stats = statIfAny(at);
    if (stats) return { path: at, stats };
    if (dirname(at) === at) throw new UsageError(`--out '${path}': no part of the path exists.`);
  }
}

function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`--out '${path}': ${(error as Error).message}.`);
  }
}

/** Creates and removes a file in `folder`, or says why `--out dir` cannot be written. */
function probe(folder: string, dir: string): void {
  const file = join(folder, `.faultline-probe-${process.pid}`);
  try {
    closeSync(openSync(file, 'wx'));
    unlinkSync(file);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(`--out '${dir}' cannot be written: no file can be created in '${folder}' (${code ?? message}).`);
  }
}

/**
 * A duration option (`--duration`, `--warm-up`): a duration with a unit as scenario files
 * write it (`30s`, `2m`, `1m30s`), greater than 0 unless `zeroAllowed`.
 *
 * @throws {@link UsageError} for anything else
 */
export function parseDurationOption(option: string, text: string, zeroAllowed = false): number {
  const ms = DURATION_PATTERN.test(text) ? parseDuration(text) : NaN;
  if (!(ms > 0 || (zeroAllowed && ms === 0))) {
    throw new UsageError(`${option} must be a duration with a unit${zeroAllowed ? '' : ' greater than 0'}, such as 30s, 2m or 1m30s; got '${text}'.`);
  }
  return ms;
}
