/**
 * The project's network deadlines, in one place: every SDK client the audit builds (the live sources'
 * through `AwsClientFactory`, the audit's own S3, SNS and DynamoDB clients, the history CLI's) uses
 * them, so no call can wait on a silent endpoint forever.
 */

// Pluggable<any, any>: the plugin is generic over every client's input and output types.
import type { Pluggable } from '@smithy/types';
import { responseDeadlinePlugin } from './response-deadline.js';

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
  /** Idle time allowed on the socket; capped at the request timeout. @default the request timeout */
  readonly socketTimeoutMs?: number;
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
    socketTimeout: Math.min(timeouts.socketTimeoutMs ?? requestTimeout, requestTimeout),
    throwOnRequestTimeout: true,
  };
}

/**
 * `client` with each attempt's body bounded too ({@link responseDeadlinePlugin}): the handler options
 * stop counting at the response headers, and a body that drips a byte at a time never trips the idle
 * timeout. Every client the project builds goes through this and {@link requestHandlerOptions}.
 */
// biome-ignore lint/suspicious/noExplicitAny: SDK middleware stacks are invariant in their input/output types; any lets one helper accept every client
export function withResponseDeadline<C extends { middlewareStack: { use(plugin: Pluggable<any, any>): void } }>(client: C, timeouts: HttpTimeouts = {}): C {
  client.middlewareStack.use(responseDeadlinePlugin(timeouts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS));
  return client;
}
