/** Why a baseline edit could not be applied. */
export type BaselineEditErrorCode =
  /** `edit.file` names no file of the baseline. */
  | 'unknown-file'
  /** The path is empty, names no section of the format, or runs through a value that is not a mapping. */
  | 'invalid-path'
  /** `append` on something that is not a list. */
  | 'not-a-sequence'
  /** The edit would write a value for a secret setting; secrets are audited by presence only. */
  | 'secret-value'
  /** The file to edit is not valid YAML: editing it could lose what was written. */
  | 'yaml-syntax';

/** Thrown by `applyBaselineEdit` when an edit cannot be applied as asked; the files are left as they were. */
export class BaselineEditError extends Error {
  override readonly name = 'BaselineEditError';
  readonly code: BaselineEditErrorCode;

  constructor(code: BaselineEditErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
