import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { renderSummary, shouldUseColor } from '../../reports/summary.js';
import { ThresholdTargetError } from '../../reports/threshold-target-error.js';
import { writeFileAtomic, writeRunOutputs } from '../../reports/write-atomic.js';
import { renderSideBySide } from '../../reports/side-by-side.js';
import { join } from 'node:path';
import { nearestName } from '../../scenarios/nearest-name.js';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { isScenarioError } from '../../scenarios/scenario-error.js';
import { ScenarioSchema } from '../../scenarios/schema.js';
import { formatDuration } from '../../scenarios/units.js';
import type { RunReport } from '../../reports/report.js';
import { plannedEndMs } from '../planned-end.js';
import { costProblems, describeCost, estimateCost, ScenarioTooLargeError } from '../cost-estimate.js';
import { SimulationRun } from '../run-simulation.js';
import { attachNegativeSeed, checkOutDir, parseDurationOption, parseSeed } from './arguments.js';
import { shortenScenario } from '../shorten-scenario.js';
import { ExitCode, RunError, UsageError } from './exit-codes.js';
import { CLEAN_HELP, MAIN_HELP, RUN_HELP, SCHEMA_HELP, VALIDATE_HELP } from './help.js';
import { FUZZ_HELP, fuzzCommand } from './fuzz-command.js';
import { ProgressBar } from './progress-bar.js';
import { scenarioFiles } from './scenario-files.js';
import { EXPORT_HELP, exportCommand } from './export-command.js';
import { validateFile } from './validate-file.js';
import { TargetFileError } from '../staging/target-file-error.js';
import { TOXIPROXY_HELP, toxiproxyCommand } from './toxiproxy-command.js';

const HELP: Record<string, string> = { run: RUN_HELP, validate: VALIDATE_HELP, schema: SCHEMA_HELP, clean: CLEAN_HELP, toxiproxy: TOXIPROXY_HELP, export: EXPORT_HELP, fuzz: FUZZ_HELP };

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatchCommand(argv);
  } catch (error) {
    return reportError(error);
  }
}

function dispatchCommand(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') return print(MAIN_HELP);
  if (command === '--version' || command === '-v') return print(VERSION);
  if (command === 'help') return print(HELP[rest[0]] ?? MAIN_HELP);
  if (rest.includes('-h') || rest.includes('--help')) return print(HELP[command] ?? MAIN_HELP);
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'validate':
      return validateCommand(rest);
    case 'clean':
      return loadStagingMode().then((m) => m.cleanCommand(rest));
    case 'fuzz':
      return fuzzCommand(rest);
    case 'schema':
      return print(JSON.stringify(z.toJSONSchema(ScenarioSchema, { io: 'input' }), null, 2));
    case 'toxiproxy':
      return toxiproxyCommand(rest);
    case 'export':
      return exportCommand(rest);
    default:
      throw new UsageError(`unknown command '${command}'${suggestCommand(command)}. Run 'faultline --help'.`);
  }
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args: attachNegativeSeed(args),
      allowPositionals: true,
      strict: true,
      options: {
        mode: { type: 'string', default: 'sim' },
        seed: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'allow-large': { type: 'boolean', default: false },
        duration: { type: 'string' },
        'warm-up': { type: 'string' },
        target: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'state-dir': { type: 'string' },
      },
    }),
  );
  if (positionals.length !== 1) throw new UsageError(`'run' takes one scenario file, got ${positionals.length}. Run 'faultline help run'.`);
  if (values.mode !== 'sim' && values.mode !== 'live' && values.mode !== 'both' && values.mode !== 'staging') throw new UsageError(`--mode must be 'sim', 'live', 'both' or 'staging', got '${values.mode}'.`);
  if (values.mode !== 'staging' && (values.target !== undefined || values['dry-run'] || values['state-dir'] !== undefined)) throw new UsageError(`--target, --dry-run and --state-dir are for --mode staging.`);
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed);
  const durationMs = values.duration === undefined ? undefined : parseDurationOption('--duration', values.duration);
  const warmUpMs = values['warm-up'] === undefined ? undefined : parseDurationOption('--warm-up', values['warm-up'], true);
  if (values.out !== undefined) checkOutDir(values.out);

  const loaded = loadScenarioFile(positionals[0]);
  if (durationMs !== undefined) loaded.scenario = shortenScenario(loaded.scenario, durationMs);
  if (values.mode === 'live') return liveCommand(loaded, seed, warmUpMs, values);
  if (values.mode === 'staging') {
    const staging = await loadStagingMode();
    return staging.stagingCommand(loaded, { target: values.target, dryRun: values['dry-run'], stateDir: values['state-dir'], seed, json: values.json, quiet: values.quiet, finish: (report, signal) => finish(report, signal, values) });
  }
  const cost = estimateCost(loaded.scenario);
  const problems = costProblems(loaded.scenario, cost, values['allow-large']);
  if (problems.length > 0) throw new ScenarioTooLargeError(loaded.file, problems);
  if (values.mode === 'both') return bothCommand(loaded, seed, warmUpMs, values);
  const tty = process.stderr.isTTY && !values.json && !values.quiet;
  // Without a terminal (CI logs) a line says the run has begun and what it will cost; on a terminal the progress bar does.
  if (!process.stderr.isTTY && !values.quiet) process.stderr.write(`faultline: running ${loaded.file} (sim, seed ${seed ?? loaded.scenario.seed}): ${describeCost(cost)}\n`);
  const bar = tty ? new ProgressBar(process.stderr, plannedEndMs(loaded.scenario)) : undefined;
  const run = new SimulationRun(loaded.scenario, { file: loaded.file, sha256: loaded.sha256 }, { seed, progress: bar, wallClock: Date.now });
  const signal = await runUntilSignal(run);
  bar?.clear();
  return finish(run.report(), signal, values);
}

