/**
 * Break text into lines of at most `width` characters at spaces; a word longer than the width (an
 * ARN, a URL) stays whole on its own line, since breaking it would make it uncopyable.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length === 0) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}

/** Length as seen on screen: SGR colour codes take no columns. */
export function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Fewest columns prose is wrapped to, however narrow the terminal: narrower is unreadable either way. */
export const MIN_PROSE_COLUMNS = 20;

/**
 * `text` wrapped to `width` columns after the prefix `first` (the first line's); later lines start
 * with `rest`. Neither prefix is wrapped; `paint` colours each line after wrapping, so colour codes
 * never count as columns. At least {@link MIN_PROSE_COLUMNS} columns of text a line, so a narrow
 * terminal or a long prefix makes longer lines, never an endless or empty wrap.
 */
export function wrapPrefixed(text: string, first: string, rest: string, width: number, paint: (line: string) => string = (line) => line): string[] {
  const room = Math.max(MIN_PROSE_COLUMNS, width - Math.max(visibleLength(first), visibleLength(rest)));
  return wrapText(text, room).map((line, i) => (i === 0 ? first : rest) + paint(line));
}

/**
 * Items joined with ` · ` and wrapped between items (never inside one) to `width` columns: the first
 * line after `first`, later ones after `rest`. Items may be coloured: only visible columns count.
 */
export function wrapItems(items: readonly string[], first: string, rest: string, width: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const item of items) {
    if (empty) line += item;
    else if (visibleLength(line) + 3 + visibleLength(item) <= width) line += ` · ${item}`;
    else {
      lines.push(line);
      line = rest + item;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}
