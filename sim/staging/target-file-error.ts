/**
 * The error every staging target file failure is reported with: a stable `code` per failure
 * kind and the list of located issues, worded and formatted as a scenario's are. Bad input:
 * the CLI exits with code 2.
 */
import { formatIssues } from '../../scenarios/format-issue.js';
import { MAX_REPORTED_ISSUES } from '../../scenarios/limits.js';
import { byPosition } from '../../scenarios/scenario-error.js';
import type { LocatedIssue, ScenarioError } from '../../scenarios/scenario-error.js';

/** A failure kind, stable across releases. */
export type TargetErrorCode =
  /** The file could not be read: missing, not a regular file, not UTF-8. */
  | 'FL_TARGET_IO'
  /** The file is beyond a limit of the format: too large, or nested too deeply. */
  | 'FL_TARGET_LIMIT'
  /** The file is not well-formed YAML or JSON. */
  | 'FL_TARGET_SYNTAX'
  /** A value has the wrong type, or a value that is not allowed (a pattern, a URL, a proxy mapped twice). */
  | 'FL_TARGET_SCHEMA'
  /** A key the format does not have. */
  | 'FL_TARGET_UNKNOWN_KEY'
  /** A URL or host of the file that its own `allowHosts` does not allow. */
  | 'FL_TARGET_HOST_NOT_ALLOWED'
  /** A name that refers to nothing in the scenario: a service, or an edge it does not have. */
  | 'FL_TARGET_REFERENCE'
  /** Something the scenario needs that the target does not give: an entry service's address, a proxy for an L4 fault, L7 faults refused. */
  | 'FL_TARGET_MISSING'
  /** A service mapped for the wrong protocol: a gRPC service to a `url`, an HTTP service to `grpc`. */
  | 'FL_TARGET_PROTOCOL'
  /** The scenario's load runs longer than the target's `maxDuration`. */
  | 'FL_TARGET_TOO_LONG';

/** One problem of a target file, located in the file. */
export type TargetIssue = LocatedIssue<TargetErrorCode>;

/** When one error holds issues of several kinds, its `code` is the first of these present. */
const PRECEDENCE: readonly TargetErrorCode[] = [
  'FL_TARGET_IO',
  'FL_TARGET_LIMIT',
  'FL_TARGET_SYNTAX',
  'FL_TARGET_SCHEMA',
  'FL_TARGET_UNKNOWN_KEY',
  'FL_TARGET_HOST_NOT_ALLOWED',
  'FL_TARGET_REFERENCE',
  'FL_TARGET_PROTOCOL',
  'FL_TARGET_MISSING',
  'FL_TARGET_TOO_LONG',
];

/**
 * A staging target file that cannot be read or validated, or that does not fit the
 * scenario run against it. `message` lists the first {@link MAX_REPORTED_ISSUES} issues by
 * position as `file:line:column: path: message (expected X, found Y) — did you mean "…"?`,
 * each with a code frame when the text is known; `issues` holds those shown.
 */
export class TargetFileError extends Error {
  override readonly name = 'TargetFileError';
  readonly code: TargetErrorCode;
  /** The first {@link MAX_REPORTED_ISSUES} issues, sorted by position. */
  readonly issues: readonly TargetIssue[];
  /** How many issues there were beyond those in `issues`. */
  readonly omitted: number;

  /**
   * @param issues - at least one issue
   * @param source - the file's text, for code frames
   * @param omittedBefore - issues already left out before these were gathered
   */
  constructor(issues: readonly TargetIssue[], source?: string, omittedBefore = 0) {
    const sorted = [...issues].sort(byPosition);
    const shown = sorted.slice(0, MAX_REPORTED_ISSUES);
    const omitted = sorted.length - shown.length + omittedBefore;
    super(formatIssues(shown, source) + (omitted > 0 ? `\n… and ${omitted} more ${omitted === 1 ? 'issue' : 'issues'} (only the first ${MAX_REPORTED_ISSUES} are shown)` : ''));
    this.issues = shown;
    this.omitted = omitted;
    const kinds = new Set(sorted.map((issue) => issue.code));
    this.code = PRECEDENCE.find((code) => kinds.has(code)) ?? 'FL_TARGET_SCHEMA';
  }

  /**
   * The same failure for a target file, from the error of the reading machinery it shares
   * with scenarios (file access, YAML syntax, limits): `FL_SCENARIO_X` becomes `FL_TARGET_X`.
   */
  static fromScenarioError(error: ScenarioError, source?: string): TargetFileError {
    const issues = error.issues.map((issue) => ({ ...issue, code: issue.code.replace('FL_SCENARIO_', 'FL_TARGET_') as TargetErrorCode }));
    return new TargetFileError(issues, source, error.omitted);
  }
}
