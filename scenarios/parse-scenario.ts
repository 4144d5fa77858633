/**
 * Reading a scenario file: YAML (or JSON) text → a validated, normalised {@link Scenario}
 * (durations in ms, rates per ms, defaults filled), or a {@link ScenarioError} that names the
 * file, line, column and key path of every problem.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { checkReferences } from './check-references.js';
import type { IssueDraft } from './issue-draft.js';
import { MAX_REPORTED_ISSUES, MAX_SCENARIO_BYTES } from './limits.js';
import { byPosition, ScenarioError } from './scenario-error.js';
import type { ScenarioErrorCode } from './scenario-error.js';
import { ScenarioSchema } from './schema.js';
import type { Scenario } from './schema.js';
import { describeSchema } from './schema-issues/describe-schema.js';
import { draftsFromZod } from './schema-issues/zod-issues.js';
import { locateIssue } from './source/locate.js';
import { readYaml } from './source/read-yaml.js';
import type { YamlSource } from './source/yaml-source.js';

/**
 * Parses, validates and checks a scenario.
 *
 * @param text - the file's content, YAML or JSON
 * @param file - the name to report in messages
 * @throws {@link ScenarioError} and nothing else: `FL_SCENARIO_LIMIT` (a text longer than
 * {@link MAX_SCENARIO_BYTES} characters, or nested too deeply), `FL_SCENARIO_SYNTAX`,
 * `FL_SCENARIO_SCHEMA`, `FL_SCENARIO_UNKNOWN_KEY` or `FL_SCENARIO_REFERENCE`
 */
export function parseScenario(text: string, file: string): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) throw fileError('FL_SCENARIO_LIMIT', file, `the text is ${sizeOf(text.length)}, over the limit of ${sizeOf(MAX_SCENARIO_BYTES)} for a scenario`);
  const { source, value } = readYaml(text, file);
  if (source.doc.contents === null) {
    fail(source, [{ code: 'FL_SCENARIO_SCHEMA', path: [], message: 'the file holds no scenario', expected: describeSchema(ScenarioSchema) }]);
  }
  const result = ScenarioSchema.safeParse(value);
  if (!result.success) fail(source, draftsFromZod(result.error.issues, ScenarioSchema, value));
  const semantic = checkReferences(result.data);
  if (semantic.length > 0) fail(source, semantic);
  return result.data;
}

/** A scenario read from disk, with what a run report records about its file. */
export interface LoadedScenario {
  scenario: Scenario;
  /** The file's text. */
  text: string;
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
  /** The path as given. */
  file: string;
}

/**
 * Reads and parses a scenario file (UTF-8): a regular file of at most
 * {@link MAX_SCENARIO_BYTES} bytes. The file is opened without blocking and checked before
 * anything is read, so a FIFO, a device such as /dev/zero or a directory is refused at once.
 *
 * @throws {@link ScenarioError} `FL_SCENARIO_IO` when the file cannot be read, is not a
 * regular file or is not UTF-8, `FL_SCENARIO_LIMIT` when it is too large, else as
 * {@link parseScenario}
 */
export function loadScenarioFile(path: string): LoadedScenario {
  const bytes = readBytes(path);
  const text = decodeUtf8(path, bytes);
  return { scenario: parseScenario(text, path), text, sha256: createHash('sha256').update(bytes).digest('hex'), file: path };
}

/** Locates every draft and works out the suggestions of those reported (the first by position). */
function fail(source: YamlSource, drafts: IssueDraft[]): never {
  const located = drafts.map((draft) => ({ draft, issue: locateIssue(source, draft) })).sort((a, b) => byPosition(a.issue, b.issue));
  const issues = located.map(({ draft, issue }, i) => (draft.suggest && i < MAX_REPORTED_ISSUES ? { ...issue, suggestion: draft.suggest() } : issue));
  throw new ScenarioError(issues, source.text);
}

function readBytes(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw fileError('FL_SCENARIO_IO', path, `cannot read the file: ${(error as Error).message}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw fileError('FL_SCENARIO_IO', path, `not a regular file but ${kindOf(stats)}; a scenario is a YAML or JSON file`);
    return readAtMost(fd, path);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes, refusing it as soon as it is longer than the limit (its size on disk may be 0, as in /proc). */
function readAtMost(fd: number, path: string): Buffer {
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
    if (total > MAX_SCENARIO_BYTES) throw fileError('FL_SCENARIO_LIMIT', path, `the file is larger than ${sizeOf(MAX_SCENARIO_BYTES)}, the limit for a scenario`);
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
function sizeOf(bytes: number): string {
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

function fileError(code: ScenarioErrorCode, file: string, message: string): ScenarioError {
  return new ScenarioError([{ code, file, line: 1, column: 1, path: [], message }]);
}
