/** An issue found in the key tree, before it is given a line and column in the file. */
import type { ScenarioIssue } from './scenario-error.js';

/** A {@link ScenarioIssue} without its position, which the parser fills in from `path`. */
export type IssueDraft = Omit<ScenarioIssue, 'file' | 'line' | 'column'> & {
  /** Point at the key that ends `path` rather than at its value (unknown keys, bad names of entries). */
  atKey?: boolean;
};
