/**
 * `faultline run FILE --mode staging --target T` and `faultline clean --target T`: a scenario
 * against a real staging mesh (load from the built-in generator, faults through Toxiproxy),
 * and the removal of what killed runs left behind. Loaded only for these commands.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunReport } from '../../reports/report.js';
import type { LoadedScenario } from '../../scenarios/parse-scenario.js';
import { formatDuration } from '../../scenarios/units.js';
import { checkTargetAgainstScenario } from '../staging/check-target-against-scenario.js';
import { loadTargetFile, type LoadedTarget } from '../staging/load-target-file.js';
import { sweepOrphans } from '../staging/orphan-sweep.js';
import { buildStagingPlan, StagingPlanError, type StagingPlan } from '../staging/staging-plan.js';
import { describeStop, StagingPreflightError, StagingRun } from '../staging/staging-run.js';
import { TargetFileError } from '../staging/target-file-error.js';
import { newRunId } from '../staging/toxic-names.js';
import { ToxiproxyFleet, ToxiproxyUnavailableError } from '../staging/toxiproxy-fleet.js';
import { ExitCode, UsageError } from './exit-codes.js';

/** Where runs keep their journals: `--state-dir`, else `$FAULTLINE_STATE_DIR`, else `.faultline` in the working directory. */
export function journalDirOf(stateDir: string | undefined): string {
  return join(resolve(stateDir ?? process.env.FAULTLINE_STATE_DIR ?? '.faultline'), 'runs');
}

/** What the run command passes on. */
export interface StagingCommandOptions {
  readonly target: string | undefined;
  readonly dryRun: boolean;
  readonly stateDir: string | undefined;
  readonly seed: number | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Prints and writes the report; returns the exit code by thresholds or signal. */
  readonly finish: (report: RunReport, signal: NodeJS.Signals | null) => number;
}

/**
 * Runs a loaded scenario against the staging target of `--target` (or prints its plan with
 * `--dry-run`). Refused before anything is touched (exit 2): a target file with errors, a
 * scenario it does not fit, a plan staging cannot carry out, proxies missing on the APIs.
 */
