/** Exit codes, as driftctl and most linters use them. */
export const EXIT = { clean: 0, drift: 1, error: 2 } as const;

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
