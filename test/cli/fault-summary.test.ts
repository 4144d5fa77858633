/** The fault section of `faultline run` as a user reads it on the terminal, and in `--json`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');

function faultline(args: string[]) {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** web calls api, api calls db; db crashes from 10 s to 15 s; a second crash is due after the 30 s run. */
const SCENARIO = `version: 1
name: crash of db
services:
  web: { latency: 2ms, calls: [{ to: api }] }
  api: { latency: 2ms, calls: [{ to: db }] }
  db: { latency: 2ms }
  search: { latency: 2ms }
load:
  l: { executor: constant-arrival-rate, rate: 50/s, arrivals: uniform, duration: 30s, target: web }
faults:
  - { kind: crash, service: db, at: 10s, for: 5s }
  - { kind: crash, service: db, at: 10m, for: 1m }
`;

describe('faultline run: what happened during each fault', () => {
  let summary: string;
  let json: string;
  beforeAll(() => {
    const file = join(mkdtempSync(join(tmpdir(), 'faultline-faults-')), 'crash.yaml');
    writeFileSync(file, SCENARIO);
    summary = faultline(['run', file]).stdout;
    json = faultline(['run', file, '--json']).stdout;
  });

  it('prints success and p99 before, during and after the fault at the entry and the services on the path, and the recovery', () => {
    const lines = summary.split('\n');
    const title = lines.findIndex((l) => l.startsWith('faults[0] '));
    expect(lines[title]).toBe('faults[0] crash on db, 10s–15s: no impact after the fault ended');
    expect(lines[title + 1].split(/\s{2,}/)).toEqual(['service', 'success before', 'during', 'after', 'p99 before', 'during', 'after']);
    expect(lines.slice(title + 2, title + 6).map((l) => l.split(/\s+/)[0])).toEqual(['(entry)', 'web', 'api', 'db']);
    for (const row of lines.slice(title + 2, title + 6)) expect(row.split(/\s{2,}/).slice(1, 4)).toEqual(['100.00%', '0.00%', '100.00%']);
    expect(lines[title + 6]).toMatch(/^before 0ms–10s · during 10s–15s · after 15s–30s · p99: median of the 1s intervals' p99s, failures included$/);
  });

  it('says that a fault due after the end of the run was skipped', () => {
    expect(summary).toContain('faults[1] crash on db, 10m–11m: skipped: the run ended at 30s, before the fault was due to start\n');
  });

  it('puts the same figures in the --json report', () => {
    const report = JSON.parse(json);
    expect(report.recovery.map((r: { status: string }) => r.status)).toEqual(['no-impact-after', 'skipped']);
    expect(report.recovery[0].windows.entry.during).toMatchObject({ requests: 250, ok: 0, success: 0 });
    expect(Object.keys(report.recovery[0].windows.services)).toEqual(['web', 'api', 'db']);
    expect(report.recovery[1].windows).toBeNull();
  });
});
