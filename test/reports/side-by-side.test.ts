import { describe, expect, it } from 'vitest';
import { comparisonRows, renderSideBySide } from '../../reports/side-by-side.js';
import { callStats, sampleReport } from './report-fixture.js';

/** The sample report as live mode might have answered it: `tweak` edits a copy. */
function liveOf(tweak: (r: ReturnType<typeof sampleReport>) => void) {
  const live = structuredClone(sampleReport());
  live.mode = 'live';
  tweak(live);
  return live;
}

describe('sim and live side by side', () => {
  it('has a row for the entry, each service and each edge present in both', () => {
    const live = liveOf((r) => delete r.services.inventory);
    expect(comparisonRows(sampleReport(), live).map((r) => r.name)).toEqual(['(entry)', 'checkout', 'payments', 'checkout->payments', 'checkout->inventory']);
  });

  it('marks a p50 more than 10% off, a p99 more than 20% off and success more than half a point off, and nothing within', () => {
    const sim = sampleReport();
    const within = liveOf((r) => {
      r.entry.latency_ms.p50 = 13.5; // +8%
      r.entry.latency_ms.p99 = 140; // +17%
    });
    expect(renderSideBySide(sim, within, { color: true })).not.toContain('\x1b[31m');
    const off = liveOf((r) => {
      r.services.checkout.latency_ms.p50 = 14; // +12%
      r.services.payments = { ...r.services.payments, ...callStats(11_900, 11_300, {}, 700) }; // success −0.84 points, p99 +46%
    });
    const text = renderSideBySide(sim, off, { color: true });
    const red = (s: string) => `\x1b[31m${s}\x1b[39m`;
    expect(text).toContain(red('+12%'));
    expect(text).toContain(red('+46%'));
    expect(text).toContain(red('94.96%'));
  });
});
