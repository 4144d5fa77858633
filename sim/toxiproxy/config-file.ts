/**
 * The `--config` file of `faultline toxiproxy`: Toxiproxy's JSON list of proxies
 * (`[{"name", "listen", "upstream", "enabled"?}]`), YAML accepted too, loaded as /populate
 * loads it. Stricter than Toxiproxy, which logs a bad file and starts empty: every problem is
 * reported with its file, line, column and key path, unknown keys with a suggestion, and
 * nothing starts.
 */
import { readFileSync, statSync } from 'node:fs';
import { formatIssues } from '../../scenarios/format-issue.js';
import type { IssueDraft } from '../../scenarios/issue-draft.js';
import { nearestName } from '../../scenarios/nearest-name.js';
import { byPosition, isScenarioError } from '../../scenarios/scenario-error.js';
import type { ScenarioIssue } from '../../scenarios/scenario-error.js';
import { locateIssue } from '../../scenarios/source/locate.js';
import { readYaml } from '../../scenarios/source/read-yaml.js';
import { splitHostPort } from './listen-address.js';
import type { ProxyInput } from './toxiproxy-state.js';

/** The largest config file read. */
const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

const KEYS = ['name', 'listen', 'upstream', 'enabled'] as const;

/** A config file that cannot be read or is not a valid list of proxies (exit code 2). */
export class ToxiproxyConfigError extends Error {
  /** Stable code. */
  readonly code = 'FL_TOXIPROXY_CONFIG';
  override readonly name = 'ToxiproxyConfigError';
  constructor(
    /** The problems, located in the file. */
    readonly issues: readonly ScenarioIssue[],
    source?: string,
  ) {
    super(formatIssues(issues, source));
  }
}

/**
 * Reads and checks a config file.
 *
 * @throws {@link ToxiproxyConfigError} naming each problem's place
 */
export function loadToxiproxyConfig(file: string): ProxyInput[] {
  const text = readConfigText(file);
  let value: unknown;
  let source: ReturnType<typeof readYaml>['source'];
  try {
    ({ value, source } = readYaml(text, file));
  } catch (error) {
    if (isScenarioError(error)) throw new ToxiproxyConfigError(error.issues, text);
    throw error;
  }
  const drafts = configProblems(value);
  if (drafts.length > 0) {
    const issues = drafts.map((draft) => ({ ...locateIssue(source, draft), suggestion: draft.suggest?.() })).sort(byPosition);
    throw new ToxiproxyConfigError(issues, source.text);
  }
  return (value as Array<Record<string, unknown>>).map((entry) => ({
    name: entry.name as string,
    listen: entry.listen as string,
    upstream: entry.upstream as string,
    enabled: (entry.enabled as boolean | undefined) ?? true,
  }));
}

function readConfigText(file: string): string {
  const fail = (message: string): never => {
    throw new ToxiproxyConfigError([{ code: 'FL_SCENARIO_IO', file, line: 1, column: 1, path: [], message }]);
  };
  try {
    const stats = statSync(file);
    if (!stats.isFile()) fail('not a regular file; a Toxiproxy config is a JSON (or YAML) file');
    if (stats.size > MAX_CONFIG_BYTES) fail(`the file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`);
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch (error) {
    if (error instanceof ToxiproxyConfigError) throw error;
    return fail(error instanceof TypeError ? 'the file is not UTF-8 text' : `cannot read the file: ${(error as Error).message}`);
  }
}

/** What is wrong with the list, as drafts to locate. */
function configProblems(value: unknown): IssueDraft[] {
  if (!Array.isArray(value)) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path: [], message: 'a Toxiproxy config is a list of proxies', expected: 'a list like [{"name": "redis", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:6379"}]', found: describe(value) }];
  }
  const drafts: IssueDraft[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      drafts.push({ code: 'FL_SCENARIO_SCHEMA', path: [i], message: 'each proxy is a mapping', expected: 'name, listen, upstream and optionally enabled', found: describe(entry) });
      return;
    }
    const record = entry as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if ((KEYS as readonly string[]).includes(key)) continue;
      drafts.push({ code: 'FL_SCENARIO_UNKNOWN_KEY', path: [i, key], atKey: true, message: `unknown key '${key}'`, expected: KEYS.join(', '), suggest: () => nearestName(key, KEYS) });
    }
    for (const key of ['name', 'listen', 'upstream'] as const) {
      const field = record[key];
      if (field === undefined) drafts.push({ code: 'FL_SCENARIO_SCHEMA', path: [i], message: `'${key}' is missing`, expected: expectation(key) });
      else if (typeof field !== 'string' || field === '') drafts.push({ code: 'FL_SCENARIO_SCHEMA', path: [i, key], message: `'${key}' must be a non-empty string`, expected: expectation(key), found: describe(field) });
      else if (key !== 'name') drafts.push(...addressProblems(field, [i, key], expectation(key)));
    }
    if (record.enabled !== undefined && typeof record.enabled !== 'boolean') {
      drafts.push({ code: 'FL_SCENARIO_SCHEMA', path: [i, 'enabled'], message: "'enabled' must be true or false", expected: 'true or false', found: describe(record.enabled) });
    }
    if (typeof record.name === 'string' && record.name !== '') {
      if (seen.has(record.name)) drafts.push({ code: 'FL_SCENARIO_SCHEMA', path: [i, 'name'], message: `a second proxy named '${record.name}'`, expected: 'names unique in the list' });
      seen.add(record.name);
    }
  });
  return drafts;
}

function addressProblems(address: string, path: (string | number)[], expected: string): IssueDraft[] {
  try {
    splitHostPort(address);
    return [];
  } catch (error) {
    return [{ code: 'FL_SCENARIO_SCHEMA', path, message: `not an address: ${(error as Error).message}`, expected, found: JSON.stringify(address) }];
  }
}

function expectation(key: 'name' | 'listen' | 'upstream'): string {
  if (key === 'name') return 'the proxy\'s name, e.g. "redis"';
  if (key === 'listen') return 'host:port to listen on, e.g. "127.0.0.1:26379" (port 0 picks one)';
  return 'host:port to connect to, e.g. "127.0.0.1:6379"';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
