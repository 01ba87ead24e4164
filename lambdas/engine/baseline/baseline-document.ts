import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type ParsedNode, type YAMLError, type YAMLMap } from 'yaml';
import type { DeclarationLocation } from '../model.js';
import type { BaselineFile } from './baseline-file.js';
import type { BaselineIssue, BaselineIssueCode } from './baseline-issue.js';
import { BASELINE_LIMITS, type BaselineLimits } from './baseline-limits.js';
import { checkAliases, nestingMessage } from './check-aliases.js';
import { countYamlNodes } from './count-yaml-nodes.js';
import { findDuplicateKeys, type DuplicateKey } from './find-duplicate-keys.js';
import { findTooDeep } from './find-too-deep.js';

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
  /** Nodes the file holds, counting what its aliases repeat: its share of `BASELINE_LIMITS.nodes`. */
  readonly nodes: number;
}

/** Parser options shared by reading and editing, so an edit sees the document the parser saw. */
export const YAML_PARSE_OPTIONS = { prettyErrors: true, uniqueKeys: true, strict: true } as const;

/**
 * Reading checks duplicate keys itself, in one pass (`findDuplicateKeys`): the package's check is
 * quadratic in the size of a mapping. It does not change the document: the package keeps every pair
 * either way.
 */
const READ_OPTIONS = { ...YAML_PARSE_OPTIONS, uniqueKeys: false } as const;

/** Options of {@link readBaselineDocument}. */
export interface ReadBaselineDocumentOptions {
  /** @default BASELINE_LIMITS */
  readonly limits?: BaselineLimits;
  /** Nodes the files read before this one leave of `limits.nodes`. @default limits.nodes */
  readonly nodeBudget?: number;
}

/**
 * Parses one file, keeping node ranges. Duplicate keys are reported but leave the file readable (the
 * rest of it can still be checked); any other YAML error makes it unreadable.
 *
 * A file past a limit (`BASELINE_LIMITS`) is unreadable too, with one located issue, and is refused
 * as early as can be told: nodes are counted by the lexer before a tree is built, nesting is measured
 * on the syntax tree before the document is composed from it, aliases are checked on the document
 * before it becomes data. Byte sizes are checked by the caller, before any of this.
 */
export function readBaselineDocument(file: BaselineFile, options: ReadBaselineDocumentOptions = {}): BaselineDocument {
  const limits = options.limits ?? BASELINE_LIMITS;
  const budget = options.nodeBudget ?? limits.nodes;
  const counted = countYamlNodes(file.text, budget);
  if (counted.overAt !== undefined) {
    const limit = limits.nodes.toLocaleString('en');
    const message = `the baseline passes ${limit} YAML nodes (keys, values and list items, all its files together) here; a baseline may hold at most ${limit}`;
    return refused(file, counted.overAt, message, counted.nodes);
  }
  const deep = findTooDeep(file.text, limits.depth);
  if (deep !== undefined) return refused(file, deep, nestingMessage(limits.depth + 1, limits.depth), counted.nodes);

  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { ...READ_OPTIONS, lineCounter });
  const partial = { name: file.name, doc, lineCounter };
  const issues: BaselineIssue[] = doc.errors.map((error) => yamlErrorToIssue(partial, error));
  let readable = doc.errors.length === 0;
  // Duplicates leave the file readable: the rest of it can still be checked.
  for (const duplicate of findDuplicateKeys(doc)) issues.push(duplicateKeyIssue(partial, duplicate));
  let nodes = counted.nodes;
  if (readable) {
    const aliases = checkAliases(doc, { aliases: limits.aliases, depth: limits.depth, repeatedNodes: budget - nodes, nodes: limits.nodes });
    nodes += aliases.repeatedNodes;
    if (aliases.problem !== undefined) {
      readable = false;
      issues.push(issueAtOffset(partial, aliases.problem.offset, aliases.problem.code, aliases.problem.message));
    }
  }
  let data: unknown;
  if (readable) {
    try {
      // The alias limits were checked above, with positions; the package's own check stays as a backstop.
      data = datesToStrings(doc.toJS({ maxAliasCount: limits.aliases }));
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
  return { name: file.name, text: file.text, doc, lineCounter, data, issues, readable, nodes };
}

/** An unreadable document for a file refused before it was composed, with the one issue that says why. */
function refused(file: BaselineFile, offset: number, message: string, nodes: number): BaselineDocument {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let index = file.text.indexOf('\n'); index >= 0 && index < offset; index = file.text.indexOf('\n', index + 1)) {
    lineCounter.addNewLine(index + 1);
  }
  // An empty document stands in for the one never built, so callers that walk documents need no case for it.
  const doc = parseDocument('', READ_OPTIONS);
  const position = lineCounter.linePos(offset);
  const issue: BaselineIssue = {
    code: 'limit-exceeded',
    severity: 'error',
    file: file.name,
    line: position.line,
    column: position.col,
    path: '',
    message,
  };
  return { name: file.name, text: file.text, doc, lineCounter, data: undefined, issues: [issue], readable: false, nodes };
}

