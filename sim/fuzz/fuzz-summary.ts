/**
 * A campaign in words: the summary `faultline fuzz` prints (the threshold that failed, the
 * minimal fault schedule, how many runs and shrink steps it took, the replay command), the
 * description and headline of the counterexample file, and the same as JSON.
 */
import { describeTarget, type FuzzTarget } from '../../scenarios/fuzz-targets.js';
import type { Fault } from '../../scenarios/schema.js';
import { formatDuration } from '../../scenarios/units.js';
import type { CounterexampleStory } from './counterexample-file.js';
import type { CampaignResult } from './fuzz-campaign.js';
import { changesOfCase, type FuzzCase } from './fuzz-case.js';
import { rateOfGene, spikeOfGene, vusOfGene, type LoadGene } from './load-profile.js';
import type { FuzzSpace, LoadSpace } from './fuzz-space.js';
import type { CaseOutcome } from './run-case.js';
import type { ThresholdBound } from './threshold-margin.js';

/** `crash on catalog[0] from 4.84s for 220ms`, `latency +120ms on api->db …`, `CA outage from 1m for 30s`. */
export function describeFault(fault: Fault): string {
  const when = `from ${formatDuration(fault.at)} for ${formatDuration(fault.for)}`;
  if (fault.kind === 'ca-outage') return `CA outage ${when}`;
  const on = `on ${describeTarget(targetOf(fault))}`;
  switch (fault.kind) {
    case 'latency':
      return `latency +${formatDuration(fault.delay)} ${on} ${when}`;
    case 'abort':
      return `abort ${fault.percent}% (${fault.status}) ${on} ${when}`;
    case 'slowdown':
      return `slowdown ×${fault.factor} ${on} ${when}`;
    default:
      return `${fault.kind} ${on} ${when}`;
  }
}

function targetOf(fault: Exclude<Fault, { kind: 'ca-outage' }>): FuzzTarget {
  if (fault.edge !== undefined) return { edge: fault.edge };
  if (fault.zone !== undefined) return { zone: fault.zone };
  return fault.instance === undefined ? { service: fault.service! } : { service: fault.service!, instance: fault.instance };
}

/** `users at 120/s, spiking ×2.1 to 252/s from 4s for 2s (1ms ramps)`, or `users with 40 VUs`. */
export function describeLoad(load: LoadSpace, gene: LoadGene): string {
  if (load.base.executor === 'constant-vus') return `${load.name} with ${vusOfGene(load, gene)} VUs`;
  const rate = rateOfGene(load, gene);
  const spike = spikeOfGene(load, gene);
  const base = `${load.name} at ${rate}/s`;
  if (spike === null) return base;
  const top = Math.round(rate * spike.factor * 10) / 10;
  return `${base}, spiking ×${spike.factor} to ${top}/s from ${formatDuration(load.base.startTime + spike.at)} for ${formatDuration(spike.for)} (${formatDuration(spike.rampMs)} ramps)`;
}

/** Each change a case makes, in words: the faults, then the loads, then the parameters. */
export function describeCase(space: FuzzSpace, c: FuzzCase): string[] {
  const changes = changesOfCase(space, c);
  return [
    ...changes.faults.map(describeFault),
    ...space.loads.flatMap((load, i) => (load.rate || load.vus || spikeOfGene(load, c.loads[i]) ? [`load ${describeLoad(load, c.loads[i])}`] : [])),
    ...space.parameters.map((p, i) => `${p.from}->${p.to} ${p.field} = ${p.kind === 'duration' ? formatDuration(changes.parameters[i]) : changes.parameters[i]}`),
  ];
}

/** The thresholds an outcome failed, as `label (observed X)`. */
export function failedThresholds(outcome: CaseOutcome, bounds: readonly ThresholdBound[]): string[] {
  return outcome.margins.flatMap((margin, i) => (margin < 0 ? [`${bounds[i].label} (observed ${outcome.observed[i] ?? 'no data'})`] : []));
}

/** How to run the same campaign again. */
export function replayCommand(file: string, result: CampaignResult): string {
  const { options } = result;
  const guidance = options.guidance === 'none' ? ' --guidance none' : '';
  const batch = options.batchSize === undefined ? '' : ` --batch ${options.batchSize}`;
  return `faultline fuzz ${file} --seed ${options.seed} --runs ${options.runs} --strategy ${options.strategy}${guidance}${batch}`;
}

