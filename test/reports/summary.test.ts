import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../reports/color.js';
import type { FaultRecovery, ThresholdResult } from '../../reports/report.js';
import { renderSummary } from '../../reports/summary.js';
import { callStats, faultRecovery, sampleReport, windowStats } from './report-fixture.js';

const ESC = '\x1b[';
const HELD: ThresholdResult = { metric: 'latency{service:checkout}', expression: 'p(99)<500', observed: 480.123, ok: true };
const FAILED: ThresholdResult = { metric: 'errors', expression: 'rate<0.01', observed: 0.0293333, ok: false };
const NO_DATA: ThresholdResult = { metric: 'latency{service:inventory}', expression: 'p(99) < 500', observed: null, ok: false };

function lines(text: string): string[] {
  return text.split('\n');
}

function lineWith(text: string, needle: string): string {
  const line = lines(text).find((l) => l.includes(needle));
  if (line === undefined) throw new Error(`no line with ${JSON.stringify(needle)} in\n${text}`);
  return line;
}

describe('renderSummary', () => {
  const plain = renderSummary(sampleReport([HELD, FAILED, NO_DATA]), { color: false });

  it('starts with the scenario, mode, seed, simulated time, events, wall time and events/s', () => {
    expect(lines(plain)[0]).toBe('checkout-cascade · sim · seed 42 · 5m simulated · 1,234,567 events in 2.5s · 493,827 events/s');
  });

  it('has a row for the entry traffic and every service, in that order', () => {
    const names = ['(entry)', 'checkout', 'payments', 'inventory'];
    const rows = names.map((name) => lines(plain).findIndex((l) => l.startsWith(`${name} `)));
    expect(rows.every((row) => row > 0)).toBe(true);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
  });

  it('shows requests, rate over simulated time, success, p50, p99, max and the top error causes', () => {
    expect(lineWith(plain, 'payments').split(/\s{2,}/)).toEqual([
      'payments',
      '11,900',
      '39.7/s',
      '95.79%',
      '12.5ms',
      '480ms',
      '2.5s',
      'timeout 400, 5xx 100, reset 2',
    ]);
  });

  it('shows dashes for latency and success of traffic with no requests', () => {
    expect(lineWith(plain, 'inventory ').split(/\s+/)).toEqual(['inventory', '0', '0.0/s', '-', '-', '-', '-']);
  });

  it('has a table of edges, caller->callee', () => {
    const header = lines(plain).findIndex((l) => l.startsWith('edge '));
    expect(header).toBeGreaterThan(0);
    expect(lines(plain)[header + 1]).toMatch(/^checkout->payments\s+11,900\s+39\.7\/s\s+95\.79%.*timeout 400, 5xx 100$/);
    expect(lines(plain)[header + 2]).toMatch(/^checkout->inventory\s+0\s/);
  });

  it('leaves out the edge table when there are no edges', () => {
    expect(renderSummary({ ...sampleReport(), edges: {} }, { color: false })).not.toMatch(/^edge /m);
  });

  it('aligns the right edges of the numeric columns across header and rows', () => {
    const cellEnds = (line: string) => [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index + m[0].length).slice(1, 7);
    const table = lines(plain).filter((l) => /^(service|\(entry\)|checkout|payments|inventory) /.test(l));
    expect(table).toHaveLength(5);
    for (const row of table) expect(cellEnds(row)).toEqual(cellEnds(table[0]));
  });

  it('shows each threshold with its mark, metric, expression and observed value', () => {
    expect(lineWith(plain, HELD.metric)).toMatch(/^✓ latency\{service:checkout\}\s+p\(99\)<500\s+480\.12ms$/);
    expect(lineWith(plain, 'rate<0.01')).toMatch(/^✗ errors\s+rate<0\.01\s+0\.0293333$/);
    expect(lineWith(plain, NO_DATA.metric)).toMatch(/^✗ .*p\(99\) < 500\s+no data$/);
  });

  it('ends with the count of failed thresholds', () => {
    expect(plain.endsWith('\n2 of 3 thresholds failed\n')).toBe(true);
  });

  it('ends with "all N thresholds held" when none failed', () => {
    expect(renderSummary(sampleReport([HELD, HELD]), { color: false }).endsWith('\nall 2 thresholds held\n')).toBe(true);
    expect(renderSummary(sampleReport([HELD]), { color: false }).endsWith('\nall 1 threshold held\n')).toBe(true);
    expect(renderSummary(sampleReport([]), { color: false }).endsWith('\nno thresholds\n')).toBe(true);
  });

  it('writes no ANSI escape without colour', () => {
    expect(plain).not.toContain('\x1b');
  });

  it('colours marks and the verdict, dims secondary text, and says the same with colour', () => {
    const colored = renderSummary(sampleReport([HELD, FAILED]), { color: true });
    expect(colored).toContain(`${ESC}32m✓${ESC}39m`);
    expect(colored).toContain(`${ESC}31m✗${ESC}39m`);
    expect(colored).toContain(`${ESC}31m1 of 2 thresholds failed${ESC}39m`);
    expect(lines(colored)[0]).toContain(`${ESC}2m· sim`);
    expect(stripAnsi(colored)).toBe(renderSummary(sampleReport([HELD, FAILED]), { color: false }));
  });

  it('cuts table lines to the width', () => {
    const narrow = renderSummary(sampleReport([HELD]), { color: false, width: 50 });
    const payments = lineWith(narrow, 'payments');
    expect(payments).toHaveLength(50);
    expect(payments.endsWith('…')).toBe(true);
    expect(lineWith(narrow, 'inventory').length).toBeLessThanOrEqual(50);
    expect(lineWith(narrow, HELD.metric)).toContain('480.12ms');
  });

  it('shows at most three error causes, most frequent first', () => {
    const report = sampleReport();
    report.services.payments = { ...report.services.payments, ...callStats(10, 0, { tls: 1, reset: 4, timeout: 4, '5xx': 1 }) };
    expect(lineWith(renderSummary(report, { color: false }), 'payments')).toMatch(/ timeout 4, reset 4, 5xx 1$/);
  });

  it('writes no trailing spaces', () => {
    expect(plain).not.toMatch(/ $/m);
  });

  it('lists the edges whose policies acted, with amplification, and leaves out the others', () => {
    const report = sampleReport();
    const edge = report.edges['checkout->payments'];
    report.edges['checkout->payments'] = { ...edge, attempts: 17_850, amplification: 1.5, policy: { ...edge.policy, retries_denied: 12, ejections: 2 } };
    report.events = [{ at_ms: 1000, kind: 'host-ejected', edge: 'checkout->payments', service: null, caller_instance: 0, instance: 1 }];
    const text = renderSummary(report, { color: false });
    expect(lineWith(text, 'amplification')).toMatch(/^edge +attempts +amplification +retries denied +rejected +ejections +breaker opened$/);
    expect(lines(text).filter((l) => l.startsWith('checkout->payments ')).at(-1)).toMatch(/17,850 +×1\.500 +12 +0 +2 +0$/);
    expect(text).toContain('1 policy events on the timeline');
    expect(lines(text).filter((l) => l.startsWith('checkout->inventory'))).toHaveLength(1); // only in the traffic table
  });

  describe('for each fault', () => {
    const withFaults = (...recovery: FaultRecovery[]) => renderSummary({ ...sampleReport(), recovery }, { color: false });
    const text = withFaults(faultRecovery());
    const block = lines(text).slice(lines(text).findIndex((l) => l.startsWith('faults[0]')));

    it('says what the fault was, when, and how fast the entry recovered after it', () => {
      expect(block[0]).toBe('faults[0] slowdown on payments, 1m–1m 30s: recovered 4s after it ended');
    });

    it('shows success and p99 before, during and after it at the entry and at each affected service', () => {
      expect(block[1].split(/\s{2,}/)).toEqual(['service', 'success before', 'during', 'after', 'p99 before', 'during', 'after']);
      expect(block[2].split(/\s{2,}/)).toEqual(['(entry)', '100.00%', '90.00%', '99.90%', '100ms', '900ms', '110ms']);
      expect(block[3].split(/\s{2,}/)).toEqual(['checkout', '100.00%', '90.00%', '99.90%', '100ms', '900ms', '110ms']);
      expect(block[4].split(/\s{2,}/)).toEqual(['payments', '100.00%', '50.00%', '99.90%', '100ms', '2.5s', '110ms']);
    });

    it('says which intervals each window covers and how its p99 is made', () => {
      expect(block[5]).toBe("before 0ms–1m · during 1m–1m 30s · after 1m 30s–2m 30s · p99: median of the 1s intervals' p99s, failures included");
    });

    it('puts the fault blocks after the policies and before the thresholds', () => {
      const report = { ...sampleReport([HELD]), recovery: [faultRecovery()] };
      const all = lines(renderSummary(report, { color: false }));
      expect(all.findIndex((l) => l.startsWith('faults[0]'))).toBeGreaterThan(all.findIndex((l) => l.startsWith('edge ')));
      expect(all.findIndex((l) => l.startsWith('faults[0]'))).toBeLessThan(all.findIndex((l) => l.startsWith('✓')));
    });

    it('says "no impact after the fault ended" rather than "recovered 0ms after"', () => {
      expect(withFaults(faultRecovery({ status: 'no-impact-after', recovery_ms: 0 }))).toContain('1m–1m 30s: no impact after the fault ended\n');
    });

    it('says when the entry had not recovered by the end of the run, how long after the fault, in red', () => {
      const failed = faultRecovery({ status: 'not-recovered', recovery_ms: null, recovered: false });
      expect(withFaults(failed)).toContain('1m–1m 30s: not recovered when the run ended, 3m 30s after it\n');
      expect(renderSummary({ ...sampleReport(), recovery: [failed] }, { color: true })).toContain(`${ESC}31mfaults[0] slowdown on payments`);
    });

    it('says why recovery was not measured', () => {
      expect(withFaults(faultRecovery({ status: 'no-baseline', baseline: null, recovery_ms: null, recovered: false }))).toContain(
        ': recovery not measured: no entry traffic in the minute before the fault\n',
      );
      expect(withFaults(faultRecovery({ status: 'run-ended-during-fault', recovery_ms: null, recovered: false }))).toContain(
        ': recovery not measured: the run ended during the fault\n',
      );
    });

    it('says that a fault due after the end of the run was skipped, without a table', () => {
      const skipped = faultRecovery({ fault: 1, kind: 'crash', target: 'db', start_ms: 600_000, end_ms: 660_000, status: 'skipped', baseline: null, recovery_ms: null, recovered: false, windows: null });
      const out = lines(withFaults(faultRecovery(), skipped));
      const at = out.indexOf('faults[1] crash on db, 10m–11m: skipped: the run ended at 5m, before the fault was due to start');
      expect(at).toBeGreaterThan(0);
      expect(out[at + 1]).toBe('');
    });

    it('shows dashes for a window without requests', () => {
      const empty = faultRecovery();
      empty.windows!.entry = { ...empty.windows!.entry, before: windowStats(0, 0, 0) };
      const out = lines(withFaults(empty));
      const entryRow = out[out.findIndex((l) => l.startsWith('faults[0]')) + 2];
      expect(entryRow.split(/\s{2,}/)).toEqual(['(entry)', '-', '90.00%', '99.90%', '-', '900ms', '110ms']);
    });

    it('cuts the table and legend lines to the width', () => {
      const narrow = renderSummary({ ...sampleReport(), recovery: [faultRecovery()] }, { color: false, width: 40 });
      const out = lines(narrow);
      expect(out[out.findIndex((l) => l.startsWith('faults[0]')) + 4]).toHaveLength(40);
      expect(lineWith(narrow, 'before 0ms')).toHaveLength(40);
    });
  });
});
