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
  const distance = editDistance(word, name);
  if (distance <= MAX_DISTANCE && distance < word.length) return distance;
  const [shorter, longer] = word.length <= name.length ? [word, name] : [name, word];
  return shorter.length >= MIN_PREFIX && longer.startsWith(shorter) ? MAX_DISTANCE + 1 : Infinity;
}

/**
 * Optimal-string-alignment distance (Damerau–Levenshtein where a swap of two neighbouring
 * characters counts as one edit).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
