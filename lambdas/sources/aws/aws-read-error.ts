/** Why reading from AWS failed, as a stable code for reports and alerts (tests check codes, not wording). */
export type AwsFailureCode =
  /** The principal lacks the permission (IAM, SCP, resource policy) or its credentials were rejected. */
  | 'access-denied'
  /** No credentials could be found or the role could not be assumed. */
  | 'credentials'
  /** Throttled on every attempt the retry policy allowed. */
  | 'throttled'
  /** The request or the connection timed out. */
  | 'timeout'
  /** No endpoint for the region, DNS failure, connection refused or network unreachable. */
  | 'unreachable'
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
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ESOCKETTIMEDOUT']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
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
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
}

/** True when the error says the request was throttled, by the same rules the SDK retries on. */
export function isThrottlingError(error: unknown): boolean {
  const e = asErrorLike(error);
  return (
    e.$metadata?.httpStatusCode === 429 ||
    (typeof e.name === 'string' && THROTTLING.has(e.name)) ||
    e.$retryable?.throttling === true
  );
}

/** Classifies any thrown value into a stable failure code. */
export function classifyAwsError(error: unknown): AwsFailureCode {
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (name === 'AbortError' || code === 'ABORT_ERR') return 'aborted';
  if (isThrottlingError(error)) return 'throttled';
  if (ACCESS_DENIED.has(name) || e.$metadata?.httpStatusCode === 403) return 'access-denied';
  if (name === 'CredentialsProviderError' || name === 'ProviderError') return 'credentials';
  if (TIMEOUT_NAMES.has(name) || TIMEOUT_CODES.has(code)) return 'timeout';
  if (UNREACHABLE_CODES.has(code) || name === 'EndpointError') return 'unreachable';
  if (INVALID_REQUEST.has(name)) return 'invalid-request';
  return 'unknown';
}

/**
 * One line saying what the service answered: `AccessDeniedException: User ... is not authorized ...`,
 * with the attempt count when retries were spent. Service messages name principals and resources,
 * never parameter values; the length is capped so a runaway body cannot flood a report.
 */
export function describeAwsError(error: unknown): string {
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' && e.name !== '' && e.name !== 'Error' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const label = name || code || 'Error';
  const raw = typeof e.message === 'string' ? e.message : String(error);
  const message = raw.replace(/\s+/g, ' ').trim().slice(0, 400);
  const attempts = e.$metadata?.attempts;
  const suffix = attempts !== undefined && attempts > 1 ? ` (after ${attempts} attempts)` : '';
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
    super(`cannot ${what} in ${region}: ${describeAwsError(cause)}`, { cause });
    this.code = classifyAwsError(cause);
  }
}
