// Which baseline file an edit goes to, and where in it when the same thing can be declared in two places.
import type { Document } from 'yaml';
import type { Baseline, BaselineEdit } from '../model.js';
import { settingFor } from '../analyse/setting-for.js';
import { BaselineEditError } from './baseline-edit-error.js';
import { has, splitApplication } from './baseline-edit-paths.js';
import type { BaselineFile } from './baseline-file.js';

/** A baseline file and its parsed document. */
export interface OpenDocument {
  readonly file: BaselineFile;
  readonly doc: Document.Parsed;
}

const SCOPES = ['environments', 'tiers'] as const;

/** The file an edit of `path` belongs in: see `applyBaselineEdit`. */
export function chooseDocument(documents: readonly OpenDocument[], baseline: Baseline, edit: BaselineEdit, path: readonly string[]): OpenDocument {
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
export function redirectExpectedDifference(
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
