/** Seeds derived from a campaign's seed, so that one `--seed` fixes every draw of the search. */

/**
 * A 32-bit seed for the `index`-th draw of `stream` (a small integer naming what is drawn)
 * under the campaign seed `base`: splitmix32 over the three, so that neighbouring indexes give
 * unrelated seeds.
 */
export function derivedSeed(base: number, stream: number, index: number): number {
  let x = (Math.imul(base | 0, 0x9e3779b9) ^ Math.imul(stream + 1, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) | 0;
}

/** The streams a campaign draws from. */
export const SeedStream = {
  /** Fresh cases of a search batch. */
  batch: 1,
  /** The guided search's mutations. */
  mutation: 2,
} as const;
