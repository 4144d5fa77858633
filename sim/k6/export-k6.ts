/**
 * `faultline export k6`: a scenario's load as a k6 script. The load is translated as it is
 * (executors, rates, stages, VUs, request classes, the thresholds k6 can see); the faults are
 * not, for faultline applies them. What k6 cannot express is refused, every problem at once.
 */
import { createRequire } from 'node:module';
import type { LoadedScenario } from '../../scenarios/parse-scenario.js';
import { isTargeted } from '../../scenarios/schema.js';
import type { Fault, Scenario } from '../../scenarios/schema.js';
import { formatDuration } from '../../scenarios/units.js';
import { checkTargetAgainstScenario } from '../staging/check-target-against-scenario.js';
import type { LoadedTarget } from '../staging/load-target-file.js';
import { faultTargetName } from '../staging/staging-fault-layer.js';
import { TargetFileError } from '../staging/target-file-error.js';
import { entryAddresses } from './k6-addresses.js';
import type { EntryAddress } from './k6-addresses.js';
import { K6ExportError } from './k6-export-error.js';
import { k6Names } from './k6-names.js';
import { buildK6Options } from './k6-options.js';
import { protocolOf } from './k6-protocol.js';
import { requestClassesOf } from './k6-request-classes.js';
import { renderK6Script } from './k6-script.js';
import type { K6LoadScript } from './k6-script.js';
import { thinkTimeExpression } from './k6-think-time.js';

/** What the script is written from, and how it will be run. */
export interface K6ExportInput {
  scenario: Pick<LoadedScenario, 'scenario' | 'file'>;
  /** The staging target the addresses come from; without one, the script reads them from the environment. */
  target?: LoadedTarget;
  /** Where the script is written (its name goes into the commands of its header); undefined for stdout. */
  out?: string;
}

/**
 * The k6 script of a scenario's load.
 *
 * @throws {@link TargetFileError} when the target does not fit the scenario's load (an entry
 * service without an address or of the wrong protocol, a name the scenario lacks, a load
 * longer than `maxDuration`); {@link K6ExportError} for what k6 cannot express: no load, a
 * gRPC class whose path names no method, a rate that is no whole number per time unit
 */
export function exportK6Script({ scenario: loaded, target, out }: K6ExportInput): string {
  const { scenario, file } = loaded;
  if (target !== undefined) {
    const issues = checkTargetAgainstScenario(target, scenario, { faults: false });
    if (issues.length > 0) throw new TargetFileError(issues, target.text);
  }
  if (Object.keys(scenario.load).length === 0) throw new K6ExportError(file, ['load: the scenario has no load to export']);
  const names = k6Names(scenario);
  const build = buildK6Options(scenario, names);
  const problems = [...build.problems];
  const loads = Object.entries(scenario.load).flatMap(([name, load]): K6LoadScript[] => {
    const protocol = protocolOf(scenario, name);
    const classes = requestClassesOf(name, load, protocol);
    if ('problems' in classes) {
      problems.push(...classes.problems);
      return [];
    }
    const thinkTime = load.executor === 'constant-vus' ? thinkTimeExpression(load.thinkTime) : undefined;
    return [{ name, exec: names.exec.get(name)!, protocol, stem: names.service.get(load.target)!, classes: classes.classes, ...(thinkTime ? { thinkTime } : {}) }];
  });
  if (problems.length > 0) throw new K6ExportError(file, problems);
  const addresses = entryAddresses(scenario, names, target?.target);
  return renderK6Script({
    generator: `faultline ${VERSION}`,
    scenarioFile: file,
    scenarioName: scenario.name,
    command: ['faultline', 'export', 'k6', file, ...(target ? ['--target', target.file] : []), ...(out ? ['--out', out] : [])].map(shellWord).join(' '),
    runCommand: `k6 run ${out === undefined ? 'load.ts' : shellWord(out)}`,
    ...(target ? { target: { file: target.file, name: target.target.target } } : {}),
    addresses,
    build,
    faults: scenario.faults.map(describeFault),
    notes: http2Notes(scenario, addresses),
    loads,
  });
}

/** `latency on payments 2m–3m`. */
function describeFault(fault: Fault): string {
  const on = isTargeted(fault) ? ` on ${faultTargetName(fault)}` : '';
  return `${fault.kind}${on} ${formatDuration(fault.at)}–${formatDuration(fault.at + fault.for)}`;
}

/** k6 speaks HTTP/2 only over TLS: an HTTP/2 entry service at an http:// address gets HTTP/1.1. */
function http2Notes(scenario: Scenario, addresses: readonly EntryAddress[]): string[] {
  return addresses
    .filter((a) => scenario.services[a.service].protocol === 'http2' && !(a.fixed ?? '').startsWith('https:'))
    .map((a) => `${a.service} serves HTTP/2 in the scenario; k6 negotiates HTTP/2 only over TLS (https://), so to an http:// address it sends HTTP/1.1`);
}

/** A word as a POSIX shell reads it: as it is when plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// By the package's own name (its `exports` lists ./package.json): the same line works from the sources and from dist/.
const VERSION: string = createRequire(import.meta.url)('faultline/package.json').version;
