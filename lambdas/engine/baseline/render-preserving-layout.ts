import { parseDocument, type Document, type ToStringOptions } from 'yaml';
import { YAML_PARSE_OPTIONS } from './baseline-document.js';

/**
 * Renders an edited document so that every line the edit did not touch stays byte for byte as the
 * person wrote it (comment alignment, flow padding, quoting), which yaml's own stringifier does not
 * promise.
 *
 * How: the original and the edited documents are stringified with the same options; the lines where
 * those two differ are the edit. The original text is aligned line by line with its own rendering,
 * and only the edited lines are spliced in, between the nearest lines that are unchanged on both
 * sides. The splice is kept only when it means exactly what the edited document means (same
 * rendering, comments included); otherwise the re-stringified document is returned (comments kept,
 * layout normalised), so the result is always correct.
 */
export function renderPreservingLayout(originalText: string, edited: Document): string {
  const options = detectStyle(originalText);
  const after = edited.toString(options);
  const before = parseDocument(originalText, YAML_PARSE_OPTIONS).toString(options);
  if (before === originalText) return after;

  const original = splitLines(originalText);
  const beforeLines = splitLines(before);
  const afterLines = splitLines(after);
  const matches = alignLines(original, beforeLines);
  if (matches === undefined) return after;

  let prefix = 0;
  while (prefix < beforeLines.length && prefix < afterLines.length && beforeLines[prefix] === afterLines[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < beforeLines.length - prefix &&
    suffix < afterLines.length - prefix &&
    beforeLines[beforeLines.length - 1 - suffix] === afterLines[afterLines.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  // Anchor the changed lines on the nearest unchanged lines that exist in the original as written;
  // where the original is laid out differently (a list spread over lines), the hunk grows over it.
  let low = prefix - 1;
  while (low >= 0 && (matches[low] ?? -1) < 0) low -= 1;
  let high = beforeLines.length - suffix;
  while (high < beforeLines.length && (matches[high] ?? -1) < 0) high += 1;
  const originalStart = low >= 0 ? (matches[low] ?? 0) + 1 : 0;
  const originalEnd = high < beforeLines.length ? (matches[high] ?? original.length) : original.length;

  const originalHunk = original.slice(originalStart, originalEnd);
  let hunk = afterLines.slice(low + 1, afterLines.length - (beforeLines.length - high));
  if (hunk.length === originalHunk.length) hunk = hunk.map((line, index) => keepCommentColumn(originalHunk[index] ?? '', line));
  const spliced = [...original.slice(0, originalStart), ...hunk, ...original.slice(originalEnd)].join('\n');

  const check = parseDocument(spliced, YAML_PARSE_OPTIONS);
  if (check.errors.length > 0 || check.toString(options) !== after) return after;
  return spliced;
}

const TRAILING_COMMENT = /^(.*?\S)(\s+)(#.*)$/;

/** A changed line keeps its trailing comment where it was (`value: 20s        # why`), when it fits. */
function keepCommentColumn(originalLine: string, line: string): string {
  const was = TRAILING_COMMENT.exec(originalLine);
  const now = TRAILING_COMMENT.exec(line);
  if (was === null || now === null || was[3] !== now[3]) return line;
  const column = (was[1] ?? '').length + (was[2] ?? '').length;
  const content = now[1] ?? '';
  return `${content}${' '.repeat(Math.max(1, column - content.length))}${now[3] ?? ''}`;
}

/** Above this many line pairs the alignment is skipped and the document re-stringified whole. */
const MAX_ALIGNMENT_CELLS = 16_000_000;

/**
 * For each line of `rendered`, the index of the line of `original` holding the same tokens (a longest
 * common subsequence of whitespace-free lines), or -1 when the line has no counterpart as written.
 */
function alignLines(original: readonly string[], rendered: readonly string[]): Int32Array | undefined {
  const rows = original.length;
  const columns = rendered.length;
  if ((rows + 1) * (columns + 1) > MAX_ALIGNMENT_CELLS) return undefined;
  const a = original.map(squeeze);
  const b = rendered.map(squeeze);
  const width = columns + 1;
  const lengths = new Uint32Array((rows + 1) * width);
  for (let i = rows - 1; i >= 0; i -= 1) {
    for (let j = columns - 1; j >= 0; j -= 1) {
      lengths[i * width + j] =
        a[i] === b[j] ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  const matches = new Int32Array(columns).fill(-1);
  let i = 0;
  let j = 0;
  while (i < rows && j < columns) {
    if (a[i] === b[j]) {
      matches[j] = i;
      i += 1;
      j += 1;
    } else if ((lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0)) {
      i += 1;
    } else {
      j += 1;
    }
  }
  return matches;
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

/** A line without its whitespace: tells whether two renderings of a line hold the same tokens. */
function squeeze(line: string): string {
  return line.replace(/\s+/g, '');
}

/**
 * The stringifier options closest to how the file is written, so the lines an edit adds look like
 * their neighbours: indentation width, whether lists are indented under their key, and whether flow
 * collections are padded (`[ a, b ]`).
 */
export function detectStyle(text: string): ToStringOptions {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  let indent: number | undefined;
  let indentedSeq = 0;
  let flushSeq = 0;
  for (let index = 1; index < lines.length; index += 1) {
    const previous = lines[index - 1] ?? '';
    const line = lines[index] ?? '';
    if (!/:\s*(#.*)?$/.test(previous)) continue;
    const parentIndent = leadingSpaces(previous.replace(/^(\s*)- /, '$1  '));
    const childIndent = leadingSpaces(line);
    if (line.trimStart().startsWith('- ')) {
      if (childIndent > parentIndent) indentedSeq += 1;
      else if (childIndent === parentIndent) flushSeq += 1;
    } else if (indent === undefined && childIndent > parentIndent) {
      indent = childIndent - parentIndent;
    }
  }
  const padded = (text.match(/[[{] [^\s\]}]/g) ?? []).length;
  const unpadded = (text.match(/[[{][^\s\]}]/g) ?? []).length;
  return {
    indent: indent ?? 2,
    indentSeq: indentedSeq >= flushSeq,
    flowCollectionPadding: padded > unpadded,
    lineWidth: 0,
  };
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}