/** What `run` prints and writes, the same in both modes. */
interface OutputOptions {
  out?: string;
  json: boolean;
  quiet: boolean;
}

/** Runs a loaded scenario live: real servers on 127.0.0.1 for the scenario's (or --duration's) length. */
async function liveCommand(loaded: ReturnType<typeof loadScenarioFile>, seed: number | undefined, warmUpMs: number | undefined, values: OutputOptions): Promise<number> {
  const planned = plannedEndMs(loaded.scenario);
  const tty = process.stderr.isTTY && !values.json && !values.quiet;
  const bar = tty ? new ProgressBar(process.stderr, planned) : undefined;
  const { runLive } = await loadLiveMode();
  const { report, signal } = await runLive(loaded.scenario, { file: loaded.file, sha256: loaded.sha256 }, { seed, warmUpMs }, {
    // Said once the run listens for SIGINT and SIGTERM, so a signal after this line is always heard.
    announce: () => {
      if (!process.stderr.isTTY && !values.quiet) process.stderr.write(`faultline: running ${loaded.file} (live, seed ${seed ?? loaded.scenario.seed}) for ${formatDuration(planned)} on 127.0.0.1\n`);
    },
    // Starting takes seconds (certificates, servers, connections, warm-up): a CI log says when the load begins.
    loadStarted: () => {
      if (!process.stderr.isTTY && !values.quiet) process.stderr.write(`faultline: servers up on 127.0.0.1, load started\n`);
    },
    progress: bar && ((now, inFlight) => bar.report(now, inFlight)),
  });
  bar?.clear();
  return finish(report, signal, values);
}

/**
 * Runs a loaded scenario in the simulator, then live, and prints the two side by side (with
 * --json, `{ "sim": report, "live": report }`; with --out, DIR/sim/, DIR/live/ and
 * DIR/comparison.txt). Exit 0 only when every threshold held in both.
 */
