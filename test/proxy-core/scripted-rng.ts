import type { Rng } from '../../proxy-core/clock/rng.js';

/** An Rng whose `int(n)` returns the scripted values in order, checking each is below n; `next()` is not expected. */
export function scriptedInts(ints: number[]): Rng {
  return {
    next: () => {
      throw new Error('unexpected next()');
    },
    int: (n) => {
      const v = ints.shift();
      if (v === undefined || v >= n) throw new Error(`unscripted int(${n})`);
      return v;
    },
    fork() {
      return this;
    },
  };
}
