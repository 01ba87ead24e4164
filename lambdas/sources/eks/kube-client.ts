/**
 * Read-only Kubernetes API client: typed, paginated list GETs over `node:https`.
 *
 * Why not the official `@kubernetes/client-node` 1.4.0: we need a few list calls, one CA and one bearer
 * token; the official client brings a generated API surface for every group plus node-fetch, ws,
 * openid-client, js-yaml, tar-fs and more. `bench/eks-client-bench.ts` measures both behind the same
 * tiny entry (esbuild, minified, platform node, ESM): on this machine this client bundles to 156 kB
 * (51 kB gzipped; most of it is the workload views it takes its resource list from, which the Lambda
 * bundles anyway) and a cold `import` of the bundle takes ~25 ms; the official one bundles to 1.1 MB
 * (209 kB gzipped) and takes ~78 ms. On a Lambda cold start and on
 * every CLI start that is pure cost for a client that lists a handful of resource kinds. Typed GETs also let us
 * shape errors (`cannot list deployments in namespace api of cluster prod-eu: 403 Forbidden (...)`)
 * and retries (429/5xx with Retry-After) exactly as the audit needs.
 *
 * Secrets are deliberately not a {@link KubeResource}: this client cannot be asked to read one.
 */
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { KUBE_RESOURCE_TYPES } from '../kubernetes/views/registry.js';
import type { KubeResourceType } from '../kubernetes/views/workload-view.js';
import { KubeApiError, type KubeErrorCode } from './kube-errors.js';

/**
 * The resources the audit lists, by plural: the workloads and whatever the registered workload views
 * read (`kubernetes/views/registry.ts`), with where they live in the API and the kind their items have.
 */
export const KUBE_RESOURCES: Readonly<Record<string, KubeResourceType>> = Object.fromEntries(KUBE_RESOURCE_TYPES.map((type) => [type.plural, type]));

/** A listable resource (plural, as in the API path), one of {@link KUBE_RESOURCES}. */
export type KubeResource = string;

/** Object metadata, as far as the audit relies on it; the rest passes through untouched. */
export interface KubeObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly [field: string]: unknown;
}

/**
 * One Kubernetes object as the API returns it, with `apiVersion` and `kind` filled in (list responses
 * omit them on items; kubectl fills them in too, so the objects read like `kubectl get -o json`).
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeObjectMeta;
  readonly [field: string]: unknown;
}

/** One HTTP attempt, reported to {@link KubeClientOptions.onCall} for per-call accounting. */
export interface KubeApiCall {
  readonly resource: KubeResource;
  readonly namespace: string;
  /** Absent when no response arrived (timeout, refused, TLS failure). */
  readonly status?: number;
  /** A 429 answer. */
  readonly throttled: boolean;
  /** 1 for the first attempt of a page. */
  readonly attempt: number;
}

/** Connection and behaviour of a {@link KubeClient}. */
export interface KubeClientOptions {
  /** Cluster name, used in error messages only. */
  readonly cluster: string;
  /** API server URL, `https://…` (DescribeCluster `endpoint`). */
  readonly server: string;
  /** PEM of the CA the API server certificate must chain to (DescribeCluster `certificateAuthority`, decoded). */
  readonly ca: string | Buffer;
  /** Bearer token source, asked before every attempt so a long read can refresh it. */
  readonly token: () => string | Promise<string>;
  /** Items per page (`limit`). @default 500, kubectl's chunk size */
  readonly pageSize?: number;
  /**
   * Deadline of one attempt in milliseconds, from connecting to the last byte of the body: a server
   * that drips its answer a byte at a time never trips an idle timeout, so this bounds the total.
   * @default 15000
   */
  readonly timeoutMs?: number;
  /** Milliseconds the connection may stay silent (no byte either way) before the attempt fails. @default 10000 */
  readonly idleTimeoutMs?: number;
  /** Attempts per page for 429, 5xx and connection resets. @default 4 */
  readonly maxAttempts?: number;
  /** First backoff step (full jitter, doubling). @default 200 */
  readonly retryBaseMs?: number;
  /** Ceiling of one wait, Retry-After included. @default 20000 */
  readonly maxRetryDelayMs?: number;
  /** Injected for tests; must reject when the signal aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected clock, for HTTP-date Retry-After values. */
  readonly clock?: () => Date;
  /** Injected jitter source in [0, 1). */
  readonly random?: () => number;
  /** Called once per HTTP attempt. */
  readonly onCall?: (call: KubeApiCall) => void;
}

interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const TLS_ERROR = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT']);
/** The connection closed under the request; Node reports "socket hang up" and a cut body ("aborted") as ECONNRESET. */
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const MAX_DETAIL = 300;

/** Lists Kubernetes objects of one cluster; one instance per cluster, {@link KubeClient.close} when done. */
export class KubeClient {
  readonly #options: KubeClientOptions;
  readonly #agent: Agent;
  readonly #server: URL;

  constructor(options: KubeClientOptions) {
    this.#options = options;
    this.#server = new URL(options.server);
    if (this.#server.protocol !== 'https:') {
      throw new KubeApiError('bad-response', `cannot use API server ${options.server} of cluster ${options.cluster}: only https is allowed`);
    }
    // The cluster CA replaces the public roots: a certificate from any other CA is refused.
    this.#agent = new Agent({ ca: options.ca, keepAlive: true, maxSockets: 8, rejectUnauthorized: true });
  }

  /** Every object of `resource` in `namespace`, all pages, in API order. */
  async list(resource: KubeResource, namespace: string, signal?: AbortSignal): Promise<KubeObject[]> {
    const definition = KUBE_RESOURCES[resource];
    // A programming error, not a read failure: only registered resources are ever asked for.
    if (definition === undefined) throw new TypeError(`${resource} is not a resource the audit reads`);
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    let restarted = false;
    for (;;) {
      let page: { items: readonly Record<string, unknown>[]; continueToken?: string };
      try {
        page = await this.#page(resource, namespace, continueToken, signal);
      } catch (error) {
        // 410 Gone: the continue token outlived etcd's compaction window; kubectl restarts the list.
        if (error instanceof KubeApiError && error.status === 410 && continueToken !== undefined && !restarted) {
          restarted = true;
          items.length = 0;
          continueToken = undefined;
          continue;
        }
        throw error;
      }
      for (const item of page.items) {
        items.push({ apiVersion: definition.apiVersion, kind: definition.kind, ...item } as KubeObject);
      }
      if (page.continueToken === undefined) break;
      if (page.continueToken === continueToken) {
        throw this.#error('bad-response', resource, namespace, 'the server returned the same continue token twice');
      }
      continueToken = page.continueToken;
    }
    return items;
  }

  /** Releases the keep-alive connections so the process can exit. */
  close(): void {
    this.#agent.destroy();
  }

