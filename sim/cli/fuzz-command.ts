/**
 * `faultline fuzz FILE`: property-based search for the fault schedule (and load, and policy
 * parameters) that breaks the scenario's thresholds, shrunk by fast-check and written as a
 * scenario file that `faultline run` reproduces with exit 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenarioFile, parseScenario } from '../../scenarios/parse-scenario.js';
import { renderSummary } from '../../reports/summary.js';
import { costProblems, estimateCost, ScenarioTooLargeError } from '../cost-estimate.js';
import { runSimulation } from '../run-simulation.js';
import { InThreadSimulator, type CaseSimulator } from '../fuzz/case-simulator.js';
import { counterexampleYaml } from '../fuzz/counterexample-file.js';
import { runCampaign, type CampaignResult, type FuzzGuidance, type FuzzStrategy } from '../fuzz/fuzz-campaign.js';
import { changesOfCase } from '../fuzz/fuzz-case.js';
import { FuzzProgressLine } from '../fuzz/fuzz-progress.js';
import { fuzzSpaceOf, type FuzzSpace } from '../fuzz/fuzz-space.js';
import { fuzzJson, renderFuzzSummary, storyOf } from '../fuzz/fuzz-summary.js';
import { CaseRunner } from '../fuzz/run-case.js';
import { renderMatrix } from '../fuzz/single-fault-matrix.js';
import { WorkerPoolSimulator } from '../fuzz/worker-pool.js';
import { checkOutDir, parseDurationOption } from './arguments.js';
import { ExitCode, RunError, UsageError } from './exit-codes.js';

/** The help of `faultline fuzz`. */
export const FUZZ_HELP = `faultline fuzz FILE [options]

Searches for the fault schedule that breaks the scenario in FILE: its thresholds are the
property. Runs the scenario as written, then every single fault on every target once (a
matrix of which breaks which threshold), then random cases guided toward the thresholds
that came closest to failing. The first failure is shrunk by fast-check (fewer faults,
later, shorter, weaker) and written as a scenario file that 'faultline run' reproduces
(exit 1). What may vary, and within which bounds, is the scenario's 'fuzz' section; without
one, up to 3 faults of every kind, on every target, anywhere in the run.

Options
  --runs N          most runs of the random search (default 1000)
  --seed S          the campaign's seed, 0 to 4294967295 (default: drawn, and printed):
                    the same seed and options find and shrink the same case
  --time-limit D    start no new search batch after D of wall time (30s, 5m); a search
                    stopped this way cannot be replayed exactly
  --workers K       simulate on K worker threads (default 1: this thread); the result is the
                    same whatever K
  --out DIR         where the counterexample is written (default fuzz-counterexamples/), as
                    DIR/<name>.counterexample.yaml
  --strategy S      exhaustive (the single-fault matrix only), random (the search only) or
                    both (default)
  --guidance G      margin (default): bias the search toward the thresholds closest to
                    failing; none: pure random
  --batch N         cases per search batch (default 16); part of what --seed replays
  --path P          fast-check's shrink path of an earlier campaign with the same options,
                    printed with its counterexample: the shrinking is replayed, not searched
  --json            print the campaign as JSON (faultline.fuzz/v1) on stdout, nothing else
  --quiet           print nothing but errors; rely on the exit code
  -h, --help        this help

Exit codes
  0  no counterexample in the runs made     2  bad input (usage, a scenario that does not
  1  a counterexample, found and written        validate, one without thresholds)
  3  the search could not be carried out     130, 143  stopped by SIGINT, SIGTERM

Example
  faultline fuzz scenarios/fuzz/breaker-two-crashes.yaml --seed 7 --workers 2
  faultline run fuzz-counterexamples/breaker-two-crashes.counterexample.yaml   # exit 1`;

const DEFAULT_RUNS = 1000;
const DEFAULT_OUT = 'fuzz-counterexamples';
/** Largest campaign seed: fast-check's seeds are 32-bit. */
const MAX_FUZZ_SEED = 0xffffffff;
const MAX_WORKERS = 64;