/** An issue at a text offset, with the path of the deepest node there. */
function issueAtOffset(
  document: Pick<BaselineDocument, 'name' | 'doc' | 'lineCounter'>,
  offset: number,
  code: BaselineIssueCode,
  message: string,
): BaselineIssue {
  const position = document.lineCounter.linePos(offset);
  return {
    code,
    severity: 'error',
    file: document.name,
    line: position.line,
    column: position.col,
    path: formatPath(pathAtOffset(document.doc, offset)),
    message,
  };
}

function duplicateKeyIssue(document: Pick<BaselineDocument, 'name' | 'doc' | 'lineCounter'>, duplicate: DuplicateKey): BaselineIssue {
  const first = document.lineCounter.linePos(duplicate.firstOffset);
  return {
    ...issueAtOffset(document, duplicate.offset, 'duplicate-key', `key ${JSON.stringify(duplicate.key)} is declared twice in this mapping`),
    related: [{ file: document.name, line: first.line, column: first.col }],
  };
}

function yamlErrorToIssue(document: Pick<BaselineDocument, 'name' | 'doc' | 'lineCounter'>, error: YAMLError): BaselineIssue {
  const position = error.linePos?.[0] ?? document.lineCounter.linePos(error.pos[0]);
  // prettyErrors appends " at line N, column M:" and a source excerpt; the position is reported apart.
  const text = error.message.split(/ at line \d+, column \d+/)[0] ?? error.message;
  const path = pathAtOffset(document.doc, error.pos[0]);
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
      const pair = pairIndex(node).get(String(segment));
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

type AnyPair = YAMLMap['items'][number];

/** Each mapping's first pair per key, built once and rebuilt when the mapping's items change. */
const pairIndexes = new WeakMap<YAMLMap, { readonly items: readonly AnyPair[]; readonly length: number; readonly byKey: Map<string, AnyPair> }>();

/**
 * The pairs of `map` by key. Locating every declaration of a baseline walks a path per declaration, and
 * a linear search of `settings` per step made that quadratic: minutes for tens of thousands of settings.
 * Edits add and remove pairs through `items`, which changes its length (or replaces the array), and
 * that rebuilds the index.
 */
function pairIndex(map: YAMLMap): Map<string, AnyPair> {
  const known = pairIndexes.get(map);
  if (known !== undefined && known.items === map.items && known.length === map.items.length) return known.byKey;
  const byKey = new Map<string, AnyPair>();
  for (const pair of map.items) {
    const key = keyText(pair.key);
    if (!byKey.has(key)) byKey.set(key, pair);
  }
  pairIndexes.set(map, { items: map.items, length: map.items.length, byKey });
  return byKey;
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
