/**
 * Typed failures of the Kubernetes API client, one class with a stable `code`.
 *
 * A single class keeps `instanceof` checks simple for the source; the `code` tells callers (and the
 * source-error finding) what went wrong without parsing messages.
 */

/** Why a Kubernetes API call failed. */
export type KubeErrorCode =
  /** 401: the bearer token was refused (expired, wrong cluster, principal without an access entry). */
  | 'unauthorized'
  /** 403: authenticated, but RBAC / the access policy does not allow the list. */
  | 'access-denied'
  /** 404: the namespace or the API group does not exist on this cluster. */
  | 'not-found'
  /** 429 that outlasted the retries. */
  | 'throttled'
  /** 5xx that outlasted the retries. */
  | 'server-error'
  /** Any other unexpected status, or an unusable server URL. */
  | 'bad-response'
  /** A 2xx answer that is not what a list returns: not JSON, or without `items` (an array) and `metadata`. */
  | 'malformed-response'
  /** The whole answer did not arrive within the per-request deadline, or the connection went silent too long. */
  | 'timeout'
  /** The connection was reset or closed before the answer was complete, on every attempt. */
  | 'connection-reset'
  /** The caller's signal aborted the read. */
  | 'aborted'
  /** The server certificate does not chain to the cluster CA (or names another host). */
  | 'tls'
  /** Connection refused, DNS failure, connect timeout: the API server could not be reached. */
  | 'unreachable';

/** Thrown by {@link KubeClient} for every failed list; the message names the resource, namespace and cluster. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly code: KubeErrorCode;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  constructor(code: KubeErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
  }
}
