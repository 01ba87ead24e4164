/**
 * Decides whether an undeclared key is ignored by the baseline's `ignore` globs. A glob matches the
 * key itself (`KUBERNETES_*`) or the key qualified by its application (`loadgenerator:USERS`).
 */
export interface IgnoreMatcher {
  ignores(key: string, application?: string): boolean;
}

/**
 * Compiles every glob (`*` any run of characters, `?` one character, the rest literal) into one
 * anchored regular expression, once per audit, and remembers each key's answer: the same undeclared
 * key usually shows up in every environment.
 */
export function compileIgnore(globs: readonly string[]): IgnoreMatcher {
  if (globs.length === 0) return { ignores: () => false };
  const alternatives = globs.map((glob) => glob.replace(/[.+^${}()|[\]\\*?]/g, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : `\\${ch}`)));
  const pattern = new RegExp(`^(?:${alternatives.join('|')})$`);
  const answers = new Map<string, boolean>();
  const test = (text: string): boolean => {
    let answer = answers.get(text);
    if (answer === undefined) {
      answer = pattern.test(text);
      answers.set(text, answer);
    }
    return answer;
  };
  return {
    ignores(key: string, application?: string): boolean {
      return test(key) || (application !== undefined && test(`${application}:${key}`));
    },
  };
}
