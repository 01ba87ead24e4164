/**
 * A loopback proxy that sits in front of a stand-in (the SSM, EKS or Kubernetes one) and breaks chosen
 * responses the way networks and overloaded services break them: an empty body, headers then silence,
 * a body dripped a byte at a time, a reset connection, a body cut short, one corrupted byte, a 5xx or a
 * throttle answered in the service's own dialect.
 *
 * Everything else passes through untouched, so a test reads the real estate through the real client
 * and only the requests it aims at go wrong. HTTPS upstreams (the Kubernetes stand-in) are proxied
 * over HTTPS with the same test certificate, so the client still verifies the cluster CA.
 */
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './listen-loopback.js';

/** One way to break a response. */
export type Fault =
  /** The upstream's status and headers, with a zero-byte body (`content-length: 0`). */
  | { readonly kind: 'empty' }
  /** The upstream's status and headers (its content-length included), then no body byte, ever. */
  | { readonly kind: 'stall' }
  /** The upstream's status and headers, then the body one byte every `intervalMs`. */
  | { readonly kind: 'drip'; readonly intervalMs: number }
  /** A TCP reset instead of any response byte (the client sees ECONNRESET). */
  | { readonly kind: 'reset' }
  /**
   * The body cut to its first `bytes` bytes, with a content-length that matches the cut: a short
   * answer that arrives cleanly, as from a proxy that gave up. `bytes: 0` is an empty answer.
   */
  | { readonly kind: 'truncate'; readonly bytes: number }
  /**
   * One byte replaced with `X`: the byte right before the first occurrence of `before` (so a JSON
   * string value such as a secret loses its opening quote), else the first byte of the body.
   */
  | { readonly kind: 'corrupt'; readonly before?: string }
  /** An answer made up by the proxy; the request never reaches the upstream. */
  | { readonly kind: 'answer'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body: string };

/** What a fault rule matches on. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** The JSON 1.1 operation (`DescribeParameters`) from `X-Amz-Target`, when there is one. */
  readonly operation?: string;
  readonly headers: IncomingHttpHeaders;
  /** The request body, UTF-8 (a JSON 1.1 request's parameters, an STS form). */
  readonly body: string;
}

/** Which requests a fault applies to, and how many times. */
export interface FaultRule {
  /** @default every request */
  readonly match?: (request: ProxiedRequest) => boolean;
  /** @default Infinity */
  readonly times?: number;
}

/** What the proxy did with one request. */
export interface ProxiedExchange extends ProxiedRequest {
  /** The fault applied, or `pass`. */
  readonly fault: Fault['kind'] | 'pass';
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** The stand-in's base URL, `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  readonly target: string;
  /** For an https target: the certificate the proxy serves and the CA it trusts upstream. */
  readonly tls?: { readonly key: string; readonly cert: string; readonly ca: string };
}

/** A running proxy. */
export interface FaultProxy {
  /** `http(s)://127.0.0.1:PORT`, to point the client at instead of the target. */
  readonly url: string;
  /** Applies `fault` to matching requests from now on; the first rule that matches wins. */
  inject(fault: Fault, rule?: FaultRule): void;
  /** Removes every rule: everything passes again. */
  clear(): void;
  /** Every request seen, in arrival order. */
  readonly exchanges: readonly ProxiedExchange[];
  close(): Promise<void>;
}

/**
 * AWS's throttling answer as SSM sends it (HTTP 400, `__type` ThrottlingException, JSON 1.1); EKS's
 * REST-JSON clients read the same `__type`.
 */
export function awsThrottle(): Fault {
  return {
    kind: 'answer',
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-proxy' },
    body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
  };
}

/** An AWS internal error (HTTP 500, JSON body with `__type`), as SSM and EKS answer one. */
export function awsServerError(): Fault {
  return {
    kind: 'answer',
    status: 500,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-proxy' },
    body: JSON.stringify({ __type: 'InternalServerError', message: 'An internal error occurred' }),
  };
}

/** A Kubernetes `Status` answer: 429 TooManyRequests (with Retry-After 0) or a 5xx. */
export function kubeStatus(status: 429 | 500 | 503): Fault {
  const reason = status === 429 ? 'TooManyRequests' : status === 503 ? 'ServiceUnavailable' : 'InternalError';
  return {
    kind: 'answer',
    status,
    headers: { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) },
    body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `injected ${status}`, reason, code: status }),
  };
}