export async function stagingCommand(loaded: LoadedScenario, options: StagingCommandOptions): Promise<number> {
  if (options.target === undefined) throw new UsageError(`--mode staging needs --target FILE, the staging target file (README, "Staging target file").`);
  const target = loadTargetFile(options.target);
  const issues = checkTargetAgainstScenario(target, loaded.scenario);
  if (issues.length > 0) throw new TargetFileError(issues, target.text);
  const plan = buildStagingPlan(loaded.scenario, target, newRunId(Date.now()), Date.now());
  if (options.dryRun) return printPlan(plan, loaded, target, options.json);
  const say = (line: string): void => {
    if (!options.quiet) process.stderr.write(`faultline: ${line}\n`);
  };
  const run = new StagingRun(loaded.scenario, { file: loaded.file, sha256: loaded.sha256 }, plan, {
    seed: options.seed,
    journalDir: journalDirOf(options.stateDir),
    targetFile: target.file,
    log: say,
    onLoadStart: () => say(`load started against ${plan.target} (run ${plan.runId}) for ${formatDuration(plan.durationMs)}`),
  });
  let signal: NodeJS.Signals | null = null;
  const stop = (received: NodeJS.Signals): void => {
    signal ??= received;
    run.interrupt();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await run.run();
  } finally {
    await run.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const left = run.leftBehind;
  if (left.length > 0) say(`${left.length} toxic(s) could not be removed; they are journaled, and the next run or 'faultline clean --target ${target.file}' removes them: ${left.map((t) => `${t.place.toxic} on ${t.place.proxy}`).join(', ')}`);
  const report = run.report();
  const code = options.finish(report, signal);
  const stopped = run.stop;
  if (signal !== null || stopped === null) return code;
  say(describeStop(stopped));
  if (stopped.reason === 'stop-condition') return ExitCode.StoppedByCondition;
  if (stopped.reason === 'fault-injection-failed') return ExitCode.RunFailed;
  return code;
}

/** `faultline clean --target FILE [--all] [--state-dir DIR]`: removes the toxics of runs that are over. */
export async function cleanCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, options: { target: { type: 'string' }, all: { type: 'boolean', default: false }, 'state-dir': { type: 'string' }, json: { type: 'boolean', default: false } } }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run 'faultline help clean'.`);
  }
  if (values.target === undefined) throw new UsageError(`'clean' needs --target FILE, the staging target file whose Toxiproxy APIs to clean. Run 'faultline help clean'.`);
  const target = loadTargetFile(values.target);
  const apis = target.target.toxiproxy.map((t) => t.api.replace(/\/+$/, ''));
  const result = await sweepOrphans(new ToxiproxyFleet(apis), apis, { journalDir: journalDirOf(values['state-dir']), all: values.all, nowEpochMs: Date.now() });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    for (const t of result.removed) process.stdout.write(`removed ${t.toxic} from ${t.proxy} at ${t.api}: ${t.why}\n`);
    for (const t of result.leftAlone) process.stdout.write(`left ${t.toxic} on ${t.proxy} at ${t.api}: ${t.why}\n`);
    process.stdout.write(`${result.removed.length} toxic(s) removed, ${result.leftAlone.length} left to running runs${result.leftAlone.length > 0 ? ' (--all removes them too)' : ''}\n`);
  }
  return ExitCode.Ok;
}

/** The exit code of a staging error, with its message on stderr; null when `error` is not one. */
export function stagingErrorCode(error: unknown): number | null {
  if (error instanceof StagingPlanError || error instanceof StagingPreflightError) {
    process.stderr.write(`faultline: ${error.message}\n`);
    return ExitCode.BadInput;
  }
  if (error instanceof ToxiproxyUnavailableError) {
    process.stderr.write(`faultline: ${error.message}\n`);
    return ExitCode.RunFailed;
  }
  return null;
}

function printPlan(plan: StagingPlan, loaded: LoadedScenario, target: LoadedTarget, json: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...plan, proxiesByApi: Object.fromEntries([...plan.proxiesByApi].map(([api, names]) => [api, [...names]])) }, null, 2)}\n`);
    return ExitCode.Ok;
  }
  const lines = [
    `Dry run: ${loaded.file} against ${plan.target} (${target.file}). Nothing is touched.`,
    `Run id ${plan.runId}; hard maximum ${formatDuration(plan.maxDurationMs)}; toxics named with the run id count as orphans after ${new Date(plan.deadlineEpochS * 1000).toISOString()}.`,
    '',
    'Load (built-in generator):',
    ...plan.loads.map((l) => `  ${l.name} → ${l.url}  (${describeLoad(loaded, l.name)})`),
    '',
    plan.toxics.length === 0 ? 'Toxics: none' : 'Toxics (through the Toxiproxy API; every one removed at its end, on a stop and on exit):',
    ...plan.toxics.map(
      (t) =>
        `  +${formatDuration(t.atMs)} for ${formatDuration(t.untilMs - t.atMs)}  ${t.spec.type} ${t.spec.stream} ${JSON.stringify(t.spec.attributes)} on proxy ${t.place.proxy} at ${t.place.api}  [fault ${t.fault}: ${t.kind} on ${t.target.edge ?? t.target.service}]  as ${t.place.toxic}`,
    ),
    ...(plan.headerFaults.length === 0
      ? []
      : ['', "Envoy fault headers on the load's requests:", ...plan.headerFaults.map((h) => `  +${formatDuration(h.atMs)} for ${formatDuration(h.untilMs - h.atMs)}  to ${h.service}: ${Object.entries(h.headers).map(([k, v]) => `${k}: ${v}`).join(', ')}  [fault ${h.fault}]`)]),
    '',
    plan.stopConditions.length === 0
      ? 'Stop conditions: none (mark a threshold abortOnFail to have one)'
      : `Stop conditions (checked every second; a failure removes every toxic at once and ends the run, exit 4):`,
    ...plan.stopConditions.map((c) => `  ${c.metric}: ${c.expression}${c.delayMs > 0 ? ` (from ${formatDuration(c.delayMs)})` : ''}`),
    ...(plan.unobservable.length === 0 ? [] : ['', `Not judged (only the mesh sees them): ${plan.unobservable.join(', ')}`]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}

function describeLoad(loaded: LoadedScenario, name: string): string {
  const spec = loaded.scenario.load[name];
  switch (spec.executor) {
    case 'constant-arrival-rate':
      return `constant-arrival-rate ${+(spec.rate * 1000).toFixed(3)}/s for ${formatDuration(spec.duration)}`;
    case 'ramping-arrival-rate':
      return `ramping-arrival-rate over ${spec.stages.length} stage(s) for ${formatDuration(spec.stages.reduce((sum, st) => sum + st.duration, 0))}`;
    case 'constant-vus':
      return `constant-vus ${spec.vus} for ${formatDuration(spec.duration)}`;
  }
}
