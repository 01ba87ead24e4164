import { isMap, isScalar, isSeq, parseDocument, type Scalar, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import { z } from 'zod';
import type { Baseline, BaselineEdit, Constraints } from '../model.js';
import { keyText, nodeAt, YAML_PARSE_OPTIONS, type DocumentPath } from './baseline-document.js';
import type { BaselineFile } from './baseline-file.js';
import { BaselineEditError } from './baseline-edit-error.js';
import { detectSecret } from '../secrets/detect-secret.js';
import { describeSecretFormat } from '../secrets/secret-format.js';
import { optsOutOfDetection } from '../secrets/setting-secrecy.js';
import { settingFor } from '../analyse/setting-for.js';
import { baselineFileSchema } from './baseline-schema.js';
import { renderPreservingLayout } from './render-preserving-layout.js';
import { schemasAt } from './schemas-at.js';

export { BaselineEditError, type BaselineEditErrorCode } from './baseline-edit-error.js';

type EditValue = string | number | boolean | null | Record<string, string | number | boolean>;

interface OpenDocument {
  readonly file: BaselineFile;
  readonly doc: Document.Parsed;
}

const SECTIONS = new Set(Object.keys(baselineFileSchema.shape));
const SCOPES = ['environments', 'tiers'] as const;

/**
 * Applies one structural edit (`baseline accept`) to the file it belongs in and returns that file's
 * new text; the other files are untouched. Comments and layout are kept: only the lines the edit
 * changes are rewritten.
 *
 * The file is `edit.file` when given, else the file declaring `settings.<KEY>` (or
 * `expected_differences.<KEY>`), else the file holding the top-level section, else the first file.
 * Two redirections keep the result valid and tidy: an expected difference already declared under
 * `expected_differences` (or a key declared only there) is edited there rather than declared a second
 * time under `settings.KEY.environments`, and the other way round. Missing mappings on the way are created, and
 * a `KEY: value` shorthand becomes `KEY: { value: ... }` when a sub-key must be added. Values are
 * written as the schema wants them (`secret: 'true'` becomes the boolean `true`).
 *
 * @throws {BaselineEditError} when the target file is not valid YAML, the path is not part of the
 *   format, or the edit would write a secret's value (a secret setting's, or any secret-shaped one).
 */
export function applyBaselineEdit(files: readonly BaselineFile[], baseline: Baseline, edit: BaselineEdit): BaselineFile {
  const op = edit.op ?? (edit.value === undefined ? 'delete' : 'set');
  const documents = files.map((file) => ({ file, doc: parseDocument(file.text, YAML_PARSE_OPTIONS) }));
  if (documents.length === 0) throw new BaselineEditError('unknown-file', 'cannot edit the baseline: it has no file');
  const section = edit.path[0];
  if (section === undefined || !SECTIONS.has(section)) {
    throw new BaselineEditError(
      'invalid-path',
      `cannot edit ${edit.path.join('.') || 'the baseline root'}: expected a path starting with one of ${[...SECTIONS].join(', ')}`,
    );
  }

  const redirected = redirectExpectedDifference(edit.path, documents);
  const path = redirected?.path ?? edit.path;
  const target = redirected?.document ?? chooseDocument(documents, baseline, edit, path);
  if (target.doc.errors.length > 0) {
    throw new BaselineEditError(
      'yaml-syntax',
      `cannot edit ${target.file.name}: it is not valid YAML (${target.doc.errors[0]?.message.split('\n')[0] ?? 'unknown error'})`,
    );
  }
  refuseSecretValue(baseline, path, op, edit.value);

  const doc = target.doc;
  if (op === 'delete') {
    if (!deleteAt(doc, path)) return target.file;
  } else if (op === 'append') {
    appendAt(doc, path, coerce([...path, 0], edit.value ?? null));
  } else {
    setAt(doc, path, coerce(path, edit.value ?? null, declaredTypeAt(baseline, path)));
  }
  return { name: target.file.name, text: renderPreservingLayout(target.file.text, doc) };
}

function chooseDocument(documents: readonly OpenDocument[], baseline: Baseline, edit: BaselineEdit, path: readonly string[]): OpenDocument {
  if (edit.file !== undefined) {
    const named = documents.find((document) => document.file.name === edit.file);
    if (named === undefined) {
      throw new BaselineEditError(
        'unknown-file',
        `cannot edit ${edit.file}: the baseline has no such file (it has ${documents.map((document) => document.file.name).join(', ')})`,
      );
    }
    return named;
  }
  const { base, inner, application } = splitApplication(path);
  const [section, key] = inner;
  if (key !== undefined && (section === 'settings' || section === 'expected_differences')) {
    const declaring =
      documents.find((document) => has(document.doc, [...base, 'settings', key])) ??
      documents.find((document) => has(document.doc, [...base, 'expected_differences', key]));
    if (declaring !== undefined) return declaring;
    const located = settingFor(baseline, key, application)?.location?.file;
    const byLocation = documents.find((document) => document.file.name === located);
    if (byLocation !== undefined) return byLocation;
  }
  // A new setting of an application goes where the application is declared.
  const declaringApplication = base.length === 0 ? undefined : documents.find((document) => has(document.doc, base));
  if (declaringApplication !== undefined) return declaringApplication;
  const [top] = path;
  return documents.find((document) => top !== undefined && has(document.doc, [top])) ?? (documents[0] as OpenDocument);
}

/**
 * `settings.K.environments.N` and `expected_differences.K.N` declare the same thing; declaring both is
 * an error, so an edit of one goes where the other already is.
 */
function redirectExpectedDifference(
  path: readonly string[],
  documents: readonly OpenDocument[],
): { readonly path: readonly string[]; readonly document: OpenDocument } | undefined {
  const { base, inner } = splitApplication(path);
  const [section, key, scope, name] = inner;
  if (section === 'settings' && key !== undefined && inner.length === 4 && (scope === 'environments' || scope === 'tiers') && name !== undefined) {
    const elsewhere = [...base, 'expected_differences', key, name];
    const document = documents.find((candidate) => has(candidate.doc, elsewhere));
    if (document !== undefined) return { path: elsewhere, document };
    // A key whose differences are all declared in expected_differences keeps them together there.
    const onlyDifferences =
      !documents.some((candidate) => has(candidate.doc, [...base, 'settings', key])) &&
      documents.find((candidate) => has(candidate.doc, [...base, 'expected_differences', key]));
    return onlyDifferences ? { path: elsewhere, document: onlyDifferences } : undefined;
  }
  if (section === 'expected_differences' && key !== undefined && inner.length === 3 && scope !== undefined) {
    for (const candidateScope of SCOPES) {
      const elsewhere = [...base, 'settings', key, candidateScope, scope];
      const document = documents.find((candidate) => has(candidate.doc, elsewhere));
      if (document !== undefined) return { path: elsewhere, document };
    }
  }
  return undefined;
}

/**
 * Refuses to write a value for a secret setting, shared (`settings.KEY...`) or of one application
 * (`applications.APP.settings.KEY...`): secrets are audited by presence only.
 */
function refuseSecretValue(baseline: Baseline, path: readonly string[], op: string, value: BaselineEdit['value']): void {
  if (op === 'delete' || value === null || value === undefined) return;
  const { inner, application } = splitApplication(path);
  refuseSecretShapedValue(baseline, path, inner, application, value);
  const [section, key, field] = inner;
  if (key === undefined || settingFor(baseline, key, application)?.secret !== true) return;
  const writesValue =
    section === 'expected_differences' ||
    (section === 'settings' && (field === 'value' || field === 'environments' || field === 'tiers' || field === 'enum' || field === 'pattern'));
  if (writesValue) {
    throw new BaselineEditError('secret-value', `cannot write ${path.join('.')}: ${key} is secret, and secrets are audited by presence only`);
  }
}

/**
 * Refuses to write a value whose shape is secret (a password in a URL, a token, a private key; see
 * `detectSecret`), whatever its key: the engine never shows such a value, and git must never hold
 * it. The message says how to declare the key instead and never repeats the value. A key the
 * baseline declares `secret: false` explicitly has said its values are not secret.
 */
function refuseSecretShapedValue(
  baseline: Baseline,
  path: readonly string[],
  inner: readonly string[],
  application: string | undefined,
  value: NonNullable<BaselineEdit['value']>,
): void {
  const record = typeof value === 'object' ? value : undefined;
  const text = record === undefined ? (value as string) : record['value'];
  const key = record === undefined ? inner[1] : (record['key'] ?? inner[1]);
  if (text === undefined || key === undefined || optsOutOfDetection(settingFor(baseline, key, application))) return;
  const format = detectSecret(text);
  if (format === undefined) return;
  // Where the edit writes: an application's settings, or the shared ones.
  const where = (application === undefined ? ['settings', key] : ['applications', application, 'settings', key]).join('.');
  throw new BaselineEditError(
    'secret-value',
    `cannot write ${path.join('.')}: the value looks like ${describeSecretFormat(format)}, and a secret is never written to the baseline; ` +
      `declare ${where}.secret: true instead (${key} is then audited by presence only), ` +
      `or ${where}.secret: false if the value is not secret`,
  );
}

function has(doc: Document, path: DocumentPath): boolean {
  return nodeAt({ doc }, path) !== undefined;
}

/**
 * Writes `value` the way the schema accepts it at `path`: booleans and numbers where no string is
 * allowed; and a setting's value as its declared `type` says (`integer`: `120`, not `"120"`).
 */
function coerce(path: DocumentPath, value: NonNullable<BaselineEdit['value']> | null, declared?: DeclaredType): EditValue {
  if (value === null) return null;
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, coerceScalar([...path, field], inner)]));
  }
  return coerceScalar(path, value, declared);
}

