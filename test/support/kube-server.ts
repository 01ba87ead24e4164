/**
 * A Kubernetes API server stand-in on 127.0.0.1 over HTTPS, for wire tests of the EKS source.
 *
 * It speaks just enough of the real API: namespaced list endpoints of the workload kinds, ConfigMaps and
 * Secrets, `limit`/`continue` paging with opaque tokens, list items without `kind`/`apiVersion` (as the
 * real server sends them), Status bodies on errors, and a bearer-token check (401 otherwise). Faults are
 * injected per namespace/resource (403, delays, 429/5xx bursts) and every request is recorded, so tests
 * can assert what was (and was never) asked for.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { listenOnLoopback } from './listen-loopback.js';

const certs = (name: string): string => readFileSync(fileURLToPath(new URL(`./certs/${name}`, import.meta.url)), 'utf8');

/** PEM of the test CA the stand-in's certificate chains to. */
export const TEST_CA_PEM = certs('ca.pem');
/** PEM of an unrelated CA: a client trusting only this one must refuse the stand-in. */
export const OTHER_CA_PEM = certs('other-ca.pem');

/** Where each served kind lives in the API (plural resource, group/version). */
const KINDS: Readonly<Record<string, { resource: string; groupVersion: string }>> = {
  Deployment: { resource: 'deployments', groupVersion: 'apps/v1' },
  StatefulSet: { resource: 'statefulsets', groupVersion: 'apps/v1' },
  DaemonSet: { resource: 'daemonsets', groupVersion: 'apps/v1' },
  CronJob: { resource: 'cronjobs', groupVersion: 'batch/v1' },
  ConfigMap: { resource: 'configmaps', groupVersion: 'v1' },
  HorizontalPodAutoscaler: { resource: 'horizontalpodautoscalers', groupVersion: 'autoscaling/v2' },
  PodDisruptionBudget: { resource: 'poddisruptionbudgets', groupVersion: 'policy/v1' },
  Pod: { resource: 'pods', groupVersion: 'v1' },
  ReplicaSet: { resource: 'replicasets', groupVersion: 'apps/v1' },
  Secret: { resource: 'secrets', groupVersion: 'v1' },
};

/** A fixture object: `kind` and `metadata.namespace` decide where it is served. */
export interface KubeFixtureObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** What the stand-in saw of one request. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Plural resource (`deployments`), when the path is a namespaced list. */
  readonly resource?: string;
  readonly namespace?: string;
  readonly limit?: number;
  readonly continueToken?: string;
  /** Whether the bearer token was accepted. */
  readonly authorized: boolean;
  readonly status: number;
}

/** Which requests a fault applies to; an absent field matches everything. */
export interface RequestMatch {
  readonly namespace?: string;
  readonly resource?: string;
  /** true: only requests carrying a continue token (later pages); false: only first pages. */
  readonly continued?: boolean;
}

/** Options of {@link startKubeServer}. */
export interface KubeServerOptions {
  readonly objects: readonly KubeFixtureObject[];
  /** The bearer token accepted (exact match), or a predicate. */
  readonly acceptToken: string | ((token: string) => boolean);
  /**
   * Whether Secrets may be listed. Defaults to false: like AmazonEKSViewPolicy, the server answers
   * 403 for Secrets (and still records the request, so tests can prove none was made).
   */
  readonly allowSecrets?: boolean;
}

/** A running stand-in. */
export interface KubeServer {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  /** PEM of the CA its certificate chains to. */
  readonly ca: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Answer 403 (RBAC-style Status) for the matching lists from now on. */
  forbid(match: RequestMatch): void;
  /** Hold matching responses for `ms` before answering. */
  delay(ms: number, match?: RequestMatch): void;
  /** Answer the next `count` matching requests with `status` (429, 500, 503, 410 for an expired continue token, ...), optionally with Retry-After. */
  failNext(status: number, count: number, options?: RequestMatch & { readonly retryAfter?: string }): void;
  close(): Promise<void>;
}

interface Fault {
  readonly match: RequestMatch;
  readonly status: number;
  remaining: number;
  readonly retryAfter?: string;
}

