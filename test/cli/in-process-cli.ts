/**
 * The CLI's `main()` run in the test's own process, with what it writes captured: for the
 * many quick checks of usage errors and help, which would otherwise each pay a child process's
 * start (seconds on a busy 2-core machine). What only a real process shows — exit on signals,
 * open handles, the bin — stays with the spawned tests.
 */
import { main } from '../../sim/cli/main.js';

/** What a CLI invocation wrote and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `faultline …args` in this process and returns its exit code and output. */
export async function faultlineInProcess(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}
