import { describe, expect, it } from 'vitest';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { TrafficSplit } from '../../../proxy-core/routing/traffic-split.js';
import { SeededRng } from '../../../sim/seeded-rng.js';

/** An Rng whose next() returns the scripted values. */
function scripted(values: number[]): Rng {
  return {
    next: () => values.shift()!,
    int: () => {
      throw new Error('unexpected int()');
    },
    fork() {
      return this;
    },
  };
}

describe('TrafficSplit (Istio route destination weights)', () => {
  it('splits a canary 90/10 within 5σ over 100 000 requests', () => {
    const split = new TrafficSplit([90, 10], new SeededRng(51));
    const N = 100_000;
    let canary = 0;
    for (let i = 0; i < N; i++) if (split.pick() === 1) canary++;
    expect(Math.abs(canary - 0.1 * N)).toBeLessThanOrEqual(5 * Math.sqrt(N * 0.1 * 0.9)); // ±474
  });

  it('takes weights that do not sum to 100, and never picks a weight of 0', () => {
    const split = new TrafficSplit([1, 0, 3, 0], new SeededRng(52));
    const N = 40_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[split.pick()]++;
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(Math.abs(counts[0] - 0.25 * N)).toBeLessThanOrEqual(5 * Math.sqrt(N * 0.25 * 0.75)); // ±433
  });

  it('maps a uniform value in [0, total) to the first destination whose cumulative weight exceeds it', () => {
    const split = new TrafficSplit([90, 0, 10], scripted([0, 0.8999, 0.9, 0.99999]));
    expect([split.pick(), split.pick(), split.pick(), split.pick()]).toEqual([0, 0, 2, 2]);
  });

  it('rejects an empty, negative or all-zero split', () => {
    const rng = new SeededRng(1);
    expect(() => new TrafficSplit([], rng)).toThrow(RangeError);
    expect(() => new TrafficSplit([50, -1], rng)).toThrow(RangeError);
    expect(() => new TrafficSplit([0, 0], rng)).toThrow(RangeError);
    expect(() => new TrafficSplit([Number.NaN], rng)).toThrow(RangeError);
  });
});
