import type { DeclarationLocation } from '../model.js';
import { formatPath, locate, type BaselineDocument, type DocumentPath } from './baseline-document.js';
import type { BaselineIssue, BaselineIssueCode } from './baseline-issue.js';

/** Optional parts of an issue. */
export interface IssueExtras {
  readonly severity?: 'error' | 'warning';
  /** Locate the key node rather than the value (unknown keys, names, duplicates). */
  readonly target?: 'key' | 'value';
  /** Where to point when it differs from `path` (a missing key is shown at its parent). */
  readonly at?: DocumentPath;
  readonly expected?: string | undefined;
  readonly suggestion?: string | undefined;
  readonly related?: readonly DeclarationLocation[] | undefined;
}

/** Builds a located issue for `path` in `document`. */
export function issueAt(document: BaselineDocument, path: DocumentPath, code: BaselineIssueCode, message: string, extras: IssueExtras = {}): BaselineIssue {
  const location = locate(document, extras.at ?? path, extras.target ?? 'value');
  return {
    code,
    severity: extras.severity ?? 'error',
    file: location.file,
    line: location.line,
    column: location.column,
    path: formatPath(path),
    message,
    ...(extras.expected === undefined ? {} : { expected: extras.expected }),
    ...(extras.suggestion === undefined ? {} : { suggestion: extras.suggestion }),
    ...(extras.related === undefined || extras.related.length === 0 ? {} : { related: extras.related }),
  };
}

/** `file:line:column`, for messages that name a second place. */
export function formatLocation(location: DeclarationLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}
