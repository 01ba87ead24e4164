import { isScalar, parseDocument } from 'yaml';
import type { ValuesOrigin } from '../../model.js';
import { detectSecret } from '../../secrets/detect-secret.js';
import { describeSecretFormat } from '../../secrets/secret-format.js';
import { nodeAt, YAML_PARSE_OPTIONS } from '../baseline-document.js';
import type { BaselineFile } from '../baseline-file.js';
import { BaselineEditError } from '../baseline-edit-error.js';

const PLAIN_SAFE = /^[A-Za-z0-9_./@%+-][A-Za-z0-9_./@%+ :-]*$/;

/**
 * Writes `value` where a values file holds an environment's expected value (`baseline accept` of a
 * finding on such a key), replacing that value's text only: every other byte of the file, comments and
 * layout included, stays as it was. A number or boolean stays unquoted when the old value was one
 * (Helm templates see the type); anything else is written plain when YAML reads it back as the same
 * text, else double-quoted. `null` ("must be absent") is YAML's `null`; dotenv cannot say it.
 *
 * @throws {BaselineEditError} `secret-value` for a secret-shaped value (never written to git);
 *   `invalid-path` when the place no longer holds a single value, or dotenv is asked for absence;
 *   `yaml-syntax` when the file does not parse.
 */
export function editValuesFile(file: BaselineFile, origin: ValuesOrigin, value: string | null): BaselineFile {
  const key = origin.path.join('.');
  const format = value === null ? undefined : detectSecret(value);
  if (format !== undefined) {
    throw new BaselineEditError(
      'secret-value',
      `cannot write ${key} into ${file.name}: the value looks like ${describeSecretFormat(format)}, and secrets stay out of git`,
    );
  }
  return origin.format === 'dotenv' ? editDotenv(file, origin, value) : editTree(file, origin, value);
}

function editTree(file: BaselineFile, origin: ValuesOrigin, value: string | null): BaselineFile {
  const doc = parseDocument(file.text, YAML_PARSE_OPTIONS);
  if (doc.errors.length > 0)
    throw new BaselineEditError('yaml-syntax', `cannot edit ${file.name}: it does not parse (${doc.errors[0]?.message.split('\n')[0] ?? ''})`);
  const node = nodeAt({ doc }, origin.path)?.node;
  const range = isScalar(node) ? node.range : undefined;
  if (!isScalar(node) || range === undefined || range === null) {
    throw new BaselineEditError('invalid-path', `cannot edit ${origin.path.join('.')} in ${file.name}: it no longer holds a single value there`);
  }
  const typed = typeof node.value === 'number' || typeof node.value === 'boolean';
  for (const text of candidates(value, typed, origin.format === 'json')) {
    const edited = `${file.text.slice(0, range[0])}${text}${file.text.slice(range[1])}`;
    const check = parseDocument(edited, YAML_PARSE_OPTIONS);
    const written = nodeAt({ doc: check }, origin.path)?.node;
    const read = isScalar(written) ? written.value : undefined;
    if (check.errors.length === 0 && (value === null ? read === null : read !== null && read !== undefined && String(read) === value)) {
      return { name: file.name, text: edited };
    }
  }
  throw new BaselineEditError('invalid-path', `cannot write the new value of ${origin.path.join('.')} into ${file.name} so that it reads back the same`);
}

/** Renderings of `value`, preferred first; the first that reads back as `value` is written. */
function candidates(value: string | null, typed: boolean, json: boolean): string[] {
  if (value === null) return ['null'];
  const quoted = JSON.stringify(value);
  if (json) return typed ? [value, quoted] : [quoted];
  return typed || PLAIN_SAFE.test(value) ? [value, quoted] : [quoted];
}

function editDotenv(file: BaselineFile, origin: ValuesOrigin, value: string | null): BaselineFile {
  const key = String(origin.path[0] ?? '');
  if (value === null)
    throw new BaselineEditError('invalid-path', `cannot declare ${key} absent in ${file.name}: a dotenv file cannot say "absent"; remove the line by hand`);
  const lines = file.text.split('\n');
  const index = origin.line - 1;
  const line = lines[index] ?? '';
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^(\\s*(?:export\\s+)?${escaped}\\s*[=:]\\s*)(.*?)(\\s+#.*)?$`).exec(line);
  if (match === null) throw new BaselineEditError('invalid-path', `cannot find ${key} on line ${origin.line} of ${file.name}`);
  const text = /^[\w./:@%+,-]*$/.test(value) ? value : `'${value}'`;
  if (text.startsWith("'") && value.includes("'"))
    throw new BaselineEditError('invalid-path', `cannot write a value holding ' into ${file.name} unambiguously; edit ${key} by hand`);
  lines[index] = `${match[1] ?? ''}${text}${match[3] ?? ''}`;
  return { name: file.name, text: lines.join('\n') };
}