async function bothCommand(loaded: ReturnType<typeof loadScenarioFile>, seed: number | undefined, warmUpMs: number | undefined, values: OutputOptions): Promise<number> {
  const source = { file: loaded.file, sha256: loaded.sha256 };
  const simRun = new SimulationRun(loaded.scenario, source, { seed, wallClock: Date.now });
  const simSignal = await runUntilSignal(simRun);
  const sim = simRun.report();
  const { runLive } = await loadLiveMode();
  const { report: live, signal } = simSignal !== null ? { report: null, signal: simSignal } : await runLive(loaded.scenario, source, { seed, warmUpMs }, {
    announce: () => {
      if (!values.quiet) process.stderr.write(`faultline: simulated ${loaded.file}; now running it live for ${formatDuration(plannedEndMs(loaded.scenario))} on 127.0.0.1\n`);
    },
  });
  if (live === null) return finish(sim, signal, values);
  const comparison = renderSideBySide(sim, live, { color: shouldUseColor(process.stdout, process.env) });
  if (values.out) {
    writeOutputs(join(values.out, 'sim'), sim);
    writeOutputs(join(values.out, 'live'), live);
    writeFileAtomic(join(values.out, 'comparison.txt'), renderSideBySide(sim, live, { color: false }));
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ sim, live }, null, 2)}\n`);
  else if (!values.quiet) process.stdout.write(comparison);
  if (signal !== null) return signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated;
  return sim.ok && live.ok ? ExitCode.Ok : ExitCode.ThresholdFailed;
}

let stagingMode: typeof import('./staging-command.js') | null = null;

/** Staging's code (the Toxiproxy client, the load generator), loaded only for a staging run or `clean`. */
async function loadStagingMode(): Promise<typeof import('./staging-command.js')> {
  stagingMode ??= await import('./staging-command.js');
  return stagingMode;
}

/** Live mode's code, loaded only for a live run: its clients, servers and X.509 library would slow every simulated run's start. */
function loadLiveMode(): Promise<typeof import('./run-live.js')> {
  return import('./run-live.js');
}

/** Prints and writes a run's report; the exit code from its thresholds or the signal that stopped it. */
function finish(report: RunReport, signal: NodeJS.Signals | null, values: OutputOptions): number {
  if (values.out) writeOutputs(values.out, report);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (!values.quiet) process.stdout.write(`${renderSummary(report, { color: shouldUseColor(process.stdout, process.env) })}\n`);
  if (signal !== null) {
    process.stderr.write(`faultline: stopped by ${signal} at ${(report.engine.simulated_ms / 1000).toFixed(1)} s ${report.mode === 'sim' ? 'simulated' : `of ${report.mode} load`}; the report covers what ran (interrupted: true)\n`);
    return signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated;
  }
  return report.ok ? ExitCode.Ok : ExitCode.ThresholdFailed;
}

/** Events fired between two looks at the signals: a few milliseconds of work. */
const EVENTS_PER_SLICE = 20_000;

/**
 * Advances `run` slice by slice, handing control back to Node between slices so that SIGINT
 * and SIGTERM are heard; the first one stops the run at the next slice boundary. Returns the
 * signal that stopped it, or null when it ran to its end.
 */
async function runUntilSignal(run: SimulationRun): Promise<NodeJS.Signals | null> {
  let signal: NodeJS.Signals | null = null;
  const stop = (received: NodeJS.Signals): void => {
    signal ??= received;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    while (signal === null && !run.advance(EVENTS_PER_SLICE)) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return signal;
}

function validateCommand(args: string[]): number {
  const { positionals } = asUsage(() => parseArgs({ args, allowPositionals: true, strict: true, options: {} }));
  if (positionals.length === 0) throw new UsageError(`'validate' takes one or more scenario files or folders. Run 'faultline help validate'.`);
  let code: number = ExitCode.Ok;
  for (const file of scenarioFiles(positionals)) {
    try {
      process.stdout.write(`${validateFile(file)}\n`);
    } catch (error) {
      code = reportError(error);
    }
  }
  return code;
}

function writeOutputs(dir: string, report: Parameters<typeof writeRunOutputs>[1]): void {
  try {
    writeRunOutputs(dir, report, renderSummary(report, { color: false }));
  } catch (error) {
    throw new RunError(`cannot write the outputs to '${dir}': ${(error as Error).message}`);
  }
}

/** Runs a command-line parse, turning its complaint into a usage error (exit code 2). */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run 'faultline --help'.`);
  }
}

function reportError(error: unknown): number {
  const staging = stagingMode?.stagingErrorCode(error);
  if (staging !== undefined && staging !== null) return staging;
  if (isScenarioError(error) || error instanceof TargetFileError) {
    process.stderr.write(`${error.message}\n`);
    return ExitCode.BadInput;
  }
  if (error instanceof ThresholdTargetError) {
    process.stderr.write(`faultline: ${error.message}\n`);
    return ExitCode.BadInput;
  }
  if (error instanceof ScenarioTooLargeError) {
    process.stderr.write(`faultline: ${error.message}\n`);
    return ExitCode.BadInput;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`faultline: ${error.message}\n`);
    return ExitCode.BadInput;
  }
  if (error instanceof RunError) {
    process.stderr.write(`faultline: ${error.message}\n`);
    return ExitCode.RunFailed;
  }
  process.stderr.write(`faultline: internal error, the run could not be carried out:\n${(error as Error)?.stack ?? String(error)}\n`);
  return ExitCode.RunFailed;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return ExitCode.Ok;
}

function suggestCommand(command: string): string {
  const near = nearestName(command, ['run', 'validate', 'schema', 'clean', 'toxiproxy', 'export', 'fuzz', 'help']);
  return near ? ` (did you mean '${near}'?)` : '';
}

// By the package's own name (its `exports` lists ./package.json): the same line works from the
// sources and from the compiled dist/sim/cli/main.js.
const VERSION: string = createRequire(import.meta.url)('faultline/package.json').version;
