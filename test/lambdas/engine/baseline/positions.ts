import type { BaselineFile } from '../../../../lambdas/engine/baseline/baseline-file.js';

/**
 * Where `needle` (plus `offset` characters) is in `file` (1-based line and column), so tests state positions by pointing at
 * the text rather than by counting lines. Fails loudly when the needle is absent or ambiguous.
 */
export function at(file: BaselineFile, needle: string, offset = 0): { file: string; line: number; column: number } {
  const index = file.text.indexOf(needle);
  if (index < 0) throw new Error(`fixture ${file.name} does not contain ${JSON.stringify(needle)}`);
  if (file.text.indexOf(needle, index + 1) >= 0) throw new Error(`fixture ${file.name} contains ${JSON.stringify(needle)} twice`);
  const start = index + offset;
  const before = file.text.slice(0, start);
  return { file: file.name, line: before.split('\n').length, column: start - before.lastIndexOf('\n') };
}

/** A baseline file from a template literal. */
export function file(name: string, text: string): BaselineFile {
  return { name, text };
}
