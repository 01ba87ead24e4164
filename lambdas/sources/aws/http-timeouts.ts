/**
 * The project's network deadlines, in one place: every SDK client the audit builds (the live sources'
 * through `AwsClientFactory`, the audit's own S3, SNS and DynamoDB clients, the history CLI's) uses
 * them, so no call can wait on a silent endpoint forever.
 */

/** Milliseconds a request may wait for its response headers before it fails as a `TimeoutError`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Milliseconds to establish a TCP (and TLS) connection. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;

/** Deadlines of one client; every field has the project default. */
export interface HttpTimeouts {
  /** @default DEFAULT_REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** @default DEFAULT_CONNECTION_TIMEOUT_MS */
  readonly connectionTimeoutMs?: number;
}

/** The `requestHandler` options of an SDK v3 client (the SDK builds its `NodeHttpHandler` from them). */
export interface RequestHandlerTimeoutOptions {
  readonly requestTimeout: number;
  readonly connectionTimeout: number;
  readonly socketTimeout: number;
  readonly throwOnRequestTimeout: true;
}

/**
 * `requestHandler` options bounding every phase of a request, as `@smithy/node-http-handler` 4.x
 * implements them:
 * - `connectionTimeout`: the socket must connect within it;
 * - `requestTimeout`: a wall-clock timer from sending until the response headers arrive. Without
 *   `throwOnRequestTimeout` it only logs a warning and keeps waiting, so a silent endpoint would still
 *   hang the call: hence `true`;
 * - `socketTimeout`: inactivity on the socket, which is what still bounds a response body that stalls
 *   after its headers (an S3 GetObject stream). Set to the request timeout: it replaces the service
 *   default (5 minutes for SNS and DynamoDB, none for S3).
 * Each expiry fails the attempt with a `TimeoutError`, which the SDK retries like any transient error.
 */
export function requestHandlerOptions(timeouts: HttpTimeouts = {}): RequestHandlerTimeoutOptions {
  const requestTimeout = timeouts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    requestTimeout,
    connectionTimeout: timeouts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    socketTimeout: requestTimeout,
    throwOnRequestTimeout: true,
  };
}
