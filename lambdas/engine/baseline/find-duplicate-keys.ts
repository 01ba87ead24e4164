import { isScalar, visit, type Document, type Node } from 'yaml';

/** A key written twice in one mapping. */
export interface DuplicateKey {
  /** The key as the data sees it. */
  readonly key: string;
  /** Offset of the second (and each later) declaration. */
  readonly offset: number;
  /** Offset of the first declaration. */
  readonly firstOffset: number;
}

/**
 * Every key declared more than once in the same mapping, in document order.
 *
 * The `yaml` package's own check (`uniqueKeys`) compares each key with every earlier key of its
 * mapping, quadratic in the size of the mapping (tens of thousands of settings took minutes).
 * This is one pass with a set per mapping. Keys are compared as the data sees them, so `1` and `"1"`,
 * which both become the key "1", are duplicates here; the package would let the second one silently
 * replace the first.
 */
export function findDuplicateKeys(doc: Document.Parsed): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const offset = (pair.key as Node).range?.[0] ?? 0;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, offset);
        else found.push({ key, offset, firstOffset: first });
      }
    },
  });
  return found;
}
