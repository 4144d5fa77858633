/** An issue found in the key tree, before it is given a line and column in the file. */
import type { LocatedIssue, ScenarioErrorCode } from './scenario-error.js';

/** A located issue without its position, which the parser fills in from `path` (a scenario's by default). */
export type IssueDraft<C extends string = ScenarioErrorCode> = Omit<LocatedIssue<C>, 'file' | 'line' | 'column'> & {
  /** Point at the key that ends `path` rather than at its value (unknown keys, bad names of entries). */
  atKey?: boolean;
  /**
   * The nearest valid name, worked out only if the issue is among those reported: for a name
   * looked up among many (services, issuers…), so a file with thousands of bad names does not
   * pay for thousands of suggestions.
   */
  suggest?: () => string | undefined;
};
