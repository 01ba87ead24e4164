import { stringify } from 'yaml';
import type { BaselineEdit } from '../../engine/model.js';

/** A path segment, quoted when it would otherwise read as two segments or as nothing. */
function segment(part: string): string {
  return /^[A-Za-z0-9_/-]+$/.test(part) ? part : JSON.stringify(part);
}

/** Plain scalars YAML would read as something other than a string. */
const NON_STRING = /^(?:true|false|yes|no|y|n|on|off|null|~|[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|[-+]?\.(?:inf|nan))$/i;

/** A scalar as a YAML reader would write it; quoted only when plain text would parse differently. */
function scalar(value: string): string {
  const plain = /^[A-Za-z0-9_./][A-Za-z0-9_./:@+ -]*$/.test(value) && !/[\s:]$/.test(value) && !/: | #/.test(value);
  return plain && !NON_STRING.test(value) ? value : JSON.stringify(value);
}

function editValue(value: BaselineEdit['value']): string {
  if (value === null) return 'null';
  if (value === undefined) return '';
  if (typeof value === 'string') return scalar(value);
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${segment(k)}: ${scalar(value[k] ?? '')}`);
  return `{ ${entries.join(', ')} }`;
}

/**
 * One line showing a baseline edit the way a reviewer reads it, e.g.
 * `settings.DB_TIMEOUT.environments.production-us: 60s`, `delete settings.OLD_FLAG`, or
 * `append to exceptions: { expires: 2026-12-01, key: LOG_LEVEL, ... }`, followed by the file when known.
 *
 * Numbers and booleans are quoted (`"60"`), as the baseline stores every value as a string.
 */
export function formatBaselineEdit(edit: BaselineEdit): string {
  const path = edit.path.map(segment).join('.');
  const op = edit.op ?? (edit.value === undefined ? 'delete' : 'set');
  const line = op === 'delete' ? `delete ${path}` : op === 'append' ? `append to ${path}: ${editValue(edit.value)}` : `${path}: ${editValue(edit.value)}`;
  return edit.file === undefined ? line : `${line}  (in ${edit.file})`;
}

/**
 * A baseline edit as the YAML it writes, for a ```yaml block a reader can paste into the file: the
 * path as nested mappings down to the new value (an `append` as a one-item sequence), the file and
 * the operation as a comment. A delete has no YAML of its own: it is the comment alone. Always parses
 * as YAML (the Markdown report's test parses every block), and values are strings as the baseline
 * stores them: `"60"` stays quoted, `60s` does not.
 */
export function formatBaselineEditYaml(edit: BaselineEdit): string {
  const path = edit.path.map(segment).join('.');
  const op = edit.op ?? (edit.value === undefined ? 'delete' : 'set');
  const where = edit.file === undefined ? '' : `${edit.file}: `;
  if (op === 'delete' || edit.value === undefined) return `# ${where}delete ${path}\n`;
  const leaf = op === 'append' ? [edit.value] : edit.value;
  let document: unknown = leaf;
  for (const part of [...edit.path].reverse()) document = { [part]: document };
  const comment = `# ${where}${op === 'append' ? `append to ${path}` : `set ${path}`}\n`;
  return comment + stringify(document, { lineWidth: 0, defaultKeyType: 'PLAIN', nullStr: 'null' });
}
