/** How the slicer cuts a chunk (Toxiproxy toxics/slicer.go), and that odd attributes cannot make it hang. */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../sim/seeded-rng.js';
import { slicePoints } from '../../sim/toxiproxy/toxics/slicer.js';

function pieces(size: number, average: number, variation: number, seed = 1): number[] {
  const points = slicePoints(size, average, variation, new SeededRng(seed));
  return points.slice(1).map((end, i) => end - points[i]);
}

describe('slicePoints', () => {
  it('cuts into pieces of at most average + variation, of about the average size on the whole', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sizes = pieces(480_000, 1024, 512, seed);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(480_000);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(1536);
      expect(Math.min(...sizes)).toBeGreaterThan(0);
      const mean = 480_000 / sizes.length;
      expect(mean).toBeGreaterThanOrEqual(1024 - 512);
      expect(mean).toBeLessThanOrEqual(1024 + 512);
      expect(sizes.length).toBeGreaterThanOrEqual(240); // Toxiproxy's TestSlicerToxic: 240–720 reads
      expect(sizes.length).toBeLessThanOrEqual(720);
    }
  });

  it('halves exactly without variation', () => {
    expect(pieces(400, 100, 0)).toEqual([100, 100, 100, 100]);
    expect(pieces(50, 100, 0)).toEqual([50]);
  });

  it('ends on degenerate attributes where Toxiproxy recurses forever', () => {
    expect(pieces(10, 0, 0)).toEqual(Array(10).fill(1));
    expect(pieces(1000, 1, 1_000_000).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(pieces(0, 10, 0)).toEqual([0]);
  });
});
