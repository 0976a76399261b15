/** Damerau-free Levenshtein distance; small inputs only (names, keys). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `name`, if any is close enough to be a plausible typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** "did you mean 'x'?" or a list of the valid names when nothing is close. */
export function didYouMean(name: string, candidates: readonly string[], what = 'one of'): string | undefined {
  const match = closest(name, candidates);
  if (match) return `did you mean '${match}'?`;
  if (candidates.length === 0) return undefined;
  const shown = candidates.slice(0, 12).map((c) => `'${c}'`).join(', ');
  return `expected ${what}: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
