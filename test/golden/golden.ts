/**
 * The golden report: one shipped scenario's `faultline run --json` output, checked in with
 * `engine.wall_ms` set to 0. test/sim/determinism.test.ts compares fresh runs against it;
 * write-golden.ts (`npm run golden`) rewrites it when the model changes on purpose.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '../..');
/** The command's source, run through tsx: the golden report pins the model, test/package covers the build. */
const CLI = join(REPO, 'sim/cli/faultline.ts');

/** The command that rewrites the golden file. */
export const REGENERATE = 'npm run golden';

/**
 * A scenario with policies on the path (timeout, bulkhead, circuit breaker, whose state
 * changes land in `events`), a blackhole fault and two loads, one of them closed-loop; it
 * runs in a couple of seconds. The seed differs from the file's, so `--seed` is exercised.
 * Paths are relative to the repository: the report records the scenario path as given.
 */
export const GOLDEN = {
  scenario: 'scenarios/cascades/slow-dependency-bulkhead.yaml',
  seed: 7,
  file: 'test/golden/slow-dependency-bulkhead.report.json',
} as const;

/** Absolute path of the golden file. */
export const GOLDEN_PATH = join(REPO, GOLDEN.file);

/** Runs `faultline run <golden scenario> --seed N --json` in a child process and returns its stdout. */
export async function runGoldenScenario(): Promise<string> {
  const args = ['run', GOLDEN.scenario, '--seed', String(GOLDEN.seed), '--json'];
  const { code, stdout, stderr } = await runCli(args);
  // 0: every threshold held, 1: one failed; both print the report. 2 and 3 print an error instead.
  if (code !== 0 && code !== 1) throw new Error(`faultline ${args.join(' ')} exited ${code}:\n${stderr}`);
  return stdout;
}

/**
 * A report as printed by `--json`, with `engine.wall_ms` (the only value that may differ
 * between runs) set to 0; every other byte is left as it was.
 */
export function zeroWallTime(json: string): string {
  const zeroed = json.replace(/"wall_ms": \d+/, '"wall_ms": 0');
  if (JSON.parse(zeroed).engine?.wall_ms !== 0) throw new Error('found no `"wall_ms": <integer>` in the report: has its format changed?');
  return zeroed;
}

/** The top-level fields of two JSON reports whose values differ (empty when only the formatting does). */
export function differingTopLevelFields(expected: string, actual: string): string[] {
  const a: Record<string, unknown> = JSON.parse(expected);
  const b: Record<string, unknown> = JSON.parse(actual);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

/** Runs the CLI entry with this Node (not npx), from the repository root. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
