/**
 * Reading a staging target file: YAML (or JSON) text → a validated {@link StagingTarget}, or
 * a {@link TargetFileError} naming the file, line, column and key path of every problem. The
 * same machinery as scenario files: positions, wording, suggestions for unknown keys.
 */
import type { IssueDraft } from '../../scenarios/issue-draft.js';
import { isScenarioError } from '../../scenarios/scenario-error.js';
import { describeSchema } from '../../scenarios/schema-issues/describe-schema.js';
import { draftsFromZod } from '../../scenarios/schema-issues/zod-issues.js';
import { locateDrafts } from '../../scenarios/source/locate.js';
import { readInputFile, sizeOf } from '../../scenarios/source/read-file.js';
import { readYaml } from '../../scenarios/source/read-yaml.js';
import type { YamlSource } from '../../scenarios/source/yaml-source.js';
import { StagingTargetSchema } from './staging-target-schema.js';
import type { StagingTarget } from './staging-target-schema.js';
import { TargetFileError } from './target-file-error.js';
import type { TargetErrorCode } from './target-file-error.js';
import { checkTargetItself } from './target-self-check.js';

/** Largest target file read, in bytes (1 MiB; a real one is a few hundred bytes). */
export const MAX_TARGET_BYTES = 1024 * 1024;

/** A target file read and validated, with what is needed to point into it. */
export interface LoadedTarget {
  target: StagingTarget;
  /** The path (or name) as given. */
  file: string;
  /** The file's text. */
  text: string;
  /** The parsed YAML document, to locate issues found later (see `checkTargetAgainstScenario`). */
  source: YamlSource;
}

/**
 * Parses and validates a target file's text: its schema, then that it does not contradict
 * itself (every URL and address allowed by its `allowHosts`, one proxy per service or edge).
 *
 * @param text - the file's content, YAML or JSON
 * @param file - the name to report in messages
 * @throws {@link TargetFileError} and nothing else
 */
export function parseTargetFile(text: string, file: string): LoadedTarget {
  if (text.length > MAX_TARGET_BYTES) {
    throw new TargetFileError([{ code: 'FL_TARGET_LIMIT', file, line: 1, column: 1, path: [], message: `the text is ${sizeOf(text.length)}, over the limit of ${sizeOf(MAX_TARGET_BYTES)} for a target file` }]);
  }
  const { source, value } = sharedMachinery(() => readYaml(text, file), text.replace(/\r(?!\n)/g, '\n'));
  if (source.doc.contents === null) fail(source, [{ code: 'FL_TARGET_SCHEMA', path: [], message: 'the file holds no target', expected: describeSchema(StagingTargetSchema) }]);
  const result = StagingTargetSchema.safeParse(value);
  if (!result.success) fail(source, draftsFromZod(result.error.issues, StagingTargetSchema, value).map(asTargetDraft));
  const contradictions = checkTargetItself(result.data);
  if (contradictions.length > 0) fail(source, contradictions);
  return { target: result.data, file, text: source.text, source };
}

/**
 * Reads and validates a target file (UTF-8): a regular file of at most
 * {@link MAX_TARGET_BYTES} bytes, refused before reading when it is a FIFO, a device or a
 * directory.
 *
 * @throws {@link TargetFileError}: `FL_TARGET_IO` when the file cannot be read, is not a
 * regular file or is not UTF-8, `FL_TARGET_LIMIT` when it is too large, else as
 * {@link parseTargetFile}
 */
export function loadTargetFile(path: string): LoadedTarget {
  const { text } = sharedMachinery(() => readInputFile(path, { what: 'a target file', maxBytes: MAX_TARGET_BYTES }));
  return parseTargetFile(text, path);
}

/**
 * Runs a step of the reading machinery shared with scenarios, turning its errors into target
 * file errors (with code frames from `text`, as the step reads it, when there is one).
 */
function sharedMachinery<T>(step: () => T, text?: string): T {
  try {
    return step();
  } catch (error) {
    if (isScenarioError(error)) throw TargetFileError.fromScenarioError(error, text);
    throw error;
  }
}

/** A schema issue worded by the scenario machinery, with a target file's code. */
function asTargetDraft(draft: IssueDraft): IssueDraft<TargetErrorCode> {
  return { ...draft, code: draft.code.replace('FL_SCENARIO_', 'FL_TARGET_') as TargetErrorCode };
}

function fail(source: YamlSource, drafts: readonly IssueDraft<TargetErrorCode>[]): never {
  throw new TargetFileError(locateDrafts(source, drafts), source.text);
}
