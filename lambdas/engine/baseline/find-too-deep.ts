import { Parser, type CST } from 'yaml';

/**
 * The offset of the first mapping or list nested deeper than `limit`, or undefined when none is.
 *
 * Measured on the `yaml` package's concrete syntax tree, which its parser builds without recursion,
 * and walked here with an explicit stack: the step that turns it into a document recurses once per
 * level and overflows the call stack somewhere past a thousand levels (where exactly depends on the
 * stack the process was given), so depth has to be known before that step runs.
 */
export function findTooDeep(text: string, limit: number): number | undefined {
  const stack: { readonly token: CST.Token; readonly depth: number }[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type === 'document' && token.value !== undefined) stack.push({ token: token.value, depth: 0 });
    while (stack.length > 0) {
      const entry = stack.pop();
      if (entry === undefined) break;
      const { token: current, depth: outer } = entry;
      if (current.type !== 'block-map' && current.type !== 'block-seq' && current.type !== 'flow-collection') continue;
      const depth = outer + 1;
      if (depth > limit) return current.offset;
      // `[a: 1]` holds a one-entry mapping per pair: one level more than its brackets show.
      const pairsNest = current.type === 'flow-collection' && current.start.source === '[';
      if (pairsNest && depth + 1 > limit) {
        const pair = current.items.find(isPair);
        if (pair !== undefined) return pair.key?.offset ?? pair.sep?.[0]?.offset ?? current.offset;
      }
      // Pushed last item first, so nodes come off the stack in document order and the offset
      // reported is the first too-deep one in the text.
      for (let index = current.items.length - 1; index >= 0; index -= 1) {
        const item = current.items[index];
        if (item === undefined) continue;
        const inner = pairsNest && isPair(item) ? depth + 1 : depth;
        if (item.value) stack.push({ token: item.value, depth: inner });
        if (item.key) stack.push({ token: item.key, depth: inner });
      }
    }
  }
  return undefined;
}

function isPair(item: CST.CollectionItem): boolean {
  return item.sep !== undefined && item.sep.length > 0;
}
