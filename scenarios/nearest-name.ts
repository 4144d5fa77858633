/** "Did you mean …?" for a name that is not known: the nearest known name, if it is a likely typo. */

const MAX_DISTANCE = 2;
const MIN_PREFIX = 3;

/**
 * The known name nearest to `word`, when it is a likely typo of it: at most
 * {@link MAX_DISTANCE} edits away (insertions, deletions, substitutions and swaps of two
 * neighbouring letters, case-insensitive), fewer edits than `word` has letters, or one of
 * the two a prefix of the other (at least 3 letters). Ties go to the name listed first.
 *
 * @example nearestName('latncy', ['replicas', 'latency']) // 'latency'
 */
export function nearestName(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const name of known) {
    const score = typoScore(word.toLowerCase(), name.toLowerCase());
    if (score < bestScore) [best, bestScore] = [name, score];
  }
  return best;
}

/** Edit distance when the name is a likely typo of the word (a prefix counts as 3), or Infinity. */
function typoScore(word: string, name: string): number {
  const distance = editDistance(word, name, MAX_DISTANCE);
  if (distance <= MAX_DISTANCE && distance < word.length) return distance;
  const [shorter, longer] = word.length <= name.length ? [word, name] : [name, word];
  return shorter.length >= MIN_PREFIX && longer.startsWith(shorter) ? MAX_DISTANCE + 1 : Infinity;
}

/**
 * Optimal-string-alignment distance (Damerau–Levenshtein where a swap of two neighbouring
 * characters counts as one edit). With `max`, only distances up to `max` are computed, in
 * time linear in the strings' length: anything farther gives `max + 1`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  let older = new Array<number>(width);
  let prev = new Array<number>(width);
  let cur = new Array<number>(width);
  for (let j = 0; j <= Math.min(b.length, max + 1); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(b.length, i + max);
    cur[lo - 1] = lo === 1 ? i : Infinity;
    let rowMin = cur[lo - 1];
    for (let j = lo; j <= hi; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, older[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (hi + 1 < width) cur[hi + 1] = Infinity;
    if (rowMin > max) return max + 1;
    [older, prev, cur] = [prev, cur, older];
  }
  return Math.min(prev[b.length], max + 1);
}
