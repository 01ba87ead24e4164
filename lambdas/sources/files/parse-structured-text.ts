import { parseAllDocuments, type YAMLError } from 'yaml';
import { locateJsonError } from './locate-json-error.js';
import { SnapshotFileError } from './snapshot-file-error.js';
import { positionAt } from './text-position.js';

/** yaml's guard against alias bombs ("billion laughs"); exports never need more. */
const MAX_ALIAS_COUNT = 100;

/** Errors listed after the first in a YAML parse error message. */
const MAX_LISTED_ERRORS = 4;

/**
 * Parses a JSON text, with errors located by line and column.
 *
 * A UTF-8 byte order mark (PowerShell's `Out-File` writes one) is ignored. Errors never quote the text.
 * @throws SnapshotFileError `parse-error`
 */
export function parseJsonText(text: string, file: string): unknown {
  const body = stripByteOrderMark(text);
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const located = locateJsonError(body);
    const reason = located?.reason ?? 'invalid JSON';
    throw new SnapshotFileError('parse-error', file, `cannot parse JSON: ${reason}`, {
      position: positionAt(body, located?.offset ?? 0),
      cause: error,
    });
  }
}

/**
 * Parses every document of a YAML stream (`---` separated); empty documents are dropped.
 *
 * All syntax errors are collected and the first is located; messages are yaml's own, with any quoted
 * source text removed.
 * @throws SnapshotFileError `parse-error`
 */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const body = stripByteOrderMark(text);
  const documents = parseAllDocuments(body, { prettyErrors: false, uniqueKeys: true });
  const errors: YAMLError[] = documents.flatMap((document) => document.errors);
  const first = errors[0];
  if (first !== undefined) {
    // Every error at once (a few, located), as people fix them in one pass.
    const others = errors.slice(1, 1 + MAX_LISTED_ERRORS).map((error) => {
      const { line, column } = positionAt(body, error.pos[0]);
      return `; ${line}:${column}: ${sanitiseYamlMessage(error.message)}`;
    });
    const rest = errors.length > 1 + MAX_LISTED_ERRORS ? `; and ${errors.length - 1 - MAX_LISTED_ERRORS} more` : '';
    const reason = `cannot parse YAML: ${sanitiseYamlMessage(first.message)}${others.join('')}${rest}`;
    throw new SnapshotFileError('parse-error', file, reason, {
      position: positionAt(body, first.pos[0]),
      cause: first,
    });
  }
  const values: unknown[] = [];
  for (const document of documents) {
    if (document.contents === null) continue;
    try {
      values.push(document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (error) {
      const start = document.contents.range?.[0] ?? 0;
      const reason = error instanceof Error ? sanitiseYamlMessage(error.message) : 'invalid document';
      throw new SnapshotFileError('parse-error', file, `cannot parse YAML: ${reason}`, {
        position: positionAt(body, start),
        cause: error,
      });
    }
  }
  return values;
}

/** Drops a leading UTF-8 byte order mark. */
export function stripByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** yaml quotes the offending token (`Unexpected scalar token in YAML stream: "s3cr3t"`): keep the words only. */
function sanitiseYamlMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine
    .replace(/:\s*".*$/, '')
    .replace(/"[^"]*"/g, '<token>')
    .replace(/ at line \d+, column \d+.*$/, '');
}
