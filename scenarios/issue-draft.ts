/** An issue found in the key tree, before it is given a line and column in the file. */
import type { ScenarioIssue } from './scenario-error.js';

/** A {@link ScenarioIssue} without its position, which the parser fills in from `path`. */
export type IssueDraft = Omit<ScenarioIssue, 'file' | 'line' | 'column'> & {
  /** Point at the key that ends `path` rather than at its value (unknown keys, bad names of entries). */
  atKey?: boolean;
  /**
   * The nearest valid name, worked out only if the issue is among those reported: for a name
   * looked up among many (services, issuers…), so a file with thousands of bad names does not
   * pay for thousands of suggestions.
   */
  suggest?: () => string | undefined;
};
