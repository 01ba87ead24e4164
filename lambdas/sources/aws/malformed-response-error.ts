/**
 * A response that arrived but cannot be what the operation returns: a body that is not JSON, or one
 * without a field the operation always carries (a DescribeParameters page with no `Parameters`).
 *
 * Thrown by the sources where they check what they rely on, and made from the SDK's own parse failure
 * by {@link asMalformedResponse}. Reading such an answer as "nothing there" would turn every declared
 * key into a false `missing` and resolve every open finding, so it is a read failure like any other.
 * The message names the operation, the HTTP status and what was wrong, never a byte of the body.
 */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
  readonly code = 'malformed-response';
  /** The API operation that answered, e.g. `GetParametersByPath`. */
  readonly operation: string;
  readonly httpStatus?: number;

  /** `why` completes "<operation> answered (HTTP <status>) ...", e.g. `without a Parameters list`. */
  constructor(operation: string, why: string, options?: { httpStatus?: number }) {
    const status = options?.httpStatus === undefined ? '' : ` HTTP ${options.httpStatus}`;
    // No `cause`: the parser's error quotes the body, and a logger printing causes would print it.
    super(`${operation} answered${status} ${why}`);
    this.operation = operation;
    if (options?.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

/**
 * True for the SDK's failure to parse a body: Node's `SyntaxError` (whose message quotes about ten
 * bytes of the body, a secret value among them if that is where the body broke), which the SDK marks
 * with `$responseBodyText`.
 */
export function isUnparsableResponse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ((error as { name?: unknown }).name === 'SyntaxError' || '$responseBodyText' in error);
}

/** The SDK's parse failure of `operation`'s answer as a {@link MalformedResponseError}; anything else as it is. */
export function asMalformedResponse(operation: string, error: unknown): unknown {
  if (!isUnparsableResponse(error)) return error;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return new MalformedResponseError(operation, 'with a body that is not valid JSON', typeof status === 'number' ? { httpStatus: status } : undefined);
}