/** Runs `faultline fuzz` with its arguments; returns the exit code. */
export async function fuzzCommand(args: string[]): Promise<number> {
  const options = parseFuzzArguments(args);
  const loaded = loadScenarioFile(options.file);
  if (Object.keys(loaded.scenario.thresholds).length === 0) {
    throw new UsageError(`${options.file}: the scenario has no thresholds, so nothing can break it; add a 'thresholds' section to fuzz it.`);
  }
  const problems = costProblems(loaded.scenario, estimateCost(loaded.scenario), false);
  if (problems.length > 0) throw new ScenarioTooLargeError(loaded.file, problems);
  if (options.out !== undefined) checkOutDir(options.out);

  const space = fuzzSpaceOf(loaded.scenario);
  const source = { file: loaded.file, sha256: loaded.sha256 };
  const runner = new CaseRunner(space, source);
  const simulator: CaseSimulator = options.workers > 1 ? new WorkerPoolSimulator({ scenario: loaded.scenario, source }, options.workers) : new InThreadSimulator(runner);
  const tty = process.stderr.isTTY && !options.json && !options.quiet;
  const line = tty ? new FuzzProgressLine(process.stderr, runner.bounds) : undefined;
  if (!process.stderr.isTTY && !options.quiet) {
    process.stderr.write(`faultline: fuzzing ${options.file} (seed ${options.seed}, ${options.runs} runs at most, ${options.workers} worker${options.workers === 1 ? '' : 's'})\n`);
  }
  let signal: NodeJS.Signals | null = null;
  const stop = (received: NodeJS.Signals): void => {
    signal ??= received;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let result: CampaignResult;
  try {
    result = await runCampaign(space, simulator, {
      runs: options.runs,
      seed: options.seed,
      strategy: options.strategy,
      guidance: options.guidance,
      batchSize: options.batch,
      path: options.path,
      timeLimitMs: options.timeLimitMs,
      now: Date.now,
      interrupted: () => signal !== null,
      onProgress: (progress) => line?.update(progress),
    });
  } finally {
    line?.clear();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await simulator.close();
  }

  const written = result.shrunk ? writeCounterexample(options.out ?? DEFAULT_OUT, loaded.text, space, result, runner, options.file) : null;
  if (options.json) process.stdout.write(`${JSON.stringify(fuzzJson(space, result, runner.bounds, options.file, written), null, 2)}\n`);
  else if (!options.quiet) {
    if (result.matrix && result.matrix.cases.length > 0) process.stdout.write(`${renderMatrix(result.matrix.cases, result.matrix.outcomes, runner.bounds)}\n\n`);
    process.stdout.write(renderFuzzSummary(space, result, runner.bounds, options.file, written));
  }
  if (result.shrunk) return ExitCode.ThresholdFailed;
  if (signal !== null) return signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated;
  return ExitCode.Ok;
}

/**
 * Writes the counterexample to `dir` and checks that it reproduces: the file, read back like
 * any scenario and run, fails a threshold.
 *
 * @throws {@link RunError} when it cannot be written, or does not reproduce (a bug of faultline)
 */
function writeCounterexample(dir: string, text: string, space: FuzzSpace, result: CampaignResult, runner: CaseRunner, file: string): string {
  const shrunk = result.shrunk!;
  const yaml = counterexampleYaml(text, space, changesOfCase(space, shrunk.c), shrunk.c.seed, storyOf(space, result, runner.bounds, file));
  const path = join(dir, `${basename(file, extname(file))}.counterexample.yaml`);
  const report = runSimulation(parseScenario(yaml, path), { file: path, sha256: '' });
  if (report.ok) throw new RunError(`the counterexample does not reproduce when read back from its file; this is a bug of faultline. Its summary:\n${renderSummary(report, { color: false })}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, yaml);
  } catch (error) {
    throw new RunError(`cannot write the counterexample to '${path}': ${(error as Error).message}`);
  }
  return path;
}

/** `fuzz`'s options, checked. */
interface FuzzArguments {
  file: string;
  runs: number;
  seed: number;
  timeLimitMs?: number;
  workers: number;
  out?: string;
  strategy: FuzzStrategy;
  guidance: FuzzGuidance;
  batch?: number;
  path?: string;
  json: boolean;
  quiet: boolean;
}

function parseFuzzArguments(args: string[]): FuzzArguments {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run 'faultline help fuzz'.`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`'fuzz' takes one scenario file, got ${positionals.length}. Run 'faultline help fuzz'.`);
  const strategy = values.strategy as FuzzStrategy;
  if (!['exhaustive', 'random', 'both'].includes(strategy)) throw new UsageError(`--strategy must be 'exhaustive', 'random' or 'both', got '${values.strategy}'.`);
  const guidance = values.guidance as FuzzGuidance;
  if (!['margin', 'none'].includes(guidance)) throw new UsageError(`--guidance must be 'margin' or 'none', got '${values.guidance}'.`);
  return {
    file: positionals[0],
    runs: count('--runs', values.runs ?? String(DEFAULT_RUNS), 1, Number.MAX_SAFE_INTEGER),
    seed: values.seed === undefined ? Date.now() % (MAX_FUZZ_SEED + 1) : count('--seed', values.seed, 0, MAX_FUZZ_SEED),
    timeLimitMs: values['time-limit'] === undefined ? undefined : parseDurationOption('--time-limit', values['time-limit']),
    workers: count('--workers', values.workers ?? '1', 1, MAX_WORKERS),
    out: values.out,
    strategy,
    guidance,
    batch: values.batch === undefined ? undefined : count('--batch', values.batch, 1, 1024),
    path: values.path === undefined ? undefined : shrinkPath(values.path),
    json: values.json,
    quiet: values.quiet,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      'time-limit': { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      strategy: { type: 'string', default: 'both' },
      guidance: { type: 'string', default: 'margin' },
      batch: { type: 'string' },
      path: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
}

/** A whole number option from `min` to `max`, written with digits only. */
function count(option: string, text: string, min: number, max: number): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got '${text}'.`);
  return n;
}

/** `--path`: fast-check's path, numbers separated by colons. */
function shrinkPath(text: string): string {
  if (!/^[0-9]+(:[0-9]+)*$/.test(text)) throw new UsageError(`--path must be fast-check's path, numbers separated by colons (such as 0:1:0:3), got '${text}'.`);
  return text;
}
