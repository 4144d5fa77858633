/**
 * Reading a scenario file: YAML (or JSON) text → a validated, normalised {@link Scenario}
 * (durations in ms, rates per ms, defaults filled), or a {@link ScenarioError} that names the
 * file, line, column and key path of every problem.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkReferences } from './check-references.js';
import type { IssueDraft } from './issue-draft.js';
import { MAX_REPORTED_ISSUES } from './limits.js';
import { byPosition, ScenarioError } from './scenario-error.js';
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
 * @throws {@link ScenarioError} and nothing else: `FL_SCENARIO_SYNTAX`, `FL_SCENARIO_SCHEMA`,
 * `FL_SCENARIO_UNKNOWN_KEY` or `FL_SCENARIO_REFERENCE`
 */
export function parseScenario(text: string, file: string): Scenario {
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
 * Reads and parses a scenario file (UTF-8).
 *
 * @throws {@link ScenarioError} `FL_SCENARIO_IO` when the file cannot be read or is not
 * UTF-8, else as {@link parseScenario}
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
  try {
    return readFileSync(path);
  } catch (error) {
    throw ioError(path, `cannot read the file: ${(error as Error).message}`);
  }
}

function decodeUtf8(path: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw ioError(path, 'the file is not UTF-8 text');
  }
}

function ioError(file: string, message: string): ScenarioError {
  return new ScenarioError([{ code: 'FL_SCENARIO_IO', file, line: 1, column: 1, path: [], message }]);
}
