import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type ParsedNode,
  type YAMLError,
} from 'yaml';
import type { DeclarationLocation } from '../model.js';
import type { BaselineFile } from './baseline-file.js';
import type { BaselineIssue } from './baseline-issue.js';

/** A path from the document root: map keys and sequence indexes. */
export type DocumentPath = readonly (string | number)[];

/** One baseline file parsed with its node positions kept, so every later issue can be located. */
export interface BaselineDocument {
  readonly name: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The file as plain data (dates as `YYYY-MM-DD` strings); `undefined` when it could not be read. */
  readonly data: unknown;
  /** YAML-level problems (syntax, duplicate keys). */
  readonly issues: readonly BaselineIssue[];
  /** False when the YAML is too broken for schema validation to say anything useful. */
  readonly readable: boolean;
}

/** Parser options shared by reading and editing, so an edit sees the document the parser saw. */
export const YAML_PARSE_OPTIONS = { prettyErrors: true, uniqueKeys: true, strict: true } as const;

/**
 * Parses one file, keeping node ranges. Duplicate keys are reported but leave the file readable (the
 * rest of it can still be checked); any other YAML error makes it unreadable.
 */
export function readBaselineDocument(file: BaselineFile): BaselineDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { ...YAML_PARSE_OPTIONS, lineCounter });
  const issues: BaselineIssue[] = [];
  let readable = true;
  const partial = { name: file.name, doc, lineCounter };
  for (const error of doc.errors) {
    issues.push(yamlErrorToIssue(partial, error));
    if (error.code !== 'DUPLICATE_KEY') readable = false;
  }
  let data: unknown;
  if (readable) {
    try {
      data = datesToStrings(doc.toJS({ maxAliasCount: 100 }));
    } catch (error) {
      readable = false;
      issues.push({
        code: 'yaml-syntax',
        severity: 'error',
        file: file.name,
        line: 1,
        column: 1,
        path: '',
        message: `cannot read the document: ${(error as Error).message}`,
      });
    }
  }
  return { name: file.name, text: file.text, doc, lineCounter, data, issues, readable };
}

function yamlErrorToIssue(
  document: Pick<BaselineDocument, 'name' | 'doc' | 'lineCounter'>,
  error: YAMLError,
): BaselineIssue {
  const position = error.linePos?.[0] ?? document.lineCounter.linePos(error.pos[0]);
  // prettyErrors appends " at line N, column M:" and a source excerpt; the position is reported apart.
  const text = error.message.split(/ at line \d+, column \d+/)[0] ?? error.message;
  const path = pathAtOffset(document.doc, error.pos[0]);
  if (error.code === 'DUPLICATE_KEY') {
    const key = path[path.length - 1];
    return {
      code: 'duplicate-key',
      severity: 'error',
      file: document.name,
      line: position.line,
      column: position.col,
      path: formatPath(path),
      message: key === undefined ? text : `key ${JSON.stringify(String(key))} is declared twice in this mapping`,
    };
  }
  return {
    code: 'yaml-syntax',
    severity: 'error',
    file: document.name,
    line: position.line,
    column: position.col,
    path: formatPath(path),
    message: `invalid YAML: ${text}`,
  };
}

/** YAML 1.1 documents turn `2026-10-01` into a Date; the format wants the date as written. */
function datesToStrings(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(datesToStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, datesToStrings(inner)]));
  }
  return value;
}

/** The text of a map key as the data model sees it. */
export function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** A node and, for a map entry, its key node. */
export interface FoundNode {
  readonly node: Node | null;
  readonly keyNode?: Node;
}

/**
 * Walks `path` from the root. Returns the deepest node reached and whether the whole path exists, so a
 * missing key can be reported at its parent.
 */
export function walkPath(doc: Document, path: DocumentPath): { readonly found: FoundNode; readonly complete: boolean } {
  let current: FoundNode = { node: doc.contents as Node | null };
  for (const segment of path) {
    const node = resolveAlias(doc, current.node);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) return { found: current, complete: false };
      current = { node: (pair.value as Node | null) ?? null, keyNode: pair.key as Node };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) return { found: current, complete: false };
      current = { node: item };
    } else {
      return { found: current, complete: false };
    }
  }
  return { found: current, complete: true };
}

function resolveAlias(doc: Document, node: Node | null): Node | null {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return node;
}

/** The node at `path`, or undefined when the path does not exist. */
export function nodeAt(document: { readonly doc: Document }, path: DocumentPath): FoundNode | undefined {
  const { found, complete } = walkPath(document.doc, path);
  return complete ? found : undefined;
}

/**
 * Where `path` is declared. `key` points at the key node (unknown keys, names); `value` at the value,
 * falling back to the key when the value is empty. A path that does not exist is located at its
 * deepest existing ancestor.
 */
export function locate(
  document: Pick<BaselineDocument, 'name' | 'doc' | 'lineCounter'>,
  path: DocumentPath,
  target: 'key' | 'value' = 'value',
): DeclarationLocation {
  const { found } = walkPath(document.doc, path);
  const valueStart = rangeStart(found.node);
  const keyStart = rangeStart(found.keyNode ?? null);
  const valueIsEmpty = isScalar(found.node) && found.node.value === null && (found.node.source ?? '') === '';
  const offset = target === 'key' || valueIsEmpty ? (keyStart ?? valueStart) : (valueStart ?? keyStart);
  if (offset === undefined) return { file: document.name, line: 1, column: 1 };
  const position = document.lineCounter.linePos(offset);
  return { file: document.name, line: position.line, column: position.col };
}

function rangeStart(node: Node | null): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

/** The path of the deepest node whose range holds `offset` (for locating YAML errors by path). */
export function pathAtOffset(doc: Document, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let node = doc.contents as ParsedNode | null;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const start = rangeStart(item.key as Node) ?? Number.POSITIVE_INFINITY;
        const end = (item.value as ParsedNode | null)?.range?.[2] ?? (item.key as ParsedNode | null)?.range?.[2] ?? start;
        return offset >= start && offset <= end;
      });
      if (pair === undefined) return path;
      path.push(keyText(pair.key));
      node = pair.value as ParsedNode | null;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => {
        const range = (item as ParsedNode | null)?.range;
        return range !== undefined && offset >= range[0] && offset <= range[2];
      });
      if (index < 0) return path;
      path.push(index);
      node = node.items[index] as ParsedNode | null;
    } else {
      return path;
    }
  }
}

const PLAIN_SEGMENT = /^[^.[\]\s"]+$/;

/** Renders a path as `settings.DB_TIMEOUT.type`, `exceptions[0].expires` or `settings["db.timeout"]`. */
export function formatPath(path: DocumentPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_SEGMENT.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
