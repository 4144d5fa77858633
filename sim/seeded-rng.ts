/**
 * The simulator's randomness: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator,
 * 128-bit state, passes PractRand and BigCrush), seeded by hashing the run's seed together
 * with a stream's full name. Every component draws from its own stream, keyed by its path
 * (`root/services/checkout/latency`), so adding a service or drawing more numbers in one
 * component never shifts another's draws (README.md, "How it is built": determinism).
 */
import type { Rng } from '../proxy-core/clock/rng.js';

/** 2^-53: scales a 53-bit integer into [0, 1). */
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
/** 2^26, to place the high 27 bits above the low 26. */
const TWO_POW_26 = 67108864;
/** Outputs discarded after seeding, as sfc32's author recommends. */
const WARM_UP_ROUNDS = 12;

/**
 * A seeded stream of uniform numbers.
 *
 * @example
 * ```ts
 * const root = new SeededRng(42);
 * const latency = root.fork('services').fork('checkout'); // stream "root/services/checkout"
 * latency.next(); // same value for seed 42, whatever else was forked or drawn
 * ```
 */
export class SeededRng implements Rng {
  /** The run's seed, shared by every stream forked from this one. */
  readonly seed: number;
  /** This stream's full path: the root's name, then each fork's name, joined by `/`. */
  readonly name: string;
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /**
   * Creates the stream keyed by (`seed`, `name`).
   *
   * @param seed - any safe integer (the scenario's or the command line's seed).
   * @param name - the stream's full name; a root stream is called `root`.
   * @throws RangeError if `seed` is not a safe integer.
   */
  constructor(seed: number, name = 'root') {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`SeededRng: seed must be a safe integer, got ${seed}`);
    this.seed = seed;
    this.name = name;
    this.seedState(seed, name);
  }

  /** A uniform double in [0, 1) with 53 random bits (two 32-bit outputs). */
  next(): number {
    const high = this.next32() >>> 5;
    const low = this.next32() >>> 6;
    return (high * TWO_POW_26 + low) * TWO_POW_MINUS_53;
  }

  /**
   * A uniform integer in [0, n), for a positive integer `n` up to 2^53 (bias below n / 2^53).
   *
   * @throws RangeError if `n` < 1.
   */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`SeededRng.int: n must be at least 1, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /**
   * The stream named `<this name>/<name>`: a function of the seed and that path only, not of
   * how far this stream has advanced or of which other streams were forked.
   */
  fork(name: string): SeededRng {
    return new SeededRng(this.seed, `${this.name}/${name}`);
  }

  /** One sfc32 step: a uniform 32-bit integer, as a signed int32. */
  private next32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    this.d = (d + 1) | 0;
    return t;
  }

  /** Sets the 128-bit state from a hash of (seed, name), then warms the generator up. */
  private seedState(seed: number, name: string): void {
    const hash = new Hash128();
    hash.add(seed >>> 0);
    hash.add(Math.floor(seed / 4294967296) >>> 0);
    hash.add(name.length);
    for (let i = 0; i < name.length; i++) hash.add(name.charCodeAt(i));
    hash.finish();
    this.a = hash.h1;
    this.b = hash.h2;
    this.c = hash.h3;
    this.d = hash.h4;
    for (let i = 0; i < WARM_UP_ROUNDS; i++) this.next32();
  }
}

/**
 * A 128-bit hash of a sequence of 32-bit words: cyrb128's four interleaved multiply-xor lanes
 * (bryc, public domain), each lane then passed through MurmurHash3's fmix32 finaliser.
 */
class Hash128 {
  h1 = 1779033703;
  h2 = 3144134277 | 0;
  h3 = 1013904242;
  h4 = 2773480762 | 0;

  /** Mixes one word into all four lanes. */
  add(word: number): void {
    const k = word | 0;
    this.h1 = this.h2 ^ Math.imul(this.h1 ^ k, 597399067);
    this.h2 = this.h3 ^ Math.imul(this.h2 ^ k, 2869860233);
    this.h3 = this.h4 ^ Math.imul(this.h3 ^ k, 951274213);
    this.h4 = this.h1 ^ Math.imul(this.h4 ^ k, 2716044179);
  }

  /** Cross-mixes the lanes and finalises each one. */
  finish(): void {
    let h1 = Math.imul(this.h3 ^ (this.h1 >>> 18), 597399067);
    let h2 = Math.imul(this.h4 ^ (this.h2 >>> 22), 2869860233);
    let h3 = Math.imul(h1 ^ (this.h3 >>> 17), 951274213);
    let h4 = Math.imul(h2 ^ (this.h4 >>> 19), 2716044179);
    h1 ^= h2 ^ h3 ^ h4;
    h2 ^= h1;
    h3 ^= h1;
    h4 ^= h1;
    this.h1 = fmix32(h1);
    this.h2 = fmix32(h2);
    this.h3 = fmix32(h3);
    this.h4 = fmix32(h4);
  }
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
