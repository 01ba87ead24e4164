import { isRetriableAwsError } from '../../sources/aws/retriable-error.js';

/** Stable codes of the history sink's errors, for callers that branch on them. */
export type HistoryErrorCode =
  | 'HISTORY_WRITE_FAILED'
  | 'HISTORY_READ_FAILED'
  | 'HISTORY_CONFLICT'
  | 'RUN_IN_PROGRESS'
  | 'HISTORY_TABLE_NOT_FOUND'
  | 'INVALID_SINCE'
  | 'INVALID_HISTORY_SCOPE';

/** Base of every history error: a stable `code` and the underlying `cause`. */
export class HistoryError extends Error {
  override readonly name: string = 'HistoryError';
  readonly code: HistoryErrorCode;

  constructor(code: HistoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /**
   * Whether the same call may succeed later: true when DynamoDB was throttled, timed out, unreachable
   * or failed with a 5xx (the SDK's own retries are spent by then), false for a refusal that would
   * repeat (validation, access denied). Subclasses that describe a passing state override it.
   */
  get retriable(): boolean {
    return isRetriableAwsError(this.cause);
  }
}

/** Thrown when DynamoDB refused or failed a write (after retries of unprocessed batch items). */
export class HistoryWriteError extends HistoryError {
  override readonly name = 'HistoryWriteError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('HISTORY_WRITE_FAILED', message, options);
  }
}

/** Thrown when a history Query or Get failed. */
export class HistoryReadError extends HistoryError {
  override readonly name = 'HistoryReadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('HISTORY_READ_FAILED', message, options);
  }
}

/**
 * Thrown when a finding's state was moved by another run since it was loaded (the optimistic
 * condition on its last run id failed). Nothing is overwritten; re-drive the run to reconcile again.
 */
export class HistoryConflictError extends HistoryError {
  override readonly name = 'HistoryConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('HISTORY_CONFLICT', message, options);
  }

  /** A re-driven run reconciles against what history holds now. */
  override get retriable(): boolean {
    return true;
  }
}

/** Thrown when an idempotency key is claimed by another run that is still recording (or crashed too recently to tell). */
export class RunInProgressError extends HistoryError {
  override readonly name = 'RunInProgressError';
  constructor(
    message: string,
    readonly runId: string,
    options?: { cause?: unknown },
  ) {
    super('RUN_IN_PROGRESS', message, options);
  }

  /** The other run finishes, or its lease passes. */
  override get retriable(): boolean {
    return true;
  }
}

/** Thrown when the history table's name cannot be found in the deployed stack's outputs. */
export class HistoryTableNotFoundError extends HistoryError {
  override readonly name = 'HistoryTableNotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('HISTORY_TABLE_NOT_FOUND', message, options);
  }
}

/** Thrown when `--since` is neither a duration (`30d`, `12h`, `2w`, `45m`) nor an ISO date. */
export class InvalidSinceError extends HistoryError {
  override readonly name = 'InvalidSinceError';
  constructor(message: string) {
    super('INVALID_SINCE', message);
  }
}

/** Thrown when a history timeline is asked for without a region, environment or key to read it by. */
export class InvalidHistoryScopeError extends HistoryError {
  override readonly name = 'InvalidHistoryScopeError';
  constructor(message: string) {
    super('INVALID_HISTORY_SCOPE', message);
  }
}
