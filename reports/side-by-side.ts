/**
 * The simulator's and live mode's answers to one scenario, side by side: per service and
 * per edge, success rate and latency percentiles from each mode and how far live is from the
 * simulator, then what the policies did in each. A difference beyond the bounds the project
 * holds itself to (p50 10%, success 0.5 points, p99 20%) is marked, so a reader sees where
 * the model and the real sockets disagree.
 */
import type { Paint } from './color.js';
import { painter } from './color.js';
import type { CallStats, EdgeStats, RunReport } from './report.js';
import { alignColumns } from './text-table.js';

/** How far live may be from the simulator before a figure is marked (relative for latency, points for success). */
export const AGREEMENT = { p50: 0.1, p99: 0.2, successPoints: 0.5 } as const;

/** One row of the comparison: a service, an edge or the entry, in both modes. */
export interface ComparisonRow {
  name: string;
  sim: CallStats;
  live: CallStats;
}

const COLUMNS = ['', 'success sim', 'live', 'p50 sim', 'live', 'Δ', 'p90 sim', 'live', 'p99 sim', 'live', 'Δ'];

/** The rows of the comparison: the entry, every service, every edge (those of either report). */
export function comparisonRows(sim: RunReport, live: RunReport): ComparisonRow[] {
  const rows: ComparisonRow[] = [{ name: '(entry)', sim: sim.entry, live: live.entry }];
  for (const name of Object.keys(sim.services)) if (live.services[name]) rows.push({ name, sim: sim.services[name], live: live.services[name] });
  for (const name of Object.keys(sim.edges)) if (live.edges[name]) rows.push({ name, sim: sim.edges[name], live: live.edges[name] });
  return rows;
}

/** Renders the comparison for a terminal. */
export function renderSideBySide(sim: RunReport, live: RunReport, options: { color: boolean }): string {
  const paint = painter(options.color);
  const rows = comparisonRows(sim, live).map((r) => cells(r, paint));
  const table = alignColumns([COLUMNS, ...rows], ['left', ...COLUMNS.slice(1).map(() => 'right' as const)]);
  const policies = policyLines(sim, live);
  const lines = [
    `${sim.scenario.name} · sim (seed ${sim.seed}, ${seconds(sim.engine.simulated_ms)} simulated) vs live (${seconds(live.engine.simulated_ms)} on 127.0.0.1)`,
    '',
    paint('dim', table[0]),
    ...table.slice(1),
    ...(policies.length ? ['', paint('dim', 'policies (sim → live)'), ...policies] : []),
    '',
    paint('dim', `marked: live p50 more than ${AGREEMENT.p50 * 100}% from sim, p99 more than ${AGREEMENT.p99 * 100}%, success more than ${AGREEMENT.successPoints} points`),
    ...(live.live?.warnings ?? []).map((w) => paint('yellow', `⚠ ${w}`)),
  ];
  return `${lines.join('\n')}\n`;
}

function cells(row: ComparisonRow, paint: Paint): string[] {
  const { sim, live } = row;
  const s = successOf(sim);
  const l = successOf(live);
  const successOff = s !== null && l !== null && Math.abs(s - l) * 100 > AGREEMENT.successPoints;
  const p50 = delta(sim.latency_ms.p50, live.latency_ms.p50);
  const p99 = delta(sim.latency_ms.p99, live.latency_ms.p99);
  const mark = (off: boolean, text: string) => (off ? paint('red', text) : text);
  return [
    row.name,
    percent(s),
    mark(successOff, percent(l)),
    ms(sim.latency_ms.p50),
    ms(live.latency_ms.p50),
    mark(p50 !== null && Math.abs(p50) > AGREEMENT.p50, signed(p50)),
    ms(sim.latency_ms.p90),
    ms(live.latency_ms.p90),
    ms(sim.latency_ms.p99),
    ms(live.latency_ms.p99),
    mark(p99 !== null && Math.abs(p99) > AGREEMENT.p99, signed(p99)),
  ];
}

/** Edges where a policy acted in either mode: attempts per request, retries denied, ejections, breaker openings. */
function policyLines(sim: RunReport, live: RunReport): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(sim.edges)) {
    const l = live.edges[name];
    if (!l) continue;
    const parts = [
      pair('amplification', amplification(s), amplification(l)),
      pair('retries denied', s.policy.retries_denied, l.policy.retries_denied),
      pair('ejections', s.policy.ejections, l.policy.ejections),
      pair('breaker opened', s.policy.breaker_opened, l.policy.breaker_opened),
    ].filter((p) => p !== null);
    if (parts.length) out.push(`${name}: ${parts.join(' · ')}`);
  }
  return out;
}

function pair(label: string, a: number | null, b: number | null): string | null {
  if ((a === null || a === 0 || a === 1) && (b === null || b === 0 || b === 1)) return null;
  const f = (x: number | null) => (x === null ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(3));
  return `${label} ${f(a)} → ${f(b)}`;
}

function amplification(e: EdgeStats): number | null {
  return e.requests > 0 ? e.attempts / e.requests : null;
}

function successOf(s: CallStats): number | null {
  return s.requests > 0 ? s.ok / s.requests : null;
}

/** (live − sim) / sim, or null when sim is 0. */
function delta(sim: number, live: number): number | null {
  return sim > 0 ? (live - sim) / sim : null;
}

const percent = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);
const ms = (x: number) => (x >= 100 ? `${x.toFixed(0)}ms` : `${x.toFixed(1)}ms`);
const signed = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`);
const seconds = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;
