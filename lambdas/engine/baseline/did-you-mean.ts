import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo.
 *
 * The cut-off (a third of the longer word, rounded up so two swapped letters in a short word still
 * count) keeps "did you mean" for typos such as `typ`, `hgih` or `prodution-eu` and stays silent for
 * unrelated words, where a suggestion would mislead.
 * Case differences count as one edit so `Production` finds `production`.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lowered = input.toLowerCase();
  for (const candidate of [...new Set(candidates)].sort()) {
    if (candidate === input) continue;
    const caseOnly = candidate.toLowerCase() === lowered;
    const limit = Math.ceil(Math.max(input.length, candidate.length) / 3);
    // An abbreviation (`prod` for `production`) is a plausible slip too, but weaker than a typo.
    const abbreviation = lowered.length >= 3 && candidate.toLowerCase().startsWith(lowered);
    const d = caseOnly ? 1 : abbreviation ? Math.min(limit, distance(lowered, candidate.toLowerCase())) : distance(lowered, candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
