/** Why `baseline accept` wrote nothing. */
export type AcceptErrorCode =
  /** A finding asked for by id cannot be accepted into the baseline (invalid, shadowed, source-error, a secret's value). */
  | 'not-acceptable'
  /** The edited baseline would leave an accepted finding open or open a finding that was not there. */
  | 'would-create-drift'
  /** The edited baseline would not validate. */
  | 'invalid-baseline'
  /** An option is malformed or contradicts the findings (`--extend` in the past, say). */
  | 'invalid-option';

/** Thrown by `acceptFindings` when the accept cannot be carried out as asked; no file was changed. */
export class AcceptError extends Error {
  override readonly name = 'AcceptError';
  readonly code: AcceptErrorCode;

  constructor(code: AcceptErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
