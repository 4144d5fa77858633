/** `faultline export FORMAT FILE`: a scenario written out for another tool; today k6, for the load. */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../reports/write-atomic.js';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import { nearestName } from '../../scenarios/nearest-name.js';
import { K6ExportError } from '../k6/k6-export-error.js';
import { loadTargetFile } from '../staging/load-target-file.js';
import { TargetFileError } from '../staging/target-file-error.js';
import { ExitCode, RunError, UsageError } from './exit-codes.js';

/** The formats `export` writes. */
export const EXPORT_FORMATS = ['k6'] as const;

export const EXPORT_HELP = `faultline export k6 FILE [--target TARGET] [--out SCRIPT]

Writes the load of the scenario in FILE as a k6 script in TypeScript (stdout by default),
to drive a real mesh with k6: one k6 scenario per load with the same executor, rates,
stages and VUs, the request classes picked by weight with their method, path and headers,
and the thresholds k6 can check (http_req_duration, http_req_failed, http_reqs,
dropped_iterations). Run it with k6 0.57 or later, which runs TypeScript as it is:
  k6 run load.ts

The faults are not exported: faultline applies them. Thresholds on what happens inside the
mesh (a service other services call, an edge between services, failure causes,
utilization, amplification, recovery time) are listed in the script's header and left to
faultline's report. What k6 cannot express is refused (exit 2) with the key path.

Options
  --target TARGET   a staging target file: the script sends each load to its entry
                    service's url (or gRPC address) there, after checking that the target
                    fits the scenario (every entry service mapped, every host allowed, the
                    load within maxDuration). Without it the script reads
                    FAULTLINE_<SERVICE>_URL (gRPC: FAULTLINE_<SERVICE>_GRPC) from the
                    environment, defaulting to 127.0.0.1 from port 8080 on
  --out SCRIPT      write the script to SCRIPT instead of stdout
  -h, --help        this help

Examples
  faultline export k6 scenarios/three-tier-shop.yaml > load.ts && k6 run load.ts
  faultline export k6 scenarios/three-tier-shop.yaml --target scenarios/staging/shop-staging.yaml --out load.ts`;

/**
 * Runs `faultline export …` with the arguments after `export`.
 *
 * @returns 0 when the script was written; 2 for bad input (usage, a scenario or target file
 * that does not validate or does not fit, a load k6 cannot express)
 * @throws {@link UsageError} and the scenario's errors, which the CLI reports (exit 2);
 * {@link RunError} when the script cannot be written (exit 3)
 */
export async function exportCommand(args: string[]): Promise<number> {
  const [format, ...rest] = args;
  if (format === undefined || format.startsWith('-')) throw new UsageError(`'export' takes a format (${EXPORT_FORMATS.join(', ')}) and a scenario file. Run 'faultline help export'.`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    const near = nearestName(format, EXPORT_FORMATS);
    throw new UsageError(`unknown export format '${format}'${near ? ` (did you mean '${near}'?)` : ''}; the formats are: ${EXPORT_FORMATS.join(', ')}. Run 'faultline help export'.`);
  }
  const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, strict: true, options: { target: { type: 'string' }, out: { type: 'string' } } }));
  if (positionals.length !== 1) throw new UsageError(`'export k6' takes one scenario file, got ${positionals.length}. Run 'faultline help export'.`);
  if (values.out !== undefined) checkOutFile(values.out);
  const scenario = loadScenarioFile(positionals[0]);
  let script: string;
  try {
    const target = values.target === undefined ? undefined : loadTargetFile(values.target);
    // The generator is loaded only for an export, so other commands do not pay for loading it.
    const { exportK6Script } = await import('../k6/export-k6.js');
    script = exportK6Script({ scenario, target, out: values.out });
  } catch (error) {
    if (error instanceof TargetFileError) return badInput(error.message);
    if (error instanceof K6ExportError) return badInput(`faultline: ${error.message}`);
    throw error;
  }
  if (values.out === undefined) {
    process.stdout.write(script);
    return ExitCode.Ok;
  }
  try {
    writeFileAtomic(values.out, script);
  } catch (error) {
    throw new RunError(`cannot write the script to '${values.out}': ${(error as Error).message}`);
  }
  process.stderr.write(`faultline: wrote ${values.out}; run it with: k6 run ${values.out}\n`);
  return ExitCode.Ok;
}

function badInput(message: string): number {
  process.stderr.write(`${message}\n`);
  return ExitCode.BadInput;
}

/** `--out`: a file in a folder that exists, and not itself a folder. */
function checkOutFile(path: string): void {
  const folder = statIfAny(dirname(resolve(path)));
  if (!folder?.isDirectory()) throw new UsageError(`--out '${path}': the folder '${dirname(path)}' does not exist.`);
  if (statIfAny(resolve(path))?.isDirectory()) throw new UsageError(`--out '${path}' is a folder; give the script's file name, like ${path.replace(/\/+$/, '')}/load.ts.`);
}

function statIfAny(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Runs a command-line parse, turning its complaint into a usage error (exit code 2). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run 'faultline help export'.`);
  }
}