type DeclaredType = NonNullable<Constraints['type']>;

/** Paths whose scalar is a value of a setting (shared or an application's): its value and its expected differences. */
function declaredTypeAt(baseline: Baseline, path: readonly string[]): DeclaredType | undefined {
  const { inner, application } = splitApplication(path);
  const [section, key, field] = inner;
  if (key === undefined) return undefined;
  const holdsValue =
    (section === 'settings' &&
      (inner.length === 2 || (inner.length === 3 && field === 'value') || (inner.length === 4 && (field === 'environments' || field === 'tiers')))) ||
    (section === 'expected_differences' && inner.length === 3);
  return holdsValue ? settingFor(baseline, key, application)?.constraints.type : undefined;
}

/**
 * The YAML scalar for a value of a setting of `type`: a number when the text is exactly how that
 * number is written (`010` or `1.50` stay strings, so they read back as written), a boolean for
 * `true`/`false`; the text otherwise. Both read back as the same string: the scalar's kind only
 * says to the reader what the setting holds.
 */
function typedScalar(value: string, type: DeclaredType | undefined): string | number | boolean | undefined {
  if ((type === 'integer' || type === 'number') && value.trim() === value && value !== '' && String(Number(value)) === value) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return undefined;
}

function coerceScalar(path: DocumentPath, value: string, declared?: DeclaredType): string | number | boolean {
  const typed = typedScalar(value, declared);
  if (typed !== undefined) return typed;
  const schemas = schemasAt(baselineFileSchema, path);
  const acceptsString = schemas.length === 0 || schemas.some((schema) => schema instanceof z.ZodString || schema instanceof z.ZodEnum);
  if (acceptsString) return value;
  if (schemas.some((schema) => schema instanceof z.ZodBoolean) && (value === 'true' || value === 'false')) return value === 'true';
  const acceptsNumber = schemas.some((schema) => schema instanceof z.ZodNumber || schema instanceof z.ZodLiteral);
  if (acceptsNumber && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

type Container = YAMLMap | YAMLSeq;

function root(doc: Document): Container {
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    doc.contents = new YAMLMap() as unknown as typeof doc.contents;
  }
  if (!isMap(doc.contents)) throw new BaselineEditError('invalid-path', 'cannot edit a baseline file whose root is not a mapping');
  return doc.contents;
}

function child(container: Container, segment: string): { readonly node: unknown; readonly exists: boolean } {
  if (isMap(container)) {
    const pair = container.items.find((item) => keyText(item.key) === segment);
    return { node: pair?.value ?? null, exists: pair !== undefined };
  }
  const index = Number(segment);
  return { node: container.items[index] ?? null, exists: Number.isInteger(index) && index >= 0 && index < container.items.length };
}

function putChild(doc: Document, container: Container, segment: string, node: Node): void {
  if (isMap(container)) {
    const pair = container.items.find((item) => keyText(item.key) === segment);
    if (pair === undefined) container.items.push(doc.createPair(segment, node));
    else pair.value = node;
    return;
  }
  const index = Number(segment);
  if (!Number.isInteger(index) || index < 0 || index > container.items.length) {
    throw new BaselineEditError('invalid-path', `cannot edit item ${segment}: the list has ${container.items.length} items`);
  }
  container.items[index] = node;
}

/** Walks to the parent of the last segment, creating mappings and expanding a shorthand on the way. */
function parentOf(doc: Document, path: readonly string[]): Container {
  let container = root(doc);
  for (let depth = 0; depth < path.length - 1; depth += 1) {
    const segment = path[depth] as string;
    const { node } = child(container, segment);
    if (isMap(node) || isSeq(node)) {
      container = node;
      continue;
    }
    const map = new YAMLMap();
    if (isScalar(node) && node.value !== null) {
      // `KEY: value` is shorthand for `KEY: { value: value }`: the only scalar the format lets grow keys.
      if (!(depth === 1 && path[0] === 'settings')) {
        throw new BaselineEditError('invalid-path', `cannot edit ${path.join('.')}: ${path.slice(0, depth + 1).join('.')} is not a mapping`);
      }
      map.items.push(doc.createPair('value', node));
    }
    putChild(doc, container, segment, map);
    container = map;
  }
  return container;
}

function setAt(doc: Document, path: readonly string[], value: EditValue): void {
  const container = parentOf(doc, path);
  const last = path[path.length - 1] as string;
  const existing = child(container, last).node;
  if (isScalar(existing) && (value === null || typeof value !== 'object')) {
    replaceScalar(doc, container, last, existing, value);
    return;
  }
  putChild(doc, container, last, doc.createNode(value) as Node);
}

/** Changes a scalar in place when its kind stays the same, so comments attached to it survive. */
function replaceScalar(doc: Document, container: Container, segment: string, existing: Scalar, written: string | number | boolean | null): void {
  const value = keepKind(existing.value, written);
  if (existing.value === null || typeof existing.value === typeof value) {
    existing.value = value;
    if (typeof value === 'string' && value.includes('\n') === false && (existing.type === 'BLOCK_LITERAL' || existing.type === 'BLOCK_FOLDED')) {
      delete existing.type;
    }
    delete existing.source;
    return;
  }
  const replacement = doc.createNode(value) as Scalar;
  if (existing.comment !== undefined) replacement.comment = existing.comment;
  if (existing.commentBefore !== undefined) replacement.commentBefore = existing.commentBefore;
  if (existing.spaceBefore !== undefined) replacement.spaceBefore = existing.spaceBefore;
  putChild(doc, container, segment, replacement);
}

/**
 * `40` replaced by the string `"25"` is written `25`, not `"25"`: the file keeps looking as it was
 * written, and both read back as the string "25". Only when the text survives the round trip exactly
 * (`1.50` stays a string, since a number would be written `1.5`).
 */
function keepKind(previous: unknown, value: string | number | boolean | null): string | number | boolean | null {
  if (typeof value !== 'string') return value;
  if (typeof previous === 'number' && value.trim() !== '' && String(Number(value)) === value) return Number(value);
  if (typeof previous === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function appendAt(doc: Document, path: readonly string[], value: EditValue): void {
  const container = parentOf(doc, path);
  const last = path[path.length - 1] as string;
  const existing = child(container, last).node;
  if (isSeq(existing)) {
    // `[]` is the only way YAML writes an empty list, so it says nothing about the style wanted:
    // the list grows as a block, like the rest of the format's lists of mappings.
    if (existing.items.length === 0) existing.flow = false;
    existing.items.push(doc.createNode(value) as Node);
    return;
  }
  if (existing !== null && !(isScalar(existing) && existing.value === null)) {
    throw new BaselineEditError('not-a-sequence', `cannot append to ${path.join('.')}: it is not a list`);
  }
  const seq = new YAMLSeq();
  seq.items.push(doc.createNode(value) as Node);
  putChild(doc, container, last, seq);
}

/** Deletes the node at `path`, then mappings left empty below the entry level. False when absent. */
function deleteAt(doc: Document, path: readonly string[]): boolean {
  if (!has(doc, toDocumentPath(doc, path))) return false;
  doc.deleteIn(toDocumentPath(doc, path));
  // settings.KEY stays even when emptied (it still declares the key); deeper empty maps go, and so
  // does an expected_differences.KEY left with no entry.
  const { base, inner } = splitApplication(path);
  const floor = base.length + (inner[0] === 'expected_differences' ? 2 : 3);
  for (let depth = path.length - 1; depth >= floor; depth -= 1) {
    const parentPath = toDocumentPath(doc, path.slice(0, depth));
    const node = nodeAt({ doc }, parentPath)?.node;
    if (!(isMap(node) || isSeq(node)) || node.items.length > 0) break;
    doc.deleteIn(parentPath);
  }
  return true;
}

/** Turns list indexes written as strings into numbers, as yaml's path API expects. */
function toDocumentPath(doc: Document, path: readonly string[]): (string | number)[] {
  const out: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isSeq(node)) {
      const index = Number(segment);
      out.push(index);
      node = node.items[index];
    } else {
      out.push(segment);
      node = isMap(node) ? node.items.find((item) => keyText(item.key) === segment)?.value : undefined;
    }
  }
  return out;
}

/**
 * An application's settings are addressed as `applications.APP.settings...` (and
 * `applications.APP.expected_differences...`): the same shapes as the shared sections, one level down.
 * `inner` is the path from there, `base` what comes before it (empty for a shared path).
 */
function splitApplication(path: readonly string[]): { readonly base: readonly string[]; readonly inner: readonly string[]; readonly application?: string } {
  const [section, application, sub] = path;
  if (section === 'applications' && application !== undefined && (sub === 'settings' || sub === 'expected_differences')) {
    return { base: path.slice(0, 2), inner: path.slice(2), application };
  }
  return { base: [], inner: path };
}
