/**
 * Reading a scenario file: YAML (or JSON) text → a validated, normalised {@link Scenario}
 * (durations in ms, rates per ms, defaults filled), or a {@link ScenarioError} that names the
 * file, line, column and key path of every problem.
 */
import { createHash } from 'node:crypto';
import { checkReferences } from './check-references.js';
import type { IssueDraft } from './issue-draft.js';
import { MAX_SCENARIO_BYTES } from './limits.js';
import { ScenarioError } from './scenario-error.js';
import { ScenarioSchema } from './schema.js';
import type { Scenario } from './schema.js';
import { describeSchema } from './schema-issues/describe-schema.js';
import { draftsFromZod } from './schema-issues/zod-issues.js';
import { locateDrafts } from './source/locate.js';
import { fileError, readInputFile, sizeOf } from './source/read-file.js';
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
  const { bytes, text } = readInputFile(path, { what: 'a scenario', maxBytes: MAX_SCENARIO_BYTES });
  return { scenario: parseScenario(text, path), text, sha256: createHash('sha256').update(bytes).digest('hex'), file: path };
}

/** Locates every draft and works out the suggestions of those reported (the first by position). */
function fail(source: YamlSource, drafts: IssueDraft[]): never {
  throw new ScenarioError(locateDrafts(source, drafts), source.text);
}
