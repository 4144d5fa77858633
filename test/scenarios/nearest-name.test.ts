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
