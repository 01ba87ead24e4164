/** C0/C1 control characters and bidirectional overrides: what can move a cursor or reorder a line. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Make untrusted text safe to print on a terminal: control characters (an ANSI escape hidden in a
 * parameter value, say) and bidi overrides become visible `\u001b`-style escapes instead of acting.
 * Tabs and line breaks become `\t` and `\n` too, so one value always stays on one line.
 */
export function terminalText(text: string): string {
  return text
    .replace(/\t/g, '\\t')
    .replace(/\r?\n|\r/g, '\\n')
    .replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Like {@link terminalText} but keeps line breaks, for a shell command that spans lines. */
export function terminalBlock(text: string): string[] {
  return text.split(/\r?\n|\r/).map(terminalText);
}
