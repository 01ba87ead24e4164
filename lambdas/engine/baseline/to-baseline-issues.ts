import type { z } from 'zod';
import { allowedKeysAt } from './allowed-keys-at.js';
import type { BaselineDocument, DocumentPath } from './baseline-document.js';
import type { BaselineIssue, BaselineIssueCode } from './baseline-issue.js';
import { didYouMean } from './did-you-mean.js';
import { issueAt } from './issue-at.js';

type ZodIssue = z.core.$ZodIssue;

/**
 * Turns zod's issues for one file into located baseline issues with messages that say what was found
 * and what is expected. Messages are composed here rather than taken from zod so they read the same
 * everywhere and use YAML's words (mapping, list), not JavaScript's (object, array).
 */
export function toBaselineIssues(issues: readonly ZodIssue[], document: BaselineDocument, schema: z.ZodType): BaselineIssue[] {
  const out: BaselineIssue[] = [];
  for (const issue of issues) convert(issue, [], { document, schema, out });
  return out;
}

interface Context {
  readonly document: BaselineDocument;
  readonly schema: z.ZodType;
  readonly out: BaselineIssue[];
}

function convert(issue: ZodIssue, base: DocumentPath, context: Context): void {
  const path = [...base, ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)))];
  const value = valueAt(context.document.data, path);

  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && isAbsent(context.document.data, path)) {
    const key = String(path[path.length - 1]);
    push(context, 'missing-key', path.slice(0, -1), 'key', path, `missing required key ${JSON.stringify(key)}`, {
      expected: key,
    });
    return;
  }

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(context.schema, path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, allowed);
        const expected = `one of ${allowed.join(', ')}`;
        const hint = suggestion === undefined ? `; expected ${expected}` : `; did you mean ${JSON.stringify(suggestion)}?`;
        push(context, 'unknown-key', [...path, key], 'key', [...path, key], `unknown key ${JSON.stringify(key)}${hint}`, {
          expected,
          suggestion,
        });
      }
      return;
    }
    case 'invalid_type': {
      const expected = typePhrase([issue.expected]);
      push(context, 'invalid-type', path, 'value', path, `expected ${expected}, got ${describe(value)}`, { expected });
      return;
    }
    case 'invalid_union': {
      const candidates = issue.errors.filter((branch) => !isTypeMismatch(branch));
      if (candidates.length > 0) {
        const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
        for (const inner of best) convert(inner, path, context);
        return;
      }
      const expected = typePhrase(issue.errors.flatMap(expectedTypes));
      push(context, 'invalid-type', path, 'value', path, `expected ${expected}, got ${describe(value)}`, { expected });
      return;
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const expected = values.length === 1 ? String(values[0]) : `one of ${values.join(', ')}`;
      if (value !== null && typeof value === 'object') {
        // A mapping or a list where a word belongs: say what was found, never "[object Object]".
        push(context, 'invalid-type', path, 'value', path, `expected ${expected}, got ${describe(value)}`, { expected });
        return;
      }
      const suggestion = typeof value === 'string' ? didYouMean(value, values) : undefined;
      const hint = suggestion === undefined ? '' : `; did you mean ${JSON.stringify(suggestion)}?`;
      push(context, 'invalid-value', path, 'value', path, `invalid value ${show(value)}; expected ${expected}${hint}`, {
        expected,
        suggestion,
      });
      return;
    }
    case 'invalid_key': {
      const name = path[path.length - 1];
      const expected = issue.issues[0]?.message ?? 'a valid name';
      push(context, 'invalid-value', path, 'key', path, `invalid name ${JSON.stringify(String(name))}; expected ${expected}`, {
        expected,
      });
      return;
    }
    case 'custom': {
      const code = (issue.params as { code?: BaselineIssueCode } | undefined)?.code ?? 'invalid-value';
      push(context, code, path, 'value', path, issue.message);
      return;
    }
    default: {
      // too_small, too_big, invalid_format, not_multiple_of, invalid_element: the schema gives each
      // check a message that says what is expected.
      const expected = issue.message;
      const message = isScalar(value) ? `invalid value ${show(value)}; expected ${expected}` : `expected ${expected}, got ${describe(value)}`;
      push(context, 'invalid-value', path, 'value', path, message, { expected });
    }
  }
}

function push(
  context: Context,
  code: BaselineIssueCode,
  locationPath: DocumentPath,
  target: 'key' | 'value',
  path: DocumentPath,
  message: string,
  extra: { readonly expected?: string; readonly suggestion?: string | undefined } = {},
): void {
  context.out.push(issueAt(context.document, path, code, message, { ...extra, at: locationPath, target }));
}

/** A union branch that failed only because the value is of another kind than the branch wants. */
function isTypeMismatch(branch: readonly ZodIssue[]): boolean {
  return branch.every(
    (issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || (issue.code === 'invalid_union' && issue.errors.every(isTypeMismatch))),
  );
}

function expectedTypes(branch: readonly ZodIssue[]): string[] {
  return branch.flatMap((issue) => {
    if (issue.code === 'invalid_type') return [issue.expected];
    if (issue.code === 'invalid_union') return issue.errors.flatMap(expectedTypes);
    return [];
  });
}

const TYPE_NOUNS: Readonly<Record<string, string>> = {
  object: 'mapping',
  record: 'mapping',
  array: 'list',
  int: 'integer',
  null: 'empty value (null)',
};

function typePhrase(types: readonly string[]): string {
  const nouns = [...new Set(types.map((type) => TYPE_NOUNS[type] ?? type))];
  const first = nouns[0] ?? 'value';
  const article = /^[aeiou]/.test(first) ? 'an' : 'a';
  const list = nouns.length <= 1 ? first : `${nouns.slice(0, -1).join(', ')} or ${nouns[nouns.length - 1]}`;
  return `${article} ${list}`;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** What was found, in words, never echoing a mapping's or list's content. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${show(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  return `the number ${String(value)}`;
}

/** A scalar as written, shortened so a pasted blob does not flood the terminal. */
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(data: unknown, path: DocumentPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}

function isAbsent(data: unknown, path: DocumentPath): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(data, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return false;
  return !Object.hasOwn(parent, String(path[path.length - 1]));
}
