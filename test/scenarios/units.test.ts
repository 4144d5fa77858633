import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseRate } from '../../scenarios/units.js';

describe('units', () => {
  it('parses durations to milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000); // Go's compound form, as Istio writes durations
    expect(parseDuration('2m30s')).toBe(150_000);
    expect(parseDuration('1s500ms')).toBe(1500);
    expect(parseDuration('500us')).toBe(0.5);
  });

  it('parses rates to events per millisecond', () => {
    expect(parseRate('500/s')).toBe(0.5);
    expect(parseRate('30/m')).toBe(0.0005);
    expect(parseRate('100/h')).toBeCloseTo(100 / 3_600_000, 15);
  });

  it('formats durations for people, carrying into the next unit', () => {
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(0.5)).toBe('500µs');
    expect(formatDuration(12.345)).toBe('12.35ms');
    expect(formatDuration(2500)).toBe('2.5s');
    expect(formatDuration(59_999.9)).toBe('1m');
    expect(formatDuration(119_999)).toBe('2m');
    expect(formatDuration(200_000)).toBe('3m 20s');
    expect(formatDuration(5_400_000)).toBe('1h 30m');
  });
});
