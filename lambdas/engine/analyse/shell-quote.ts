const SAFE_WORD = /^[A-Za-z0-9_./:=@%+-]+$/;

/**
 * Quotes a string for a POSIX shell with single quotes (`it's` -> `'it'\''s'`): nothing inside is
 * expanded, so a value holding `$(...)`, backticks or `;` is passed as written.
 */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A shell word: left bare when it only holds characters no shell treats specially (Kubernetes names
 * such as `deployment/api-server`), quoted with {@link shellQuote} otherwise. Keeps the common
 * command readable without trusting names read from a cluster.
 */
export function shellWord(text: string): string {
  return SAFE_WORD.test(text) && !text.startsWith('-') ? text : shellQuote(text);
}
