/**
 * Compiles an ignore pattern (`*` any run of characters, `?` one character, everything else literal)
 * to an anchored RegExp. Kept this small on purpose: the format promises these two wildcards only.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    // Not `-`: outside a character class it is literal, and escaping it is a syntax error with the `u` flag.
    else source += char.replace(/[\\^$.|+()[\]{}/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}
