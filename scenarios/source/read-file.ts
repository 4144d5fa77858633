/**
 * Reading a YAML or JSON input file from disk, safely: a regular file of bounded size, opened
 * without blocking and checked before anything is read (so a FIFO, a device such as
 * /dev/zero or a directory is refused at once), decoded as UTF-8.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { ScenarioError } from '../scenario-error.js';
import type { ScenarioErrorCode } from '../scenario-error.js';

/** What is read and how much of it. */
export interface InputFileKind {
  /** The kind of file, for messages: `a scenario`, `a target file`. */
  what: string;
  /** Largest file read, in bytes. */
  maxBytes: number;
}

/**
 * The file's bytes and its text.
 *
 * @throws {@link ScenarioError} `FL_SCENARIO_IO` when the file cannot be read, is not a
 * regular file or is not UTF-8, `FL_SCENARIO_LIMIT` when it is larger than `kind.maxBytes`
 * (callers reading other kinds of file translate the codes)
 */
export function readInputFile(path: string, kind: InputFileKind): { bytes: Buffer; text: string } {
  const bytes = readBytes(path, kind);
  return { bytes, text: decodeUtf8(path, bytes) };
}

function readBytes(path: string, kind: InputFileKind): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw fileError('FL_SCENARIO_IO', path, `cannot read the file: ${(error as Error).message}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw fileError('FL_SCENARIO_IO', path, `not a regular file but ${kindOf(stats)}; ${kind.what} is a YAML or JSON file`);
    return readAtMost(fd, path, kind);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes, refusing it as soon as it is longer than the limit (its size on disk may be 0, as in /proc). */
function readAtMost(fd: number, path: string, kind: InputFileKind): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      throw fileError('FL_SCENARIO_IO', path, `cannot read the file: ${(error as Error).message}`);
    }
    if (read === 0) return Buffer.concat(chunks, total);
    total += read;
    if (total > kind.maxBytes) throw fileError('FL_SCENARIO_LIMIT', path, `the file is larger than ${sizeOf(kind.maxBytes)}, the limit for ${kind.what}`);
    chunks.push(chunk.subarray(0, read));
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

/** `10 MiB`, `512 KiB`, `300 bytes`. */
export function sizeOf(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

function decodeUtf8(path: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileError('FL_SCENARIO_IO', path, 'the file is not UTF-8 text');
  }
}

/** An error about the whole file, at its first line. */
export function fileError(code: ScenarioErrorCode, file: string, message: string): ScenarioError {
  return new ScenarioError([{ code, file, line: 1, column: 1, path: [], message }]);
}
