import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '../../scenarios/nearest-name.js';

const SERVICE_KEYS = ['replicas', 'zones', 'concurrency', 'queue', 'latency', 'errorRate', 'calls'];

describe('nearestName', () => {
  it.each([
    ['latncy', 'latency'],
    ['ltaency', 'latency'],
    ['Latency', 'latency'],
    ['replica', 'replicas'],
    ['errorrate', 'errorRate'],
    ['conc', 'concurrency'],
    ['concurrencyLimit', 'concurrency'],
  ])('suggests for %s: %s', (word, name) => {
    expect(nearestName(word, SERVICE_KEYS)).toBe(name);
  });

  it.each(['colour', 'x', 'la', ''])('suggests nothing for %j', (word) => {
    expect(nearestName(word, SERVICE_KEYS)).toBeUndefined();
  });

  it('prefers the closest name, then the first listed', () => {
    expect(nearestName('servics', ['servers', 'services'])).toBe('services');
    expect(nearestName('ab', ['ac', 'ad'])).toBe('ac');
  });
});

describe('editDistance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('between %s and %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('editDistance with a maximum', () => {
  it('agrees with the full distance up to the maximum, and says max + 1 beyond it', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 }), fc.nat(4), (a, b, max) => {
        const full = editDistance(a, b);
        expect(editDistance(a, b, max)).toBe(full <= max ? full : max + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes time linear in the length of long names', () => {
    const long = 'x'.repeat(200_000);
    const started = performance.now();
    expect(nearestName(`${long}y`, [`${long}z`, long])).toBe(`${long}z`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
