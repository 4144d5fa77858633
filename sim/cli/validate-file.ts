/**
 * What `faultline validate` checks in one file: a scenario, or a staging target file (a
 * mapping with `allowHosts`, which no scenario has), each by its own rules.
 */
import { isMap, parseDocument } from 'yaml';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { readInputFile } from '../../scenarios/source/read-file.js';
import { loadTargetFile, MAX_TARGET_BYTES } from '../staging/load-target-file.js';

/**
 * Validates `file` and returns the line that says so: `✓ FILE: NAME` for a scenario,
 * `✓ FILE: staging target NAME` for a target file.
 *
 * @throws the scenario's `ScenarioError` or the target file's `TargetFileError`
 */
export function validateFile(file: string): string {
  if (isTargetFile(file)) return `✓ ${file}: staging target ${loadTargetFile(file).target.target}`;
  return `✓ ${file}: ${loadScenarioFile(file).scenario.name}`;
}

/** Whether `file` reads as a target file: small, and a mapping with `allowHosts` at its top. Anything unreadable is left to the scenario reader to report. */
function isTargetFile(file: string): boolean {
  try {
    const { text } = readInputFile(file, { what: 'a target file', maxBytes: MAX_TARGET_BYTES });
    const doc = parseDocument(text, { uniqueKeys: false });
    return isMap(doc.contents) && doc.contents.has('allowHosts');
  } catch {
    return false;
  }
}
