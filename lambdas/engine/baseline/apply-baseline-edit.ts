import { parseDocument } from 'yaml';
import type { Baseline, BaselineEdit } from '../model.js';
import { YAML_PARSE_OPTIONS } from './baseline-document.js';
import type { BaselineFile } from './baseline-file.js';
import { BaselineEditError } from './baseline-edit-error.js';
import { baselineFileSchema } from './baseline-schema.js';
import { chooseDocument, redirectExpectedDifference } from './choose-edit-document.js';
import { coerce, declaredTypeAt, refuseSecretValue } from './edit-value-rules.js';
import { renderPreservingLayout } from './render-preserving-layout.js';
import { appendAt, deleteAt, setAt } from './yaml-tree-edits.js';

export { BaselineEditError, type BaselineEditErrorCode } from './baseline-edit-error.js';

const SECTIONS = new Set(Object.keys(baselineFileSchema.shape));

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
