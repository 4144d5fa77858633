/** The files `faultline validate` checks: the files it is given, and the scenario files in the folders it is given. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './exit-codes.js';

/** What a scenario file's name ends with. */
const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** A JSON Schema beside the scenarios (such as scenarios/schema.json) is not one of them. */
const SCHEMA_SUFFIX = 'schema.json';

/**
 * Each argument that is a folder replaced by the scenario files below it (`.yaml`, `.yml`,
 * `.json`, but not `*schema.json`), found recursively and sorted, skipping hidden entries
 * and node_modules; other arguments as they are (a missing file is reported when it is
 * read). Symbolic links to folders are not followed, so a link cycle cannot make the list
 * endless.
 *
 * @throws {@link UsageError} for a folder with no scenario file below it
 */
export function scenarioFiles(args: readonly string[]): string[] {
  return args.flatMap((arg) => {
    if (!isFolder(arg)) return [arg];
    const files = filesBelow(arg);
    if (files.length === 0) throw new UsageError(`no scenario files (${SCENARIO_EXTENSIONS.join(', ')}) in the folder '${arg}'.`);
    return files;
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The scenario files below `folder`, sorted, walked with a list of folders still to read. */
function filesBelow(folder: string): string[] {
  const files: string[] = [];
  const folders = [folder];
  while (folders.length > 0) {
    const here = folders.pop()!;
    for (const entry of readdirSync(here, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(here, entry.name);
      if (entry.isDirectory()) folders.push(path);
      else if ((entry.isFile() || entry.isSymbolicLink()) && isScenarioName(entry.name)) files.push(path);
    }
  }
  return files.sort();
}

function isScenarioName(name: string): boolean {
  return SCENARIO_EXTENSIONS.some((extension) => name.endsWith(extension)) && !name.endsWith(SCHEMA_SUFFIX);
}