  async #page(
    resource: KubeResource,
    namespace: string,
    continueToken: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ items: readonly Record<string, unknown>[]; continueToken?: string }> {
    const url = new URL(`${KUBE_RESOURCES[resource]?.base}/namespaces/${encodeURIComponent(namespace)}/${resource}`, this.#server);
    // Keep a path prefix the server URL may carry (API servers behind a proxy path).
    if (this.#server.pathname !== '/') url.pathname = this.#server.pathname.replace(/\/$/, '') + url.pathname;
    url.searchParams.set('limit', String(this.#options.pageSize ?? 500));
    if (continueToken !== undefined) url.searchParams.set('continue', continueToken);
    const response = await this.#get(url, resource, namespace, signal);
    // A List always carries `items` (an array, `[]` when empty, since Kubernetes 1.5.3) and `metadata`.
    // An answer without them (an empty or cut body) is not an empty namespace: reading it as one would
    // turn every workload's keys into false `missing` findings.
    const malformed = (why: string): KubeApiError =>
      this.#error('malformed-response', resource, namespace, `HTTP ${response.status} answer ${why}`, { status: response.status });
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      // Not kept as the cause: Node's parse error quotes the body where it broke.
      throw malformed('is not valid JSON');
    }
    if (!isRecord(body) || !Array.isArray(body.items)) throw malformed('is not a Kubernetes list (no items array)');
    if (!isRecord(body.metadata)) throw malformed('is not a Kubernetes list (no list metadata)');
    const unnamed = body.items.filter((item) => !isNamedObject(item)).length;
    if (unnamed > 0) throw malformed(`has ${unnamed} of ${body.items.length} items without metadata.name`);
    const next = typeof body.metadata.continue === 'string' && body.metadata.continue !== '' ? body.metadata.continue : undefined;
    const items = body.items as Record<string, unknown>[];
    return next === undefined ? { items } : { items, continueToken: next };
  }

  async #get(url: URL, resource: KubeResource, namespace: string, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const options = this.#options;
    const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw this.#error('aborted', resource, namespace, 'the read was aborted');
      const token = await options.token();
      const timeoutMs = options.timeoutMs ?? 15_000;
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: HttpResponse;
      try {
        const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
        response = await httpsGet(this.#agent, url, token, combined, options.idleTimeoutMs ?? 10_000);
      } catch (error) {
        options.onCall?.({ resource, namespace, throttled: false, attempt });
        const failure = this.#networkError(error, resource, namespace, { signal, timeout, timeoutMs });
        if (failure.code === 'connection-reset' && attempt < maxAttempts) {
          await this.#sleep(this.#backoff(attempt), signal, resource, namespace);
          continue;
        }
        throw failure;
      }
      options.onCall?.({ resource, namespace, status: response.status, throttled: response.status === 429, attempt });
      if (response.status >= 200 && response.status < 300) return response;
      if (RETRYABLE_STATUS.has(response.status) && attempt < maxAttempts) {
        const wait = this.#retryAfter(response.headers['retry-after']) ?? this.#backoff(attempt);
        await this.#sleep(wait, signal, resource, namespace);
        continue;
      }
      throw this.#statusError(response, resource, namespace, attempt);
    }
  }

  #statusError(response: HttpResponse, resource: KubeResource, namespace: string, attempts: number): KubeApiError {
    const { status } = response;
    const code: KubeErrorCode =
      status === 401
        ? 'unauthorized'
        : status === 403
          ? 'access-denied'
          : status === 404
            ? 'not-found'
            : status === 429
              ? 'throttled'
              : status >= 500
                ? 'server-error'
                : 'bad-response';
    const retried = RETRYABLE_STATUS.has(status) && attempts > 1 ? ` after ${attempts} attempts` : '';
    const detail = statusDetail(response.body);
    return this.#error(code, resource, namespace, `${status} ${STATUS_CODES[status] ?? 'Unknown'}${retried}${detail ? ` (${detail})` : ''}`, {
      status,
    });
  }

  /**
   * What a failed attempt means. The caller's abort and the deadline come first: aborting a request
   * whose body is arriving makes Node report the cut body as a reset, which it is not. Messages carry
   * Node's error codes (and, for TLS, Node's own message), never a byte of a response.
   */
  #networkError(
    error: unknown,
    resource: KubeResource,
    namespace: string,
    limits: { signal: AbortSignal | undefined; timeout: AbortSignal; timeoutMs: number },
  ): KubeApiError {
    if (limits.signal?.aborted) return this.#error('aborted', resource, namespace, 'the read was aborted', { cause: error });
    if (limits.timeout.aborted) {
      return this.#error('timeout', resource, namespace, `no complete answer from ${this.#server.origin} within ${limits.timeoutMs} ms`, { cause: error });
    }
    if (error instanceof IdleSocketError) {
      return this.#error('timeout', resource, namespace, `the connection to ${this.#server.origin} was silent for ${error.idleMs} ms`, { cause: error });
    }
    if (isAbort(error)) return this.#error('aborted', resource, namespace, 'the read was aborted', { cause: error });
    const code = errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    if (TLS_ERROR.test(code)) {
      return this.#error('tls', resource, namespace, `TLS verification of ${this.#server.origin} failed (${code}: ${message}); is the cluster CA right?`, {
        cause: error,
      });
    }
    if (RESET.has(code)) {
      return this.#error(
        'connection-reset',
        resource,
        namespace,
        `API server ${this.#server.origin} closed the connection before the answer was complete (${code})`,
        {
          cause: error,
        },
      );
    }
    const why = UNREACHABLE.has(code) ? code : code || (error instanceof Error ? error.name : 'error');
    return this.#error('unreachable', resource, namespace, `API server ${this.#server.origin} unreachable (${why})`, { cause: error });
  }

  #error(code: KubeErrorCode, resource: KubeResource, namespace: string, why: string, extra?: { status?: number; cause?: unknown }): KubeApiError {
    return new KubeApiError(code, `cannot list ${resource} in namespace ${namespace} of cluster ${this.#options.cluster}: ${why}`, extra);
  }

  #backoff(attempt: number): number {
    const base = this.#options.retryBaseMs ?? 200;
    const ceiling = Math.min(this.#options.maxRetryDelayMs ?? 20_000, base * 2 ** (attempt - 1));
    return Math.floor((this.#options.random ?? Math.random)() * ceiling);
  }

  /** Retry-After in ms (delta-seconds or HTTP date), capped; undefined when absent or unreadable. */
  #retryAfter(header: string | string[] | undefined): number | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || value.trim() === '') return undefined;
    const cap = this.#options.maxRetryDelayMs ?? 20_000;
    if (/^\d+$/.test(value.trim())) return Math.min(cap, Number(value.trim()) * 1000);
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    const now = (this.#options.clock ?? (() => new Date()))().getTime();
    return Math.min(cap, Math.max(0, at - now));
  }

  async #sleep(ms: number, signal: AbortSignal | undefined, resource: KubeResource, namespace: string): Promise<void> {
    try {
      await (this.#options.sleep ?? defaultSleep)(ms, signal);
    } catch (error) {
      throw this.#error('aborted', resource, namespace, 'the read was aborted while waiting to retry', { cause: error });
    }
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined);
}

/** The connection sent and received nothing for `idleMs`. */
class IdleSocketError extends Error {
  override readonly name = 'IdleSocketError';
  constructor(readonly idleMs: number) {
    super(`the connection was silent for ${idleMs} ms`);
  }
}

/**
 * One GET, its whole answer buffered. `signal` bounds the total time (aborting destroys the request,
 * which fails a body still arriving); `idleMs` fails a connection that goes silent sooner than that.
 */
function httpsGet(agent: Agent, url: URL, token: string, signal: AbortSignal, idleMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method: 'GET',
        agent,
        signal,
        timeout: idleMs,
        headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'drift-audit' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('timeout', () => request.destroy(new IdleSocketError(idleMs)));
    request.on('error', reject);
    request.end();
  });
}

/**
 * The `message` of a Kubernetes `Status` body (the API's documented error description: it names the
 * user, verb and resource), or nothing. Any other body (a proxy's error page, a cut answer) is never
 * quoted: it could hold anything, a secret value included.
 */
function statusDetail(body: string): string {
  let text = '';
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && parsed.kind === 'Status' && typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // Not JSON: nothing is shown of it.
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNamedObject(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && isRecord(value.metadata) && typeof value.metadata.name === 'string';
}

function errorCode(error: unknown): string {
  return isRecord(error) && typeof error.code === 'string' ? error.code : '';
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || errorCode(error) === 'ABORT_ERR');
}
