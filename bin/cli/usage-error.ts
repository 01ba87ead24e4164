/**
 * Exit codes. 0, 1 and 2 are driftctl's and `kubectl diff`'s (in sync, drift, error); 3 is an audit
 * that could not read every source, so a CI gate can tell "nothing drifted" from "not looked at".
 * Scripts written for the diff convention (`test $? -le 1`) already treat 3 as a failure.
 */
export const EXIT = { clean: 0, drift: 1, error: 2, incomplete: 3 } as const;

/**
 * A problem with what the user asked for or gave us (flags, files, ids). Printed without a stack
 * trace; the command exits with {@link EXIT.error}.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode: number = EXIT.error;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