interface ActiveRule {
  readonly fault: Fault;
  readonly match: (request: ProxiedRequest) => boolean;
  remaining: number;
}

/** Starts a proxy on 127.0.0.1 with an ephemeral port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const secure = target.protocol === 'https:';
  if (secure && options.tls === undefined) throw new TypeError('an https target needs tls options');
  const rules: ActiveRule[] = [];
  const exchanges: ProxiedExchange[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const send = secure ? httpsRequest : httpRequest;
      const upstream = send(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          ...(secure && options.tls ? { ca: options.tls.ca } : {}),
          // One connection per request: no upstream socket outlives the proxy.
          agent: false,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const respond = async (req: IncomingMessage, res: ServerResponse, fault: Fault | undefined, body: Buffer): Promise<void> => {
    if (fault?.kind === 'reset') {
      // A TLS socket cannot send the RST itself; the TCP socket under it can.
      const tcp = 'encrypted' in req.socket ? [...sockets].find((s) => !('encrypted' in s) && s.remotePort === req.socket.remotePort) : req.socket;
      (tcp ?? req.socket).resetAndDestroy();
      return;
    }
    if (fault?.kind === 'answer') {
      res.writeHead(fault.status, { 'content-length': String(Buffer.byteLength(fault.body)), ...fault.headers });
      res.end(fault.body);
      return;
    }
    const upstream = await forward(req, body);
    // Hop-by-hop and length headers are the proxy's to set.
    const { 'content-length': _length, 'transfer-encoding': _encoding, connection: _connection, 'keep-alive': _keepAlive, ...headers } = upstream.headers;
    const withLength = (length: number): IncomingHttpHeaders => ({ ...headers, 'content-length': String(length) });
    switch (fault?.kind) {
      case undefined:
        res.writeHead(upstream.status, withLength(upstream.body.length));
        res.end(upstream.body);
        return;
      case 'empty':
        res.writeHead(upstream.status, withLength(0));
        res.end();
        return;
      case 'truncate': {
        const cut = upstream.body.subarray(0, Math.max(0, Math.min(fault.bytes, upstream.body.length)));
        res.writeHead(upstream.status, withLength(cut.length));
        res.end(cut);
        return;
      }
      case 'corrupt': {
        const corrupted = Buffer.from(upstream.body);
        const marker = fault.before === undefined ? -1 : corrupted.indexOf(fault.before);
        const at = marker > 0 ? marker - 1 : 0;
        if (corrupted.length > 0) corrupted[at] = 'X'.charCodeAt(0);
        res.writeHead(upstream.status, withLength(corrupted.length));
        res.end(corrupted);
        return;
      }
      case 'stall':
        res.writeHead(upstream.status, withLength(upstream.body.length));
        res.flushHeaders();
        return;
      case 'drip': {
        res.writeHead(upstream.status, withLength(upstream.body.length));
        res.flushHeaders();
        let sent = 0;
        const next = (): void => {
          if (res.destroyed) return;
          if (sent >= upstream.body.length) {
            res.end();
            return;
          }
          res.write(upstream.body.subarray(sent, sent + 1));
          sent += 1;
          later(fault.intervalMs, next);
        };
        later(fault.intervalMs, next);
        return;
      }
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const amzTarget = req.headers['x-amz-target'];
      const operation = typeof amzTarget === 'string' ? amzTarget.split('.').pop() : undefined;
      const body = Buffer.concat(chunks);
      const seen: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: body.toString('utf8'),
        ...(operation ? { operation } : {}),
      };
      const rule = rules.find((candidate) => candidate.remaining > 0 && candidate.match(seen));
      if (rule) rule.remaining -= 1;
      exchanges.push({ ...seen, fault: rule?.fault.kind ?? 'pass' });
      respond(req, res, rule?.fault, body).catch(() => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(502);
          res.end();
        } else res.destroy();
      });
    });
  };

  const server: Server = secure && options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createHttpServer(handle);
  const port = await listenOnLoopback(server, sockets);

  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    inject: (fault, rule = {}) => {
      rules.push({ fault, match: rule.match ?? (() => true), remaining: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clear: () => {
      rules.length = 0;
    },
    exchanges,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
