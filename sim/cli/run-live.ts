import type { RunReport } from '../../reports/report.js';
import type { Scenario } from '../../scenarios/schema.js';
import { LiveRun } from '../live/live-run.js';
import type { ScenarioSource } from '../run-simulation.js';
import { RunError } from './exit-codes.js';

/** A live run's report, and the signal that stopped it early (null: it ran to its end). */
export interface LiveOutcome {
  readonly report: RunReport;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs `scenario` live and returns its report. The first SIGINT or SIGTERM stops the load:
 * requests in flight get a moment to finish, then everything is torn down and the report so
 * far is returned, marked interrupted. Servers, clients and timers are stopped on every
 * path, a failure included.
 */
export async function runLive(
  scenario: Scenario,
  source: ScenarioSource,
  options: { seed?: number; warmUpMs?: number },
  hooks: { announce?: () => void; loadStarted?: () => void; progress?: (nowMs: number, inFlight: number) => void } = {},
): Promise<LiveOutcome> {
  const run = new LiveRun(scenario, source, { ...options, onLoadStart: hooks.loadStarted });
  let signal: NodeJS.Signals | null = null;
  const stop = (received: NodeJS.Signals): void => {
    signal ??= received;
    run.stop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  hooks.announce?.();
  const progress = hooks.progress;
  const ticker = progress && setInterval(() => progress(run.mesh.clock.now(), run.mesh.inFlight), 250);
  try {
    await run.run();
    return { report: run.report(), signal };
  } catch (error) {
    if (error instanceof Error && /EADDRINUSE|EACCES|listen/.test(error.message)) throw new RunError(`live mode could not start a server: ${error.message}`);
    throw error;
  } finally {
    if (ticker) clearInterval(ticker);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await run.close();
  }
}
