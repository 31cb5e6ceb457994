/**
 * Typo tolerance as the dedicated engines set it (Meilisearch, Typesense): words of fewer than 5 letters
 * must be exact, words of 5 to 8 letters may have one typo, words of 9 or more two.
 */
export function allowedTypos(word: string): number {
  const length = [...word].length;
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

/**
 * Edit distance where a swap of two neighbours counts as one typo (optimal string alignment), or
 * `limit + 1` as soon as it must exceed `limit`. Words are at most 40 letters: bounded work.
 */
export function typoDistance(a: string, b: string, limit: number): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return Math.min(previous[t.length]!, limit + 1);
}

/** The closest candidate within the word's allowed typos, the most frequent among equals; null when none. */
export function bestCorrection(word: string, candidates: readonly { word: string; docCount: number }[]): string | null {
  const limit = allowedTypos(word);
  if (!limit) return null;
  let best: { word: string; distance: number; docCount: number } | null = null;
  for (const c of candidates) {
    const distance = typoDistance(word, c.word, limit);
    if (distance > limit || distance === 0) continue;
    if (!best || distance < best.distance || (distance === best.distance && c.docCount > best.docCount)) {
      best = { word: c.word, distance, docCount: c.docCount };
    }
  }
  return best?.word ?? null;
}
