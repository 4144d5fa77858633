import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../proxy-core/call/retry-after.js';

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 0); // 08:49:00 GMT

  it('delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('HTTP-date, relative to now, in all three formats', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(37_000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now + 7_000)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(37_000);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(37_000);
  });

  it('a date in the past means now', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now + 60_000)).toBe(0);
  });

  it('reads a two-digit RFC 850 year in the century that puts it at most 50 years ahead', () => {
    const in2030 = Date.UTC(2030, 0, 1);
    expect(parseRetryAfter('Friday, 01-Feb-30 00:00:00 GMT', in2030)).toBe(Date.UTC(2030, 1, 1) - in2030);
    expect(parseRetryAfter('Saturday, 01-Jan-00 00:00:10 GMT', Date.UTC(2000, 0, 1))).toBe(10_000);
  });

  it('agrees with Date.UTC on any IMF-fixdate from 1900 to 2200', () => {
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (t) => {
        const at = Math.floor(t / 1000) * 1000;
        const d = new Date(at);
        const p = (n: number) => String(n).padStart(2, '0');
        const text = `Mon, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
        expect(parseRetryAfter(text, at - 5000)).toBe(5000);
      }),
      { numRuns: 500 },
    );
  });

  it('-1 for anything else', () => {
    for (const bad of ['', '-5', '1.5', 'soon', 'Sun, 06 Nov 1994 08:49:37 PST', 'Sun, 06 Foo 1994 08:49:37 GMT']) {
      expect(parseRetryAfter(bad, now), bad).toBe(-1);
    }
  });
});
