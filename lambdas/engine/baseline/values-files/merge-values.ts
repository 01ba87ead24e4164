import type { DocumentPath } from '../baseline-document.js';
import { isRecord } from '../merge-baseline-files.js';
import { scopedKey, type ValuesEntry } from './values-entry.js';
import type { ReadValuesFile } from './read-values-file.js';

/**
 * One environment's expected values from its files, lowest precedence first, as Helm combines
 * `-f a.yaml -f b.yaml`: the later file wins; maps are merged key by key, while a scalar, a list or a
 * `null` in the later file replaces whatever the earlier files held at that place, subtree and all
 * (Helm's coalescing: "scalar values and arrays are replaced, maps are merged"; null deletes). That
 * tree rule holds between nested files (YAML, JSON, helm); across formats, and for dotenv, the later
 * file wins key by key.
 *
 * @returns entries by `scopedKey`, each from the file that wins it
 */
export function mergeEnvironmentValues(files: readonly ReadValuesFile[]): Map<string, ValuesEntry> {
  let held: { readonly entry: ValuesEntry; readonly treePath?: DocumentPath }[] = [];
  for (const file of files) {
    const tree = file.tree;
    if (tree !== undefined) held = held.filter((item) => item.treePath === undefined || !replacedBy(tree, item.treePath));
    file.entries.forEach((entry, index) => {
      const treePath = tree === undefined ? undefined : file.treePaths[index];
      held.push(treePath === undefined ? { entry } : { entry, treePath });
    });
  }
  const out = new Map<string, ValuesEntry>();
  for (const { entry } of held) {
    const key = scopedKey(entry);
    // Re-inserting moves the key to the end: the later file's entry wins.
    out.delete(key);
    out.set(key, entry);
  }
  return out;
}

/** Whether `tree` holds something at `path` or at a prefix of it that is not a map (so it replaces what was there). */
function replacedBy(tree: Readonly<Record<string, unknown>>, path: DocumentPath): boolean {
  let node: unknown = tree;
  for (const segment of path) {
    if (!isRecord(node)) return true;
    if (!Object.hasOwn(node, String(segment))) return false;
    node = node[String(segment)];
  }
  return true;
}