/** What the counterexample file says about itself. */
export function storyOf(space: FuzzSpace, result: CampaignResult, bounds: readonly ThresholdBound[], file: string): CounterexampleStory {
  const shrunk = result.shrunk!;
  const found = result.found!;
  const how = {
    baseline: 'the scenario as written',
    exhaustive: 'the single-fault matrix',
    guided: 'the margin-guided search',
    random: 'the random search',
  }[found.by];
  const schedule = describeCase(space, shrunk.c);
  const description = [
    `Found by faultline fuzz (${replayCommand(file, result)}): ${how} failed at run ${found.runsToFind},`,
    `and fast-check shrank the case in ${shrunk.steps} steps (${runs(shrunk.runs)}) to the one below.`,
    `Failed: ${failedThresholds(shrunk.outcome, bounds).join('; ')}.`,
    schedule.length > 0 ? `Minimal schedule: ${schedule.join('; ')}.` : 'No fault needed: the scenario fails as written.',
    `Run seed ${shrunk.c.seed}. Reproduce with faultline run (exit code 1).`,
    space.scenario.description ? `The original scenario: ${space.scenario.description.trim()}` : '',
  ];
  return {
    name: space.scenario.name,
    description: description.filter(Boolean).join(' '),
    headline: `faultline fuzz counterexample of ${file} (seed ${result.options.seed}): ${failedThresholds(shrunk.outcome, bounds).join('; ')}`,
  };
}

/** The summary `faultline fuzz` prints. */
export function renderFuzzSummary(space: FuzzSpace, result: CampaignResult, bounds: readonly ThresholdBound[], file: string, written: string | null): string {
  const lines = [`faultline fuzz ${file}: seed ${result.options.seed}, strategy ${result.options.strategy}${result.options.strategy === 'exhaustive' ? '' : `, ${result.options.guidance === 'margin' ? 'margin-guided' : 'pure random'} search`}`];
  if (result.matrix) {
    const broken = result.matrix.outcomes.filter((o) => !o.ok).length;
    lines.push(`single faults: ${result.matrix.cases.length} tried, ${broken === 0 ? 'none breaks a threshold' : `${broken} ${broken === 1 ? 'breaks' : 'break'} a threshold`}`);
  }
  if (!result.found || !result.shrunk) {
    const worst = result.search?.worst ?? null;
    const margin = worst === null ? '' : `; closest: ${bounds[worst.threshold].label} at margin ${worst.margin.toPrecision(3)}`;
    const stopped = result.stopped === null ? '' : result.stopped === 'time-limit' ? ' (stopped at the time limit)' : ' (interrupted)';
    lines.push(`✓ no counterexample in ${result.runs} runs${stopped}${margin}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `✗ counterexample: ${failedThresholds(result.shrunk.outcome, bounds).join('; ')}`,
    `  found by ${result.found.by === 'baseline' ? 'the scenario as written' : `the ${result.found.by} search`.replace('the exhaustive search', 'the single-fault matrix')} at run ${result.found.runsToFind}; shrunk in ${result.shrunk.steps} steps (${runs(result.shrunk.runs)}); ${runs(result.runs)} in all`,
    ...describeCase(space, result.shrunk.c).map((line) => `  · ${line}`),
    ...(written ? [`  written: ${written} (faultline run ${written} exits 1)`] : []),
    `  replay: ${replayCommand(file, result)} (add --path ${result.shrunk.path} to replay the shrinking without its search)`,
  );
  return `${lines.join('\n')}\n`;
}

/** The campaign as JSON (`--json`): `faultline.fuzz/v1`. */
export function fuzzJson(space: FuzzSpace, result: CampaignResult, bounds: readonly ThresholdBound[], file: string, written: string | null): object {
  const shrunk = result.shrunk;
  return {
    schema: 'faultline.fuzz/v1',
    file,
    seed: result.options.seed,
    strategy: result.options.strategy,
    guidance: result.options.guidance,
    runs: result.runs,
    stopped: result.stopped,
    matrix: result.matrix && result.matrix.cases.map((m, i) => ({ kind: m.kind, target: m.target, ok: result.matrix!.outcomes[i].ok, margins: result.matrix!.outcomes[i].margins })),
    counterexample:
      shrunk && result.found
        ? {
            found_by: result.found.by,
            runs_to_find: result.found.runsToFind,
            shrink_steps: shrunk.steps,
            shrink_runs: shrunk.runs,
            fast_check_path: shrunk.path,
            failed: bounds.filter((_, i) => shrunk.outcome.margins[i] < 0).map((b) => b.label),
            run_seed: shrunk.c.seed,
            changes: changesOfCase(space, shrunk.c),
            file: written,
          }
        : null,
    replay: replayCommand(file, result),
  };
}

function runs(n: number): string {
  return `${n} ${n === 1 ? 'run' : 'runs'}`;
}
