import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bulkhead } from '../../../proxy-core/limits/bulkhead.js';

describe('Bulkhead (cockatiel bulkhead(limit), no queue)', () => {
  it('admits up to the limit, rejects the next at once, and admits again after an exit', () => {
    const bulkhead = new Bulkhead(2);
    expect(bulkhead.tryEnter()).toBe(true);
    expect(bulkhead.tryEnter()).toBe(true);
    expect(bulkhead.tryEnter()).toBe(false);
    expect(bulkhead.active).toBe(2);
    expect(bulkhead.rejected).toBe(1);
    bulkhead.exit();
    expect(bulkhead.active).toBe(1);
    expect(bulkhead.tryEnter()).toBe(true);
    expect(bulkhead.tryEnter()).toBe(false);
    expect(bulkhead.rejected).toBe(2);
  });

  it('throws on an exit without an enter, and on a bad limit', () => {
    expect(() => new Bulkhead(1).exit()).toThrow(RangeError);
    expect(() => new Bulkhead(0)).toThrow(RangeError);
    expect(() => new Bulkhead(2.5)).toThrow(/positive integer/);
  });

  it('property: active never exceeds the limit, and counts enters minus exits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(fc.boolean(), { maxLength: 200 }), (limit, ops) => {
        const bulkhead = new Bulkhead(limit);
        let inside = 0;
        let rejected = 0;
        for (const enter of ops) {
          if (enter) {
            const ok = bulkhead.tryEnter();
            if (ok !== inside < limit) return false;
            if (ok) inside++;
            else rejected++;
          } else if (inside > 0) {
            bulkhead.exit();
            inside--;
          }
          if (bulkhead.active > limit || bulkhead.active !== inside) return false;
        }
        return bulkhead.rejected === rejected;
      }),
    );
  });
});
