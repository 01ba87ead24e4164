import { isSeq } from 'yaml';
import { acceptTarget } from '../analyse/accept-target.js';
import { applyBaselineEdit } from '../baseline/apply-baseline-edit.js';
import { locate, nodeAt, readBaselineDocument } from '../baseline/baseline-document.js';
import type { BaselineFile } from '../baseline/baseline-file.js';
import { formatBaselineIssue } from '../baseline/baseline-issue.js';
import { parseBaseline } from '../baseline/parse-baseline.js';
import type { Baseline, BaselineEdit, ExceptionSpec } from '../model.js';
import type { AcceptChange } from './accept-change.js';
import { AcceptError } from './accept-error.js';
import { settingFor } from '../analyse/setting-for.js';
import { valuesFileEdits } from '../baseline/values-files/accept-into-values.js';

/** One change as written: the structural edit and the file it went to. */
export interface AppliedChange {
  readonly change: AcceptChange;
  readonly edit: BaselineEdit;
  readonly file: string;
}

/** The baseline after the changes: every file (edited or not), re-parsed, and what was written where. */
export interface AppliedChanges {
  readonly files: readonly BaselineFile[];
  readonly baseline: Baseline;
  readonly applied: readonly AppliedChange[];
}

const ORDER: Readonly<Record<AcceptChange['kind'], number>> = {
  declare: 0,
  'declare-secret': 0,
  'extend-exception': 1,
  'remove-exception': 2,
  'add-exception': 3,
};

/**
 * Writes the changes into the baseline files, one structural edit each (`applyBaselineEdit`:
 * comments and layout kept), re-parsing after every edit so the next one sees the baseline as it now
 * is (a setting declared a moment ago is edited where it was declared).
 *
 * Exceptions are addressed by list index, worked out once on the files as read: declarations touch
 * no exception, extensions move none, removals go last-first within a file and additions at the end,
 * so every index stays right. Changes shared by several findings (one tier declaration, one removed
 * exception) are written once.
 *
 * @throws {AcceptError} `invalid-baseline` when an edit would leave the baseline invalid (nothing is
 *   written: the caller holds the files). {BaselineEditError} when an edit cannot be made at all.
 */
export function applyAcceptChanges(files: readonly BaselineFile[], baseline: Baseline, changes: readonly AcceptChange[]): AppliedChanges {
  const unique = uniqueChanges(changes);
  const indexes = new Map<ExceptionSpec, { file: string; index: number }>();
  for (const change of unique) {
    if (change.kind === 'remove-exception' || change.kind === 'extend-exception') indexes.set(change.exception, exceptionIndex(files, change.exception));
  }
  const ordered = [...unique].sort(
    (a, b) =>
      ORDER[a.kind] - ORDER[b.kind] || (a.kind === 'remove-exception' && b.kind === 'remove-exception' ? removalOrder(indexes, a.exception, b.exception) : 0),
  );

  let current = { files: [...files], baseline };
  const applied: AppliedChange[] = [];
  for (const change of ordered) {
    const edit = editFor(change, current.baseline, indexes);
    // A key whose expected value a values file holds is accepted in that file, not in the baseline.
    const values = change.kind === 'declare' ? valuesFileEdits(change, current.baseline, current.files) : undefined;
    const edits = values ?? [applyBaselineEdit(current.files, current.baseline, edit)];
    const next = current.files.map((file) => edits.find((edited) => edited.name === file.name) ?? file);
    const edited = edits[0] as BaselineFile;
    const parsed = parseBaseline(next);
    if (!parsed.ok) {
      const lines = parsed.issues.map((issue) => `  ${formatBaselineIssue(issue)}`).join('\n');
      throw new AcceptError('invalid-baseline', `accepting would make the baseline invalid; nothing was written:\n${lines}`);
    }
    current = { files: next, baseline: parsed.baseline };
    applied.push({ change, edit, file: edited.name });
  }
  return { files: current.files, baseline: current.baseline, applied };
}

