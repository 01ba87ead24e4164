// Structural edits of a YAML document for `baseline accept`: set, append and delete at a path, creating
// mappings on the way and keeping the comments attached to a replaced scalar.
import { isMap, isScalar, isSeq, type Scalar, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import { keyText, nodeAt } from './baseline-document.js';
import { BaselineEditError } from './baseline-edit-error.js';
import { has, splitApplication } from './baseline-edit-paths.js';
import type { EditValue } from './edit-value-rules.js';

type Container = YAMLMap | YAMLSeq;

function root(doc: Document): Container {
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    doc.contents = new YAMLMap() as unknown as typeof doc.contents;
  }
  if (!isMap(doc.contents)) throw new BaselineEditError('invalid-path', 'cannot edit a baseline file whose root is not a mapping');
  return doc.contents;
}

function child(container: Container, segment: string): { readonly node: unknown; readonly exists: boolean } {
  if (isMap(container)) {
    const pair = container.items.find((item) => keyText(item.key) === segment);
    return { node: pair?.value ?? null, exists: pair !== undefined };
  }
  const index = Number(segment);
  return { node: container.items[index] ?? null, exists: Number.isInteger(index) && index >= 0 && index < container.items.length };
}

function putChild(doc: Document, container: Container, segment: string, node: Node): void {
  if (isMap(container)) {
    const pair = container.items.find((item) => keyText(item.key) === segment);
    if (pair === undefined) container.items.push(doc.createPair(segment, node));
    else pair.value = node;
    return;
  }
  const index = Number(segment);
  if (!Number.isInteger(index) || index < 0 || index > container.items.length) {
    throw new BaselineEditError('invalid-path', `cannot edit item ${segment}: the list has ${container.items.length} items`);
  }
  container.items[index] = node;
}

/** Walks to the parent of the last segment, creating mappings and expanding a shorthand on the way. */
function parentOf(doc: Document, path: readonly string[]): Container {
  let container = root(doc);
  for (let depth = 0; depth < path.length - 1; depth += 1) {
    const segment = path[depth] as string;
    const { node } = child(container, segment);
    if (isMap(node) || isSeq(node)) {
      container = node;
      continue;
    }
    const map = new YAMLMap();
    if (isScalar(node) && node.value !== null) {
      // `KEY: value` is shorthand for `KEY: { value: value }`: the only scalar the format lets grow keys.
      if (!(depth === 1 && path[0] === 'settings')) {
        throw new BaselineEditError('invalid-path', `cannot edit ${path.join('.')}: ${path.slice(0, depth + 1).join('.')} is not a mapping`);
      }
      map.items.push(doc.createPair('value', node));
    }
    putChild(doc, container, segment, map);
    container = map;
  }
  return container;
}

/** Sets the node at `path` to `value`, in place for a scalar of the same kind. */
export function setAt(doc: Document, path: readonly string[], value: EditValue): void {
  const container = parentOf(doc, path);
  const last = path[path.length - 1] as string;
  const existing = child(container, last).node;
  if (isScalar(existing) && (value === null || typeof value !== 'object')) {
    replaceScalar(doc, container, last, existing, value);
    return;
  }
  putChild(doc, container, last, doc.createNode(value) as Node);
}

/** Changes a scalar in place when its kind stays the same, so comments attached to it survive. */
function replaceScalar(doc: Document, container: Container, segment: string, existing: Scalar, written: string | number | boolean | null): void {
  const value = keepKind(existing.value, written);
  if (existing.value === null || typeof existing.value === typeof value) {
    existing.value = value;
    if (typeof value === 'string' && value.includes('\n') === false && (existing.type === 'BLOCK_LITERAL' || existing.type === 'BLOCK_FOLDED')) {
      delete existing.type;
    }
    delete existing.source;
    return;
  }
  const replacement = doc.createNode(value) as Scalar;
  if (existing.comment !== undefined) replacement.comment = existing.comment;
  if (existing.commentBefore !== undefined) replacement.commentBefore = existing.commentBefore;
  if (existing.spaceBefore !== undefined) replacement.spaceBefore = existing.spaceBefore;
  putChild(doc, container, segment, replacement);
}

/**
 * `40` replaced by the string `"25"` is written `25`, not `"25"`: the file keeps looking as it was
 * written, and both read back as the string "25". Only when the text survives the round trip exactly
 * (`1.50` stays a string, since a number would be written `1.5`).
 */
function keepKind(previous: unknown, value: string | number | boolean | null): string | number | boolean | null {
  if (typeof value !== 'string') return value;
  if (typeof previous === 'number' && value.trim() !== '' && String(Number(value)) === value) return Number(value);
  if (typeof previous === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** Appends `value` to the list at `path`, creating the list when absent. */
export function appendAt(doc: Document, path: readonly string[], value: EditValue): void {
  const container = parentOf(doc, path);
  const last = path[path.length - 1] as string;
  const existing = child(container, last).node;
  if (isSeq(existing)) {
    // `[]` is the only way YAML writes an empty list, so it says nothing about the style wanted:
    // the list grows as a block, like the rest of the format's lists of mappings.
    if (existing.items.length === 0) existing.flow = false;
    existing.items.push(doc.createNode(value) as Node);
    return;
  }
  if (existing !== null && !(isScalar(existing) && existing.value === null)) {
    throw new BaselineEditError('not-a-sequence', `cannot append to ${path.join('.')}: it is not a list`);
  }
  const seq = new YAMLSeq();
  seq.items.push(doc.createNode(value) as Node);
  putChild(doc, container, last, seq);
}

/** Deletes the node at `path`, then mappings left empty below the entry level. False when absent. */
export function deleteAt(doc: Document, path: readonly string[]): boolean {
  if (!has(doc, toDocumentPath(doc, path))) return false;
  doc.deleteIn(toDocumentPath(doc, path));
  // settings.KEY stays even when emptied (it still declares the key); deeper empty maps go, and so
  // does an expected_differences.KEY left with no entry.
  const { base, inner } = splitApplication(path);
  const floor = base.length + (inner[0] === 'expected_differences' ? 2 : 3);
  for (let depth = path.length - 1; depth >= floor; depth -= 1) {
    const parentPath = toDocumentPath(doc, path.slice(0, depth));
    const node = nodeAt({ doc }, parentPath)?.node;
    if (!(isMap(node) || isSeq(node)) || node.items.length > 0) break;
    doc.deleteIn(parentPath);
  }
  return true;
}

/** Turns list indexes written as strings into numbers, as yaml's path API expects. */
function toDocumentPath(doc: Document, path: readonly string[]): (string | number)[] {
  const out: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isSeq(node)) {
      const index = Number(segment);
      out.push(index);
      node = node.items[index];
    } else {
      out.push(segment);
      node = isMap(node) ? node.items.find((item) => keyText(item.key) === segment)?.value : undefined;
    }
  }
  return out;
}
