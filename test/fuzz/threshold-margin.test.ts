/** A threshold's margin: how far its observed value is from the bound, as a share of the room the bound leaves. */
import { describe, expect, it } from 'vitest';
import { marginOf, thresholdBounds } from '../../sim/fuzz/threshold-margin.js';
import { progressText } from '../../sim/fuzz/fuzz-progress.js';

const bounds = thresholdBounds({ success: ['rate>0.99'], latency: ['p(99)<500'], 'errors{cause:timeout}': ['rate<0.01'], requests: ['count>=1000'] });
const margin = (i: number, observed: number | null, ok: boolean) => marginOf(bounds[i], { metric: '', expression: '', observed, ok });

describe('threshold margins', () => {
  it('are labelled as summaries name thresholds', () => {
    expect(bounds.map((b) => b.label)).toEqual(['success: rate>0.99', 'latency: p(99)<500', 'errors{cause:timeout}: rate<0.01', 'requests: count>=1000']);
  });

  it('measure a rate above its bound against the room up to 1, and anything else against the bound', () => {
    expect(margin(0, 1, true)).toBe(1);
    expect(margin(0, 0.995, true)).toBeCloseTo(0.5);
    expect(margin(1, 250, true)).toBeCloseTo(0.5);
    expect(margin(2, 0, true)).toBe(1);
    expect(margin(3, 1500, true)).toBeCloseTo(0.5);
  });

  it('are negative once a threshold fails, the more so the further it failed; no data fails', () => {
    expect(margin(1, 750, false)).toBeCloseTo(-0.5);
    expect(margin(1, 1000, false)).toBeLessThan(margin(1, 750, false));
    expect(margin(0, 0.99, false)).toBeLessThan(0);
    expect(margin(1, Infinity, false)).toBe(-1e6);
    expect(margin(0, null, false)).toBe(-1);
  });

  it('show in the progress line with the runs, their rate and the phase', () => {
    expect(progressText({ phase: 'shrink', runs: 300, shrinkSteps: 12, worst: { margin: -0.5, threshold: 1 } }, bounds, 2)).toBe(
      '300 runs · 150 runs/s · worst margin -0.500 (latency: p(99)<500) · shrinking: 12 steps',
    );
  });
});
