/**
 * The simulator and live mode side by side over the shipped scenarios, as a markdown table
 * (bench/RESULTS.md, "Sim and live side by side"). Not part of `npm test` nor of a plain
 * `npm run bench`: each scenario runs live in real time (~20 minutes in all).
 *
 *   npx tsx bench/sim-live-comparison.ts                 run every scenario of the list, then print
 *   npx tsx bench/sim-live-comparison.ts --only three    only the scenarios whose file contains "three"
 *   npx tsx bench/sim-live-comparison.ts --from DIR      print from reports saved as DIR/<name>.json
 *                                                        ({ sim, live }, what `--mode both --json` prints)
 *   --save DIR                                           keep each run's { sim, live } as DIR/<name>.json
 *
 * Each run is `faultline run FILE --mode both --duration D --json` in a child process, one
 * after the other (never in parallel: live mode's latencies are the machine's too). The
 * 1-minute load average before each run is printed with its row.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import type { CallStats, RunReport } from '../reports/report.js';

/** The shipped scenarios and the duration each is cut to (faults that start later are skipped; see RESULTS.md). */
export const SCENARIOS: readonly { file: string; duration: string }[] = [
  { file: 'scenarios/three-tier-shop.yaml', duration: '30s' },
  { file: 'scenarios/policies/authorization-by-identity.yaml', duration: '30s' },
  { file: 'scenarios/policies/boundary-reauthentication.yaml', duration: '30s' },
  { file: 'scenarios/policies/ingress-authentication.yaml', duration: '30s' },
  { file: 'scenarios/policies/rate-limit-tiers.yaml', duration: '40s' },
  { file: 'scenarios/policies/retry-budget.yaml', duration: '40s' },
  { file: 'scenarios/cascades/bad-canary-naive.yaml', duration: '30s' },
  { file: 'scenarios/cascades/bad-canary-outlier-detection.yaml', duration: '30s' },
  { file: 'scenarios/cascades/expired-certificate-naive.yaml', duration: '30s' },
  { file: 'scenarios/cascades/expired-certificate-rotation.yaml', duration: '30s' },
  { file: 'scenarios/fan-out-crashed-replica.yaml', duration: '70s' },
  { file: 'scenarios/policies/zone-failover.yaml', duration: '70s' },
  { file: 'scenarios/cascades/retry-storm-naive.yaml', duration: '70s' },
  { file: 'scenarios/cascades/retry-storm-budgeted.yaml', duration: '70s' },
  { file: 'scenarios/cascades/slow-dependency-naive.yaml', duration: '70s' },
  { file: 'scenarios/cascades/slow-dependency-bulkhead.yaml', duration: '70s' },
  { file: 'scenarios/cascades/timeouts-inverted-naive.yaml', duration: '70s' },
  { file: 'scenarios/cascades/timeouts-nested-sound.yaml', duration: '70s' },
];

interface Both {
  sim: RunReport;
  live: RunReport;
  /** 1-minute load average just before the run (absent when read back from a report saved by hand). */
  load?: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const success = (s: CallStats) => (s.requests > 0 ? s.ok / s.requests : null);
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const rel = (sim: number, live: number) => (sim > 0 ? (live - sim) / sim : null);

/** True when live is off from sim by more than the project's bounds on p50 (10%) or success (0.5 points). */
function notable(sim: CallStats, live: CallStats): boolean {
  const s = success(sim);
  const l = success(live);
  const d = rel(sim.latency_ms.p50, live.latency_ms.p50);
  return (s !== null && l !== null && Math.abs(s - l) * 100 > 0.5) || (d !== null && Math.abs(d) > 0.1);
}

function row(name: string, sim: CallStats, live: CallStats): string {
  const d = rel(sim.latency_ms.p50, live.latency_ms.p50);
  return `${pct(success(sim))} / ${pct(success(live))} | ${ms(sim.latency_ms.p50)} / ${ms(live.latency_ms.p50)}${d === null ? '' : ` (${d >= 0 ? '+' : ''}${(d * 100).toFixed(0)}%)`} | ${ms(sim.latency_ms.p99)} / ${ms(live.latency_ms.p99)}`;
}

function thresholdsAgree(sim: RunReport, live: RunReport): string {
  const differ = sim.thresholds.filter((t, i) => live.thresholds[i] && live.thresholds[i].ok !== t.ok);
  const head = `${sim.ok ? 'pass' : 'FAIL'} / ${live.ok ? 'pass' : 'FAIL'}`;
  if (differ.length === 0) return `${head}, agree`;
  return `${head}; differ: ${differ.map((t) => `\`${t.metric}\` ${t.expression}`).join(', ')}`;
}

function render(name: string, duration: string, both: Both): string[] {
  const { sim, live } = both;
  const stats = live.live;
  const machine = stats
    ? `load ${both.load?.toFixed(2) ?? '?'}; loop p99 ${stats.event_loop_delay_ms.p99.toFixed(1)} ms; CPU ${(stats.cpu.utilization * stats.cpu.cores * 100).toFixed(0)}% of a core${stats.warnings.length ? `; ⚠ ${stats.warnings.length} warning(s)` : ''}`
    : '';
  const lines = [`| ${name} | ${duration} | (entry) | ${row('(entry)', sim.entry, live.entry)} | ${thresholdsAgree(sim, live)} | ${machine} |`];
  for (const [svc, s] of Object.entries(sim.services)) {
    const l = live.services[svc];
    if (l && notable(s, l)) lines.push(`| | | ${svc} | ${row(svc, s, l)} | | |`);
  }
  return lines;
}

function header(): string[] {
  return [
    '| scenario | duration | row | success sim / live | p50 ms sim / live (Δ) | p99 ms sim / live | thresholds sim / live | machine (live) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
}

function main(): void {
  const from = arg('--from');
  const save = arg('--save');
  const only = arg('--only');
  const list = SCENARIOS.filter((s) => only === undefined || s.file.includes(only));
  const out = header();
  const warnings: string[] = [];
  if (save && !existsSync(save)) mkdirSync(save, { recursive: true });
  for (const { file, duration } of list) {
    const name = basename(file, '.yaml');
    let both: Both;
    if (from) {
      const path = join(from, `${name}.json`);
      if (!existsSync(path) || statSync(path).size === 0) continue;
      both = JSON.parse(readFileSync(path, 'utf8')) as Both;
      const loadPath = join(from, `${name}.load`);
      if (existsSync(loadPath)) both.load = Number(readFileSync(loadPath, 'utf8'));
    } else {
      const load = loadavg()[0];
      process.stderr.write(`${name} (${duration}), load ${load.toFixed(2)}…\n`);
      const r = spawnSync('npx', ['tsx', 'sim/cli/faultline.ts', 'run', file, '--mode', 'both', '--duration', duration, '--json'], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      if (r.status !== 0 && r.status !== 1) {
        out.push(`| ${name} | ${duration} | exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()} | | | | | |`);
        continue;
      }
      both = { ...(JSON.parse(r.stdout) as Both), load };
      if (save) {
        writeFileSync(join(save, `${name}.json`), JSON.stringify({ sim: both.sim, live: both.live }));
        writeFileSync(join(save, `${name}.load`), String(load));
      }
    }
    out.push(...render(name, duration, both));
    for (const w of both.live.live?.warnings ?? []) warnings.push(`- ${name}: ${w}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (warnings.length) process.stdout.write(`\nLive mode's warnings:\n${warnings.join('\n')}\n`);
}

main();