/** Starts the stand-in on an ephemeral port of 127.0.0.1. */
export async function startKubeServer(options: KubeServerOptions): Promise<KubeServer> {
  const requests: RecordedRequest[] = [];
  const forbidden: RequestMatch[] = [];
  const delays: { ms: number; match: RequestMatch }[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const accept = typeof options.acceptToken === 'string' ? (token: string) => token === options.acceptToken : options.acceptToken;
  // Opaque continue tokens, as the real server's are; a token is only valid for the list it came from.
  const continueTokens = new Map<string, { key: string; offset: number }>();
  let tokenCounter = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const route = parseRoute(url.pathname);
    const header = req.headers.authorization ?? '';
    const bearer = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    const authorized = bearer !== undefined && accept(bearer);
    const limitParam = url.searchParams.get('limit');
    const continueParam = url.searchParams.get('continue') ?? undefined;
    const record = (status: number): void => {
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        ...(route ? { resource: route.resource, namespace: route.namespace } : {}),
        ...(limitParam !== null ? { limit: Number(limitParam) } : {}),
        ...(continueParam !== undefined ? { continueToken: continueParam } : {}),
        authorized,
        status,
      });
    };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record(status);
      const wait = delays.find((d) => matches(d.match, route, continueParam !== undefined))?.ms ?? 0;
      const respond = (): void => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (wait > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          respond();
        }, wait);
        timers.add(timer);
      } else respond();
    };

    if (!authorized) {
      send(401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (req.method !== 'GET' || !route) {
      send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const fault = faults.find((f) => f.remaining > 0 && matches(f.match, route, continueParam !== undefined));
    if (fault) {
      fault.remaining -= 1;
      const reason = fault.status === 429 ? 'TooManyRequests' : fault.status === 410 ? 'Expired' : 'InternalError';
      send(fault.status, status(fault.status, reason, `injected ${fault.status}`), {
        ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
      });
      return;
    }
    const groupSuffix = route.groupVersion.includes('/') ? `.${route.groupVersion.split('/')[0]}` : '';
    const denied = `${route.resource}${groupSuffix} is forbidden: User "arn:aws:sts::111122223333:assumed-role/drift-audit/test" cannot list resource "${route.resource}" in API group "${groupSuffix.slice(1)}" in the namespace "${route.namespace}"`;
    if ((route.resource === 'secrets' && !options.allowSecrets) || forbidden.some((m) => matches(m, route))) {
      send(403, status(403, 'Forbidden', denied));
      return;
    }
    const kind = Object.keys(KINDS).find((k) => KINDS[k]?.resource === route.resource && KINDS[k]?.groupVersion === route.groupVersion);
    if (!kind) {
      send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }

    const all = options.objects
      .filter((o) => o.kind === kind && o.metadata.namespace === route.namespace)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const listKey = `${route.groupVersion}/${route.namespace}/${route.resource}`;
    let offset = 0;
    if (continueParam !== undefined) {
      const entry = continueTokens.get(continueParam);
      if (!entry || entry.key !== listKey) {
        send(400, status(400, 'BadRequest', 'continue key is not valid'));
        return;
      }
      offset = entry.offset;
    }
    const limit = limitParam !== null && Number(limitParam) > 0 ? Number(limitParam) : all.length;
    const page = all.slice(offset, offset + limit);
    const metadata: Record<string, unknown> = { resourceVersion: '4242' };
    if (offset + limit < all.length) {
      const token = Buffer.from(`${listKey}#${++tokenCounter}`).toString('base64url');
      continueTokens.set(token, { key: listKey, offset: offset + limit });
      metadata.continue = token;
      metadata.remainingItemCount = all.length - offset - limit;
    }
    send(200, {
      kind: `${kind}List`,
      apiVersion: route.groupVersion,
      metadata,
      // The real API omits kind/apiVersion on list items; clients must not depend on them being there.
      items: page.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
    });
  };

  const server: Server = createServer({ key: certs('server.key'), cert: certs('server.pem') }, handle);
  const port = await listenOnLoopback(server, sockets);

  return {
    url: `https://127.0.0.1:${port}`,
    ca: TEST_CA_PEM,
    requests,
    forbid: (match) => void forbidden.push(match),
    delay: (ms, match = {}) => void delays.push({ ms, match }),
    failNext: (statusCode, count, { retryAfter, ...match } = {}) =>
      void faults.push({ match, status: statusCode, remaining: count, ...(retryAfter !== undefined ? { retryAfter } : {}) }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseRoute(pathname: string): { groupVersion: string; namespace: string; resource: string } | undefined {
  const core = /^\/api\/(v1)\/namespaces\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (core) return { groupVersion: core[1] as string, namespace: decodeURIComponent(core[2] as string), resource: core[3] as string };
  const grouped = /^\/apis\/([^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (grouped) return { groupVersion: grouped[1] as string, namespace: decodeURIComponent(grouped[2] as string), resource: grouped[3] as string };
  return undefined;
}

function matches(match: RequestMatch, route: { namespace: string; resource: string } | undefined, continued = false): boolean {
  if (match.continued !== undefined && match.continued !== continued) return false;
  if (!route) return match.namespace === undefined && match.resource === undefined;
  return (match.namespace === undefined || match.namespace === route.namespace) && (match.resource === undefined || match.resource === route.resource);
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
