/** Bounds given to the library's arbitraries that the `fuzz` section would refuse. */
import { formatPath } from '../../scenarios/format-issue.js';
import type { IssueDraft } from '../../scenarios/issue-draft.js';

/** Bounds for `faultSchedule`, `loadProfile` or `policyParameters` that do not fit the scenario: each issue with its key path. */
export class FuzzBoundsError extends Error {
  override readonly name = 'FuzzBoundsError';
  readonly code = 'FL_FUZZ_BOUNDS';

  constructor(readonly issues: readonly IssueDraft[]) {
    super(`bad fuzz bounds:\n${issues.map((i) => `  ${formatPath(i.path)}: ${i.message}${i.expected ? ` (expected ${i.expected}${i.found ? `, found ${i.found}` : ''})` : ''}`).join('\n')}`);
  }
}
