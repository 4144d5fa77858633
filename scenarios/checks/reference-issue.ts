/** The issue for a name that refers to nothing, with the names it could have meant. */
import type { IssueDraft } from '../issue-draft.js';
import { nearestName } from '../nearest-name.js';

const MAX_LISTED = 12;

/**
 * An `FL_SCENARIO_REFERENCE` draft: `message` (e.g. `unknown service`), the known names as
 * what was expected (the first 12), the name found, and the nearest known name (worked out
 * only if the issue is reported).
 */
export function referenceIssue(path: (string | number)[], message: string, name: string, known: readonly string[]): IssueDraft {
  return {
    code: 'FL_SCENARIO_REFERENCE',
    path,
    message,
    expected: known.length === 0 ? 'a name, but none is defined' : `one of ${listNames(known)}`,
    found: JSON.stringify(name),
    suggest: () => nearestName(name, known),
  };
}

/** Names separated by commas, cut after 12 with a count of the rest. */
function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}