function editFor(change: AcceptChange, baseline: Baseline, indexes: ReadonlyMap<ExceptionSpec, { file: string; index: number }>): BaselineEdit {
  switch (change.kind) {
    case 'declare': {
      const setting = settingFor(baseline, change.key, change.application);
      const file = setting?.location?.file;
      return {
        path: acceptTarget(change, change.scope, setting),
        value: change.state,
        op: 'set',
        ...(file === undefined ? {} : { file }),
      };
    }
    case 'declare-secret': {
      const setting = settingFor(baseline, change.key, change.application);
      return { path: [...acceptTarget(change, 'setting', setting), 'secret'], value: 'true', op: 'set' };
    }
    case 'extend-exception': {
      const at = indexes.get(change.exception) as { file: string; index: number };
      return { path: ['exceptions', String(at.index), 'expires'], value: change.expires, op: 'set', file: at.file };
    }
    case 'remove-exception': {
      const at = indexes.get(change.exception) as { file: string; index: number };
      return { path: ['exceptions', String(at.index)], value: undefined, op: 'delete', file: at.file };
    }
    case 'add-exception':
      return {
        path: ['exceptions'],
        value: {
          key: change.key,
          environment: change.environment,
          value: change.value,
          owner: change.owner,
          reason: change.reason,
          expires: change.expires,
        },
        op: 'append',
      };
  }
}

/** Where an exception is: its file, and its position in that file's `exceptions` list (by its declared location). */
function exceptionIndex(files: readonly BaselineFile[], exception: ExceptionSpec): { file: string; index: number } {
  const location = exception.location;
  const file = files.find((candidate) => candidate.name === location?.file);
  if (location !== undefined && file !== undefined) {
    const document = readBaselineDocument(file);
    const list = nodeAt(document, ['exceptions'])?.node;
    if (isSeq(list)) {
      for (let index = 0; index < list.items.length; index += 1) {
        const at = locate(document, ['exceptions', index], 'value');
        if (at.line === location.line && at.column === location.column) return { file: file.name, index };
      }
    }
  }
  throw new AcceptError(
    'invalid-baseline',
    `cannot find the exception for ${exception.key} (owner ${exception.owner}, expires ${exception.expires}) in the baseline files`,
  );
}

// Removals within one file go from the last index to the first, so earlier indexes stay valid.
function removalOrder(indexes: ReadonlyMap<ExceptionSpec, { file: string; index: number }>, a: ExceptionSpec, b: ExceptionSpec): number {
  const at = indexes.get(a);
  const bt = indexes.get(b);
  if (at === undefined || bt === undefined) return 0;
  return at.file < bt.file ? -1 : at.file > bt.file ? 1 : bt.index - at.index;
}

/**
 * Changes by identity, the same exception's removal or extension once, one declaration per place.
 * Two findings can ask for one place only with one state (one audit has one live state per key and
 * environment), so a second declaration of a place is the same declaration.
 */
function uniqueChanges(changes: readonly AcceptChange[]): AcceptChange[] {
  const seen = new Set<unknown>();
  const out: AcceptChange[] = [];
  for (const change of changes) {
    const identity = changeIdentity(change);
    if (seen.has(identity)) continue;
    seen.add(identity);
    out.push(change);
  }
  return out;
}

/** What makes two changes the same change: the place a declaration writes, the exception removed or extended. */
export function changeIdentity(change: AcceptChange): unknown {
  switch (change.kind) {
    case 'declare':
      return `${change.application ?? ''}\u0000${change.key}\u0000${change.scope}\u0000${change.scope === 'tier' ? (change.tier ?? '') : change.environment}`;
    case 'remove-exception':
    case 'extend-exception':
      return change.exception;
    case 'declare-secret':
      return `secret\u0000${change.application ?? ''}\u0000${change.key}`;
    case 'add-exception':
      return change;
  }
}
