/**
 * The most common label among items; a tie goes to the label of the earliest item, so with items in
 * baseline declaration order the environment declared first breaks it.
 */
export function mostCommon<T>(items: readonly T[], label: (item: T) => string): string | undefined {
  const counts = new Map<string, number>();
  for (const item of items) {
    const value = label(item);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const item of items) {
    const value = label(item);
    const count = counts.get(value) ?? 0;
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
