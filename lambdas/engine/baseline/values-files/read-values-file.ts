import { parse as parseDotenvText } from 'dotenv';
import { toLogicalKey } from '../../../sources/ssm/ssm-observations.js';
import { stripByteOrderMark } from '../../../sources/files/parse-structured-text.js';
import { positionAt } from '../../../sources/files/text-position.js';
import { formatPath, locate, nodeAt, readBaselineDocument, type DocumentPath } from '../baseline-document.js';
import type { BaselineFile } from '../baseline-file.js';
import type { BaselineIssue } from '../baseline-issue.js';
import { isRecord } from '../merge-baseline-files.js';
import type { ValuesEntry, ValuesReference } from './values-entry.js';

/** What one values file says, before precedence between the environment's files is applied. */
export interface ReadValuesFile {
  readonly reference: ValuesReference;
  /** Every key the file gives a value, in file order. */
  readonly entries: readonly ValuesEntry[];
  /** The file's tree (YAML, JSON, helm), for Helm's override rule between files; undefined for dotenv. */
  readonly tree?: Readonly<Record<string, unknown>>;
  /** Tree path of each entry (same order as `entries`): what a later file's tree overrides. */
  readonly treePaths: readonly DocumentPath[];
  /** Mapped keys (`keys:`) whose path the file does not hold. */
  readonly unmapped: readonly string[];
  readonly issues: readonly BaselineIssue[];
}

/**
 * Reads one values file into located entries. YAML, JSON and helm files are read with the baseline's
 * own reader (limits, duplicate keys, positions); nested keys are flattened as the file source flattens
 * application config (maps joined with `.`, a list of scalars is one value, its JSON text; lists
 * holding maps are indexed; then `toLogicalKey`), and/or mapped explicitly by `keys:`. Dotenv is
 * parsed by dotenv itself, as the file source does. Values become text as the file source makes them
 * (`String(value)`), so an expected value and an observed one read from the same file agree.
 */
export function readValuesFile(reference: ValuesReference, file: BaselineFile): ReadValuesFile {
  if (reference.format === 'dotenv') return readDotenv(reference, file);
  const document = readBaselineDocument(file);
  const empty = { reference, entries: [], treePaths: [], unmapped: [] };
  if (!document.readable) return { ...empty, issues: document.issues };
  const data = document.data ?? {};
  if (!isRecord(data)) {
    const at = locate(document, [], 'value');
    return {
      ...empty,
      issues: [
        {
          code: 'invalid-type',
          severity: 'error',
          ...at,
          path: '',
          message: `values file ${file.name} must be a mapping of keys to values at the top level`,
        },
      ],
    };
  }
  const issues: BaselineIssue[] = [...document.issues];
  const leaves: [DocumentPath, string | null, string?][] = [];
  const mappedPaths = new Set<string>();
  const unmapped: string[] = [];
  for (const [key, dotted] of Object.entries(reference.keys ?? {})) {
    const path = resolveDotted(data, dotted);
    const found = path === undefined ? undefined : nodeAt(document, path);
    if (path === undefined || found === undefined) {
      unmapped.push(key);
      continue;
    }
    mappedPaths.add(formatPath(path));
    const value = valueAt(data, path);
    if (isRecord(value) || (Array.isArray(value) && value.some((item) => item !== null && typeof item === 'object'))) {
      issues.push({
        code: 'invalid-type',
        severity: 'error',
        ...locate(document, path, 'key'),
        path: formatPath(path),
        message: `keys.${key} maps to ${dotted}, which holds a mapping or a list of mappings; expected the path of one value`,
      });
      continue;
    }
    leaves.push([path, leafText(value), key]);
  }
  if (reference.keyStyle !== undefined) {
    const flat: [DocumentPath, string | null][] = [];
    flatten(data, [], flat);
    for (const leaf of flat) if (!mappedPaths.has(formatPath(leaf[0]))) leaves.push(leaf);
  }
  const entries: ValuesEntry[] = [];
  const treePaths: DocumentPath[] = [];
  for (const [path, value, mapped] of leaves) {
    const key = mapped ?? toLogicalKey(path.join('.'), reference.keyStyle ?? 'relative');
    entries.push({
      key,
      ...(reference.application === undefined ? {} : { application: reference.application }),
      value,
      location: locate(document, path, 'value'),
      path,
      format: reference.format,
    });
    treePaths.push(path);
  }
  return { reference, entries, tree: data, treePaths, unmapped, issues };
}

function readDotenv(reference: ValuesReference, file: BaselineFile): ReadValuesFile {
  const text = stripByteOrderMark(file.text);
  const values = parseDotenvText(text);
  const lines = dotenvLines(text);
  const entries: ValuesEntry[] = Object.entries(values).map(([key, value]) => {
    const offset = lines.get(key) ?? 0;
    const position = positionAt(text, offset);
    return {
      key,
      ...(reference.application === undefined ? {} : { application: reference.application }),
      value,
      location: { file: file.name, line: position.line, column: position.column },
      path: [key],
      format: 'dotenv' as const,
    };
  });
  return { reference, entries, treePaths: entries.map((entry) => entry.path), unmapped: [], issues: [] };
}

const DOTENV_KEY = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*[=:]/gm;

/** The offset of each key's value on its last `KEY=` line: dotenv keeps the last of duplicate keys. */
function dotenvLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const match of text.matchAll(DOTENV_KEY)) {
    const name = match[1];
    if (name !== undefined) out.set(name, (match.index ?? 0) + match[0].length);
  }
  return out;
}

/** `app.database.timeoutMs` -> `['app', 'database', 'timeoutMs']`, list indexes as numbers. */
function resolveDotted(data: unknown, dotted: string): DocumentPath | undefined {
  const path: (string | number)[] = [];
  let node = data;
  for (const segment of dotted.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else if (isRecord(node) && Object.hasOwn(node, segment)) {
      path.push(segment);
      node = node[segment];
    } else {
      return undefined;
    }
  }
  return path;
}

function valueAt(data: unknown, path: DocumentPath): unknown {
  let node = data;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

/** As `parse-app-config.ts` flattens, except that `null` is kept: in a values file it means "absent". */
function flatten(value: unknown, path: DocumentPath, out: [DocumentPath, string | null][]): void {
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) {
      out.push([path, JSON.stringify(value)]);
      return;
    }
    value.forEach((item, index) => {
      flatten(item, [...path, index], out);
    });
    return;
  }
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, [...path, key], out);
    return;
  }
  out.push([path, leafText(value)]);
}

function leafText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}
