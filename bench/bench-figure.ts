/** One figure a benchmark suite reports: a row of `npm run bench`'s table and of bench/RESULTS.md. */
export interface BenchFigure {
  /** The suite that measured it, e.g. `mm1`. */
  suite: string;
  /** What was measured, e.g. `customers/s`. */
  name: string;
  value: number;
  /** The unit of `value`, e.g. `1/s`, `MB`, `ms`. */
  unit: string;
  /** How it was measured, or a caveat. */
  note?: string;
}
