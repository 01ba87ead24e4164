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
