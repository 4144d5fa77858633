import * as hdr from 'hdr-histogram-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../reports/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('agrees with hdr-histogram-js (3 significant digits) within its own 0.2% precision', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2_000_000_000 }), { minLength: 1, maxLength: 400 }), fc.double({ min: 0, max: 100, noNaN: true }), (values, p) => {
        const ours = new LatencyHistogram();
        const theirs = hdr.build({ numberOfSignificantValueDigits: 3 });
        for (const us of values) {
          ours.record(us / 1000);
          theirs.recordValue(us);
        }
        const exact = [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] / 1000;
        const got = ours.percentile(p);
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact * 0.002 + 0.001);
        expect(Math.abs(got - theirs.getValueAtPercentile(p) / 1000)).toBeLessThanOrEqual(exact * 0.003 + 0.001);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps mean, min and max exact', () => {
    const h = new LatencyHistogram();
    for (const v of [3.5, 10, 0.25, 7]) h.record(v);
    expect(h.mean).toBeCloseTo(5.1875, 10);
    expect(h.min).toBe(0.25);
    expect(h.max).toBe(10);
    expect(h.percentile(100)).toBe(10);
  });

  it('reads 0 when empty and forgets on reset', () => {
    const h = new LatencyHistogram(6);
    expect(h.percentile(99)).toBe(0);
    h.record(100);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.percentile(50)).toBe(0);
    h.record(2);
    expect(h.percentile(50)).toBeCloseTo(2, 1);
  });
});
