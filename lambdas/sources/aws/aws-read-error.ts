import { isUnparsableResponse } from './malformed-response-error.js';

/** Why reading from AWS failed, as a stable code for reports and alerts (tests check codes, not wording). */
export type AwsFailureCode =
  /** The principal lacks the permission (IAM, SCP, resource policy) or its credentials were rejected. */
  | 'access-denied'
  /** No credentials could be found or the role could not be assumed. */
  | 'credentials'
  /** Throttled on every attempt the retry policy allowed. */
  | 'throttled'
  /** The request or the connection timed out, or the body did not arrive within the request deadline. */
  | 'timeout'
  /** The connection was reset or closed before the answer was complete (ECONNRESET, EPIPE, socket hang up). */
  | 'connection-reset'
  /** No endpoint for the region, DNS failure, connection refused or network unreachable. */
  | 'unreachable'
  /** An answer arrived but is not what the operation returns: not JSON, or without a field it always carries. */
  | 'malformed-response'
  /** The service answered 5xx on every attempt the retry policy allowed. */
  | 'server-error'
  /** The service rejected the request as malformed (bad path, bad token). */
  | 'invalid-request'
  /** The caller aborted the read. */
  | 'aborted'
  /** Anything else; the message carries the service's error name. */
  | 'unknown';

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
]);

/** Mirrors the SDK's own list (service-error-classification) so counting agrees with retrying. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
/**
 * Checked before the timeout names: the SDK's Node handler renames ECONNRESET and EPIPE errors
 * `TimeoutError` (so its retry policy treats them as transient), which would report a reset peer as slow.
 */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const INVALID_REQUEST = new Set([
  'ValidationException',
  'InvalidFilterKey',
  'InvalidFilterOption',
  'InvalidFilterValue',
  'InvalidNextToken',
  'InvalidKeyId',
  'ParameterNotFound',
  'SerializationException',
]);

/** The shape of an SDK error we read; everything optional because anything can be thrown. */
interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  /** Set by Node on system errors (`read`, `connect`, `getaddrinfo`). */
  readonly syscall?: unknown;
  /** `client` or `server` on an exception the SDK built from a modelled error answer. */
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
}

/** True when the error says the request was throttled, by the same rules the SDK retries on. */
export function isThrottlingError(error: unknown): boolean {
  const e = asErrorLike(error);
  return e.$metadata?.httpStatusCode === 429 || (typeof e.name === 'string' && THROTTLING.has(e.name)) || e.$retryable?.throttling === true;
}

/** Classifies any thrown value into a stable failure code. */
export function classifyAwsError(error: unknown): AwsFailureCode {
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'AbortError' || code === 'ABORT_ERR') return 'aborted';
  if (isThrottlingError(error)) return 'throttled';
  if (ACCESS_DENIED.has(name) || status === 403) return 'access-denied';
  if (name === 'CredentialsProviderError' || name === 'ProviderError') return 'credentials';
  if (name === 'MalformedResponseError' || isUnparsableResponse(error)) return 'malformed-response';
  if (RESET_CODES.has(code)) return 'connection-reset';
  if (TIMEOUT_NAMES.has(name) || TIMEOUT_CODES.has(code)) return 'timeout';
  if (UNREACHABLE_CODES.has(code) || name === 'EndpointError') return 'unreachable';
  if (INVALID_REQUEST.has(name)) return 'invalid-request';
  if ((status !== undefined && status >= 500) || e.$fault === 'server') return 'server-error';
  return 'unknown';
}

/** Errors whose messages the SDK or this project writes itself, from no byte of any response. */
const AUTHORED_MESSAGES = new Set([
  'TimeoutError',
  'AbortError',
  'CredentialsProviderError',
  'ProviderError',
  'EndpointError',
  'MalformedResponseError',
  'PagingLoopError',
  // The pull-request sink's: names the repository, operation and HTTP status, never a body or the token.
  'GitHubChangeRequestError',
  // Names the secret and the shapes it may take, never its value.
  'GitHubCredentialsSecretError',
]);

/** What each code says when the error's own message cannot be shown. */
const FIXED_DESCRIPTION: Readonly<Record<AwsFailureCode, string>> = {
  'access-denied': 'access denied',
  credentials: 'no usable AWS credentials',
  throttled: 'throttled',
  timeout: 'timed out',
  'connection-reset': 'the connection was reset before the answer was complete',
  unreachable: 'the endpoint could not be reached',
  'invalid-request': 'the service rejected the request',
  aborted: 'the read was aborted',
  'malformed-response': 'the answer could not be read',
  'server-error': 'the service failed to answer',
  unknown: 'unexpected error',
};

/**
 * Whether an error's message may be shown. Only three kinds qualify: an exception the SDK built from a
 * modelled error answer (its `message` is the service's documented description, naming principals and
 * resources, never parameter values), a Node system error (Node writes it from the syscall and the
 * address), and the errors the SDK or this project write themselves. Anything else, above all a
 * parser's error, may quote the body it choked on.
 */
function messageIsSafe(e: ErrorLike, error: unknown): boolean {
  if (isUnparsableResponse(error)) return false;
  if ((e.$fault === 'client' || e.$fault === 'server') && e.$metadata !== undefined) return true;
  if (typeof e.syscall === 'string') return true;
  return typeof e.name === 'string' && AUTHORED_MESSAGES.has(e.name);
}

/** The SDK appends this hint to any error thrown while it deserialized an answer; it is noise in a report. */
const DESERIALIZATION_HINT = /\s*Deserialization error: to see the raw response.*$/s;

/**
 * One line saying what the service answered: `AccessDeniedException: User ... is not authorized ...`,
 * with the attempt count when retries were spent. Only messages that cannot hold a response body are
 * shown (see {@link classifyAwsError} for the codes); any other error is named with its code's fixed
 * description and the HTTP status. The length is capped so a runaway message cannot flood a report.
 */
export function describeAwsError(error: unknown): string {
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' && e.name !== '' && e.name !== 'Error' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const label = name || code || 'Error';
  const attempts = e.$metadata?.attempts;
  const suffix = attempts !== undefined && attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (classifyAwsError(error) === 'connection-reset') {
    // Named by Node's code: the SDK renames resets `TimeoutError`, which would mislead.
    return `${code || label}: ${FIXED_DESCRIPTION['connection-reset']}${suffix}`;
  }
  if (!messageIsSafe(e, error)) {
    const status = e.$metadata?.httpStatusCode;
    return `${label}: ${FIXED_DESCRIPTION[classifyAwsError(error)]}${status === undefined ? '' : ` (HTTP ${status})`}${suffix}`;
  }
  const raw = typeof e.message === 'string' ? e.message : String(error);
  const message = raw.replace(DESERIALIZATION_HINT, '').replace(/\s+/g, ' ').trim().slice(0, 400);
  if (message === '' || message === label) return `${label}${suffix}`;
  return `${label}: ${message}${suffix}`;
}

/**
 * A read from AWS that failed, with what was being read, where, and why.
 * Thrown inside sources only; every source turns it into an `error` status rather than letting it out.
 */
export class AwsReadError extends Error {
  override readonly name = 'AwsReadError';
  readonly code: AwsFailureCode;

  /** `what` reads as "cannot <what> in <region>", e.g. `list SSM parameters under /production/api`. */
  constructor(what: string, region: string, cause: unknown) {
    // A parser's error quotes the body: it is described, never kept as the cause a logger would print.
    super(`cannot ${what} in ${region}: ${describeAwsError(cause)}`, isUnparsableResponse(cause) ? undefined : { cause });
    this.code = classifyAwsError(cause);
  }
}
