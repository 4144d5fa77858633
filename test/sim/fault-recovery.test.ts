import { describe, expect, it } from 'vitest';
import { windowStats } from '../../reports/fault-windows.js';
import type { FaultRecovery, FaultWindows, TimeSeries, TimeSpan, WindowFigures } from '../../reports/report.js';
import { loadScenarioFile } from '../../scenarios/parse-scenario.js';
import type { ScenarioInput } from '../../scenarios/schema.js';
import { runSimulation } from '../../sim/run-simulation.js';
import { simulate } from './scenario-fixture.js';

const RESOLUTIONS = [100, 1000, 10_000];

/** The recovery figures of a fault, without its windows (which follow the resolution). */
const figures = ({ windows: _, ...rest }: FaultRecovery) => rest;

/** api calls db; db answers 300 ms later from 20 s to 30 s; 100 requests a second for 60 s. */
const slowDb = (resolution: number) =>
  simulate({
    services: { api: { concurrency: 64, latency: '2ms', calls: [{ to: 'db' }] }, db: { concurrency: 64, latency: { type: 'exponential', mean: '5ms' } } },
    load: { l: { executor: 'constant-arrival-rate', rate: '100/s', duration: '60s', target: 'api' } },
    faults: [{ kind: 'latency', service: 'db', delay: '300ms', at: '20s', for: '10s' }],
    report: { resolution: `${resolution}ms` },
  });

describe('recovery does not depend on the report resolution', () => {
  it('gives the same figures at 100 ms, 1 s and 10 s on the same scenario and seed', () => {
    const [fine, ...others] = RESOLUTIONS.map((r) => slowDb(r).recovery[0]);
    // Requests caught by the added latency still finish slow just after it ends.
    expect(fine).toMatchObject({ status: 'recovered', recovered: true });
    expect(fine.recovery_ms).toBeGreaterThan(0);
    expect(fine.recovery_ms).toBeLessThanOrEqual(400);
    for (const other of others) expect(figures(other)).toEqual(figures(fine));
  });

  it('gives the same figures at three resolutions on a shipped scenario', () => {
    const { scenario, file, sha256 } = loadScenarioFile('scenarios/cascades/timeouts-inverted-naive.yaml');
    const [fine, ...others] = RESOLUTIONS.map((resolution) => runSimulation({ ...scenario, report: { resolution } }, { file, sha256 }).recovery[0]);
    expect(fine.status).toBe('recovered');
    for (const other of others) expect(figures(other)).toEqual(figures(fine));
  });
});

describe('faults in the report', () => {
  const run = (faults: ScenarioInput['faults']) =>
    simulate({
      services: { web: { calls: [{ to: 'api' }, { to: 'search', optional: true }] }, api: { calls: [{ to: 'db' }] }, db: {}, search: {} },
      load: { l: { executor: 'constant-arrival-rate', rate: '50/s', duration: '40s', target: 'web' } },
      faults,
    });

  it('mark a fault due after the end of the run as skipped, with no windows and no recovery', () => {
    const r = run([{ kind: 'crash', service: 'db', at: '10m', for: '1m' }]);
    expect(r.recovery[0]).toMatchObject({ fault: 0, status: 'skipped', recovered: false, recovery_ms: null, baseline: null, windows: null });
  });

  it('say when the run ended during the fault', () => {
    const r = run([{ kind: 'crash', service: 'db', at: '30s', for: '1m' }]);
    expect(r.recovery[0]).toMatchObject({ status: 'run-ended-during-fault', recovered: false, recovery_ms: null });
    expect(r.recovery[0].windows!.entry.during.success).toBe(0);
  });

  it('say there was no impact after a crash whose failures all fell inside it', () => {
    const r = run([{ kind: 'crash', service: 'db', at: '15s', for: '5s' }]);
    expect(r.recovery[0]).toMatchObject({ status: 'no-impact-after', recovered: true, recovery_ms: 0 });
    expect(r.recovery[0].windows!.entry.during.success).toBeLessThan(0.01);
  });

  it('give the entry and the services the fault reaches before, during and after it, recomputable from the time series in the report', () => {
    const r = run([{ kind: 'crash', service: 'db', at: '15s', for: '5s' }]);
    const windows = r.recovery[0].windows!;
    expect(Object.keys(windows.services)).toEqual(['web', 'api', 'db']); // not search: it does not call db
    expectRecomputable(windows.entry, r.entry.timeseries, windows.spans);
    for (const [name, figures] of Object.entries(windows.services)) expectRecomputable(figures, r.services[name].timeseries, windows.spans);
    expect(windows.services.db.during.success).toBe(0);
    expect(windows.services.db.before.success).toBe(1);
    expect(windows.services.db.after.success).toBe(1);
  });
});

/** What a `--json` consumer would compute from `spans` and the series. */
function expectRecomputable(figures: WindowFigures, series: TimeSeries, spans: FaultWindows['spans']): void {
  const range = (s: TimeSpan) => ({ from: s.from_ms / series.resolution_ms, to: s.to_ms / series.resolution_ms });
  for (const window of ['before', 'during', 'after'] as const) expect(figures[window]).toEqual(windowStats(series, range(spans[window])));
}
