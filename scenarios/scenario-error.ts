/**
 * The error every scenario failure is reported with: a stable `code` per failure kind and
 * the list of located issues. Bad input: the CLI exits with code 2.
 */
import { formatIssues } from './format-issue.js';
import { MAX_REPORTED_ISSUES } from './limits.js';

/** A failure kind, stable across releases. */
export type ScenarioErrorCode =
  /** The file is not well-formed YAML or JSON. */
  | 'FL_SCENARIO_SYNTAX'
  /** A value has the wrong type, or a value that is not allowed. */
  | 'FL_SCENARIO_SCHEMA'
  /** A key the format does not have. */
  | 'FL_SCENARIO_UNKNOWN_KEY'
  /** A name that refers to nothing, e.g. a call to a service that does not exist. */
  | 'FL_SCENARIO_REFERENCE'
  /** The file could not be read: missing, not a regular file, not UTF-8. */
  | 'FL_SCENARIO_IO'
  /** The file is beyond a limit of the format: too large, or nested too deeply. */
  | 'FL_SCENARIO_LIMIT';

/**
 * One problem, located in a file; `C` is the error family's codes. Scenario files use
 * {@link ScenarioIssue}; other YAML files faultline reads (a staging target file) reuse the
 * same shape, positions and formatting with codes of their own.
 */
export interface LocatedIssue<C extends string = string> {
  code: C;
  file: string;
  /** 1-based line of the offending node (for an unknown key, of the key itself). */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
  /** Key path from the top of the document, e.g. `['services', 'checkout', 'calls', 0, 'to']`. */
  path: (string | number)[];
  message: string;
  expected?: string;
  found?: string;
  /** The nearest valid name, when the problem looks like a typo. */
  suggestion?: string;
}

/** One problem of a scenario file, located in the file. */
export type ScenarioIssue = LocatedIssue<ScenarioErrorCode>;

/** When one error holds issues of several kinds, its `code` is the first of these present. */
const PRECEDENCE: readonly ScenarioErrorCode[] = [
  'FL_SCENARIO_IO',
  'FL_SCENARIO_LIMIT',
  'FL_SCENARIO_SYNTAX',
  'FL_SCENARIO_SCHEMA',
  'FL_SCENARIO_UNKNOWN_KEY',
  'FL_SCENARIO_REFERENCE',
];

/**
 * A scenario file that cannot be read, parsed or validated. `message` lists the first
 * {@link MAX_REPORTED_ISSUES} issues by position as `file:line:column: path: message
 * (expected X, found Y) — did you mean "…"?`, each with a code frame under it, and says how
 * many more there were; `issues` holds those shown as data, `omitted` counts the rest.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  /** Brand for {@link isScenarioError}, which also works across copies of this module. */
  readonly isScenarioError = true;
  readonly code: ScenarioErrorCode;
  /** The first {@link MAX_REPORTED_ISSUES} issues, sorted by position. */
  readonly issues: readonly ScenarioIssue[];
  /** How many issues there were beyond those in `issues`. */
  readonly omitted: number;

  /**
   * @param issues - at least one issue
   * @param source - the file's text, for code frames
   */
  constructor(issues: ScenarioIssue[], source?: string) {
    const sorted = [...issues].sort(byPosition);
    const shown = sorted.slice(0, MAX_REPORTED_ISSUES);
    const omitted = sorted.length - shown.length;
    super(formatIssues(shown, source) + (omitted > 0 ? `\n… and ${omitted} more ${omitted === 1 ? 'issue' : 'issues'} (only the first ${MAX_REPORTED_ISSUES} are shown)` : ''));
    this.issues = shown;
    this.omitted = omitted;
    const kinds = new Set(sorted.map((issue) => issue.code));
    this.code = PRECEDENCE.find((code) => kinds.has(code)) ?? 'FL_SCENARIO_SCHEMA';
  }
}

/** The order issues are reported in: by line, then column. */
export function byPosition(a: LocatedIssue, b: LocatedIssue): number {
  return a.line - b.line || a.column - b.column;
}

/** True for a {@link ScenarioError}. */
export function isScenarioError(error: unknown): error is ScenarioError {
  return error instanceof Error && (error as Partial<ScenarioError>).isScenarioError === true;
}
