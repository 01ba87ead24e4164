import { parseDocument } from 'yaml';
import type { TextPosition } from './snapshot-file-error.js';

/** The 1-based line and column of a UTF-16 offset in `text`. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * The position of the node at `path` (`['Parameters', 3, 'Name']`) in a JSON or YAML text.
 *
 * Used only to locate a content error after the fact: JSON is YAML 1.2, so the yaml parser gives
 * source ranges for JSON files too without a second JSON parser. Falls back to the deepest ancestor
 * that exists (a missing field is reported where its object starts).
 */
export function positionOfPath(text: string, path: readonly (string | number)[]): TextPosition | undefined {
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(text, { prettyErrors: false });
  } catch {
    return undefined;
  }
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = document.getIn(path.slice(0, length), true);
    const range = (node as { range?: unknown } | undefined)?.range;
    if (Array.isArray(range) && typeof range[0] === 'number') return positionAt(text, range[0]);
  }
  return undefined;
}
