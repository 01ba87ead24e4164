/** Why a snapshot file could not be used, as a stable code (tests and reports check codes, not wording). */
export type SnapshotFileErrorCode =
  /** The file does not exist. */
  | 'file-not-found'
  /** The file exists but could not be read (permissions, a directory, ...). */
  | 'unreadable'
  /** Not valid JSON, YAML or dotenv. */
  | 'parse-error'
  /** Valid syntax, but not the shape its format requires (an SSM export without `Parameters`, ...). */
  | 'invalid-content'
  /** The format could neither be read from the spec nor inferred from the name and content. */
  | 'unknown-format'
  /** SSM parameters with no declared prefix to map their names to keys. */
  | 'no-prefix'
  /** An environment with neither declared files nor a snapshot directory. */
  | 'no-snapshot'
  /** `snapshot.json` is not a `drift-audit.snapshot/1` manifest for this environment. */
  | 'invalid-manifest'
  /** The caller aborted the read. */
  | 'aborted';

/** A position in a file, 1-based. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Thrown while reading one snapshot file; sources turn it into an error status.
 *
 * The message leads with `file:line:column` (editors and CI annotations link it) and never quotes the
 * file's content, which may hold a secret.
 */
export class SnapshotFileError extends Error {
  override readonly name = 'SnapshotFileError';
  readonly code: SnapshotFileErrorCode;
  readonly file: string;
  readonly position?: TextPosition;

  constructor(code: SnapshotFileErrorCode, file: string, reason: string, options: { readonly position?: TextPosition; readonly cause?: unknown } = {}) {
    const where = options.position === undefined ? file : `${file}:${options.position.line}:${options.position.column}`;
    super(`${where}: ${reason}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = file;
    if (options.position !== undefined) this.position = options.position;
  }
}
