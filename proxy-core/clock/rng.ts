/**
 * Randomness as the resilience core sees it: one independent stream per component.
 * The core never draws from the global generator.
 */
export interface Rng {
  /** A uniform double in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /**
   * An independent stream derived from this one's seed and `name`. The same name always
   * yields the same stream, whatever else was forked, so adding a service does not
   * reshuffle the draws of the others.
   */
  fork(name: string): Rng;
}
