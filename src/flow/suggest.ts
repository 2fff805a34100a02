import { distance } from 'fastest-levenshtein';

/**
 * The candidate nearest to `input` by edit distance, when it is near enough to be a likely typo:
 * at most a third of the longer word's length, and never more than 3 edits. Case is ignored.
 */
export function nearest(input: string, candidates: readonly string[]): string | null {
  const needle = input.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    const limit = Math.min(3, Math.floor(Math.max(needle.length, candidate.length) / 3));
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
