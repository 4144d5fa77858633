/**
 * The randomness behind toxicity rolls, latency jitter and slicer cuts. Toxiproxy draws from
 * Go's global generator and its `-seed` flag does nothing; here a seed makes the draws
 * repeatable (each proxy draws from its own stream, so adding a proxy does not shift
 * another's draws; within a proxy the draws follow the order connections and chunks arrive).
 */
import type { Rng } from '../../proxy-core/clock/rng.js';
import { SeededRng } from '../seeded-rng.js';

/** Where the randomness comes from: a stream, a function of [0, 1), or a seed; `Math.random` when none is given. */
export interface RandomnessOptions {
  /** A stream to draw from (`fork(proxyName)` gives each proxy its own), or a function returning uniform numbers in [0, 1). */
  readonly rng?: Rng | (() => number);
  /** Seeds faultline's generator (sfc32); ignored when `rng` is given. */
  readonly seed?: number;
}

/** The root stream for {@link RandomnessOptions}. */
export function toxiproxyRng(options: RandomnessOptions): Rng {
  if (typeof options.rng === 'function') return new FunctionRng(options.rng);
  if (options.rng !== undefined) return options.rng;
  if (options.seed !== undefined) return new SeededRng(options.seed, 'toxiproxy');
  return new FunctionRng(Math.random);
}

/** An {@link Rng} over a function of [0, 1); its forks are itself. */
class FunctionRng implements Rng {
  constructor(private readonly draw: () => number) {}

  next(): number {
    return this.draw();
  }

  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.draw() * n));
  }

  fork(): Rng {
    return this;
  }
}
