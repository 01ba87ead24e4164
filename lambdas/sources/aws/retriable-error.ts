import { classifyAwsError } from './aws-read-error.js';

/** What an error may carry that says whether trying again can help. */
interface RetryHints {
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
}

/**
 * Whether a failed AWS call (or an error wrapping one, through `cause`) may succeed if tried again:
 * throttled, timed out, the endpoint unreachable, or a 5xx. Access denied, validation errors and
 * conditional-check failures are not: retrying them only repeats the answer.
 */
export function isRetriableAwsError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    const hints = (typeof current === 'object' ? current : {}) as RetryHints;
    if (typeof hints.retriable === 'boolean') return hints.retriable;
    const code = classifyAwsError(current);
    if (code === 'throttled' || code === 'timeout' || code === 'unreachable' || code === 'connection-reset' || code === 'server-error') return true;
    const status = hints.$metadata?.httpStatusCode;
    if (status !== undefined && status >= 500) return true;
    if (hints.$retryable !== undefined) return true;
    current = hints.cause;
  }
  return false;
}
