import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './listen-loopback.js';

/**
 * A loopback stand-in for SSM Parameter Store, speaking the JSON 1.1 protocol the real
 * `@aws-sdk/client-ssm` speaks (`X-Amz-Target: AmazonSSM.<Op>`, `application/x-amz-json-1.1`), with
 * per-region data (the region is read from the request's SigV4 credential scope, as AWS routes by
 * endpoint), paging tokens, per-region rate limits answering `ThrottlingException`, AccessDenied per
 * path, injected throttles and stalls, and a log of every request with its SDK attempt number.
 *
 * It also answers STS `AssumeRole` (query protocol) so assume-role wiring can be tested end to end.
 */

/** Parameter types, as SSM names them. */
export type FakeSsmParameterType = 'String' | 'StringList' | 'SecureString';

/** One parameter as the server stores it. SecureString values are plaintext here: tests plant canaries. */
export interface FakeSsmParameter {
  readonly name: string;
  readonly value: string;
  /** @default 'String' */
  readonly type?: FakeSsmParameterType;
  /** @default 1 on create, previous + 1 on overwrite */
  readonly version?: number;
  /** @default the time of the put */
  readonly lastModifiedDate?: Date;
  /** @default `arn:aws:iam::<account>:user/deployer` */
  readonly lastModifiedUser?: string;
  /** @default 'Standard' */
  readonly tier?: 'Standard' | 'Advanced' | 'Intelligent-Tiering';
  /** @default 'text' */
  readonly dataType?: string;
}

/** Operations the server answers. */
export type FakeSsmOperation = 'GetParametersByPath' | 'DescribeParameters' | 'GetParameters' | 'GetParameter' | 'AssumeRole';

/** Requests per second per region; the Get* operations share one bucket, as in AWS. Absent: unlimited. */
export interface FakeSsmRateLimits {
  /** GetParameter, GetParameters and GetParametersByPath together. */
  readonly get?: number;
  readonly describe?: number;
}

/** Options of {@link startSsmServer}. */
export interface SsmServerOptions {
  /** @default '123456789012' */
  readonly account?: string;
  /** Region used when a request carries no SigV4 scope. @default 'us-east-1' */
  readonly defaultRegion?: string;
  /** @default unlimited */
  readonly rateLimits?: FakeSsmRateLimits;
  /** Parameters to load, per region. */
  readonly parameters?: Readonly<Record<string, readonly FakeSsmParameter[]>>;
  /**
   * Page DescribeParameters over every parameter of the region and filter each page afterwards, so
   * pages come back short or empty with a NextToken, as users report AWS does
   * (github.com/minamijoyo/myaws/issues/31).
   * @default false
   */
  readonly describeFiltersAfterPaging?: boolean;
}

/** One request as received. */
export interface RecordedSsmRequest {
  readonly operation: string;
  readonly region: string;
  /** From `amz-sdk-request: attempt=N; max=M`; 1 when the header is absent. */
  readonly attempt: number;
  readonly maxAttempts?: number;
  /** The access key id the request was signed with. */
  readonly accessKeyId?: string;
  /** Parsed JSON body (or form fields for STS). */
  readonly body: Readonly<Record<string, unknown>>;
  /** HTTP status answered (0 when the client went away first). */
  status: number;
  /** `__type` of the error answered, when one was. */
  errorType?: string;
}

/** A running server. */
export interface SsmServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly account: string;
  /** Creates or overwrites (bumping the version) a parameter in a region. */
  put(region: string, parameter: FakeSsmParameter): void;
  /** Deletes a parameter; returns whether it existed. */
  delete(region: string, name: string): boolean;
  /** A parameter as stored now (with its current version), or undefined. */
  get(region: string, name: string): Required<FakeSsmParameter> | undefined;
  /** Every read under `prefix` (in `region`, or every region) answers AccessDeniedException. */
  denyPath(prefix: string, region?: string): void;
  /** Lifts every {@link denyPath}. */
  allowAll(): void;
  /** The next `count` requests of `operation` (any region) answer ThrottlingException; `Infinity` for always. */
  throttleNext(operation: FakeSsmOperation, count: number): void;
  /**
   * Requests of `operation` from the `nth` on (1-based, counted from now) answer `errorType`, e.g. to
   * fail page 3 of a listing after two good pages. HTTP 500 for `InternalServerError`, else 400.
   */
  failFrom(operation: FakeSsmOperation, nth: number, errorType: string): void;
  /** Requests of `operation` wait `ms` before answering (0 to stop), to provoke client timeouts. */
  stall(operation: FakeSsmOperation, ms: number): void;
  /** Replaces the rate limits (buckets restart full). */
  setRateLimits(limits: FakeSsmRateLimits): void;
  /** Every request received so far, in arrival order. */
  readonly requests: readonly RecordedSsmRequest[];
  /** Requests received, optionally of one operation and/or region. */
  count(operation?: FakeSsmOperation, region?: string): number;
  /** Requests answered with ThrottlingException, optionally of one operation and/or region. */
  throttled(operation?: FakeSsmOperation, region?: string): number;
  /** Forgets the request log (not the data). */
  clearRequests(): void;
  close(): Promise<void>;
}

const GET_OPERATIONS = new Set(['GetParametersByPath', 'GetParameters', 'GetParameter']);
const DEFAULT_DATE = new Date('2026-01-05T10:00:00.000Z');

interface Bucket {
  tokens: number;
  at: number;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startSsmServer(options: SsmServerOptions = {}): Promise<SsmServer> {
  const account = options.account ?? '123456789012';
  const defaultRegion = options.defaultRegion ?? 'us-east-1';
  const data = new Map<string, Map<string, Required<FakeSsmParameter>>>();
  const denied: { prefix: string; region?: string }[] = [];
  const forcedThrottles = new Map<string, number>();
  const stalls = new Map<string, number>();
  const failures = new Map<string, { remaining: number; type: string }>();
  const requests: RecordedSsmRequest[] = [];
  let limits: FakeSsmRateLimits = options.rateLimits ?? {};
  let buckets = new Map<string, Bucket>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const sortedCache = new Map<string, Required<FakeSsmParameter>[]>();

  const regionData = (region: string): Map<string, Required<FakeSsmParameter>> => {
    let map = data.get(region);
    if (!map) {
      map = new Map();
      data.set(region, map);
    }
    return map;
  };

  const put = (region: string, p: FakeSsmParameter): void => {
    sortedCache.delete(region);
    const map = regionData(region);
    const previous = map.get(p.name);
    map.set(p.name, {
      name: p.name,
      value: p.value,
      type: p.type ?? 'String',
      version: p.version ?? (previous ? previous.version + 1 : 1),
      lastModifiedDate: p.lastModifiedDate ?? (previous ? new Date() : DEFAULT_DATE),
      lastModifiedUser: p.lastModifiedUser ?? `arn:aws:iam::${account}:user/deployer`,
      tier: p.tier ?? 'Standard',
      dataType: p.dataType ?? 'text',
    });
  };
  for (const [region, params] of Object.entries(options.parameters ?? {})) {
    for (const p of params) put(region, p);
  }

  // Sorted views are cached until the next write: AWS answers a page in constant time, and a stand-in
  // that re-sorts 10,000 names per request would slow the client down and skew the benchmark.
  const sorted = (region: string): Required<FakeSsmParameter>[] => {
    let list = sortedCache.get(region);
    if (!list) {
      list = [...regionData(region).values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      sortedCache.set(region, list);
    }
    return list;
  };

  /** AWS's own bucket: capacity of one second's worth, refilled continuously. */
  const takeToken = (region: string, group: 'get' | 'describe'): boolean => {
    const rate = limits[group];
    if (rate === undefined) return true;
    const key = `${region}|${group}`;
    const now = performance.now();
    const bucket = buckets.get(key) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const isDenied = (region: string, name: string): boolean =>
    denied.some((d) => (d.region === undefined || d.region === region) && (name === d.prefix || name.startsWith(withSlash(d.prefix))));

  const accessDenied = (region: string, operation: string, resource: string): ApiError =>
    new ApiError(
      'AccessDeniedException',
      `User: arn:aws:sts::${account}:assumed-role/drift-audit-read/drift-audit is not authorized to perform: ` +
        `ssm:${operation} on resource: arn:aws:ssm:${region}:${account}:parameter${resource} ` +
        `because no identity-based policy allows the ssm:${operation} action`,
    );

  const wire = (region: string, p: Required<FakeSsmParameter>, decrypt: boolean): Record<string, unknown> => ({
    Name: p.name,
    Type: p.type,
    // Without decryption SSM returns the ciphertext blob, never the plaintext.
    Value: p.type === 'SecureString' && !decrypt ? ciphertext(p) : p.value,
    Version: p.version,
    LastModifiedDate: p.lastModifiedDate.getTime() / 1000,
    ARN: `arn:aws:ssm:${region}:${account}:parameter${p.name}`,
    DataType: p.dataType,
  });

  const page = <T>(items: readonly T[], op: string, scope: string, body: Record<string, unknown>, max: number, fallback: number) => {
    const maxResults = body['MaxResults'] === undefined ? fallback : Number(body['MaxResults']);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) {
      throw new ApiError(
        'ValidationException',
        `1 validation error detected: Value '${String(body['MaxResults'])}' at 'maxResults' failed to satisfy constraint: ` +
          `Member must have value less than or equal to ${max}`,
      );
    }
    let offset = 0;
    if (typeof body['NextToken'] === 'string') {
      const token = decodeToken(body['NextToken']);
      if (!token || token.op !== op || token.scope !== scope) throw new ApiError('InvalidNextToken', 'The specified token is not valid.');
      offset = token.offset;
    }
    const slice = items.slice(offset, offset + maxResults);
    const next = offset + maxResults < items.length ? encodeToken({ op, scope, offset: offset + maxResults }) : undefined;
    return { slice, next };
  };

  const handlers: Record<string, (region: string, body: Record<string, unknown>) => Record<string, unknown>> = {
    GetParametersByPath: (region, body) => {
      const path = body['Path'];
      if (typeof path !== 'string' || !path.startsWith('/')) {
        throw new ApiError('ValidationException', 'Parameter path: must start with /');
      }
      const base = withSlash(path);
      if (isDenied(region, base) || isDenied(region, withoutSlash(path))) {
        throw accessDenied(region, 'GetParametersByPath', withoutSlash(path));
      }
      const recursive = body['Recursive'] === true;
      const matching = sorted(region).filter((p) => p.name.startsWith(base) && (recursive || !p.name.slice(base.length).includes('/')));
      const decrypt = body['WithDecryption'] === true;
      const { slice, next } = page(matching, 'GetParametersByPath', `${path}|${recursive}|${decrypt}`, body, 10, 10);
      return { Parameters: slice.map((p) => wire(region, p, decrypt)), ...(next ? { NextToken: next } : {}) };
    },

    DescribeParameters: (region, body) => {
      const filters = Array.isArray(body['ParameterFilters']) ? (body['ParameterFilters'] as Record<string, unknown>[]) : [];
      const all = sorted(region);
      let matching = all;
      let scope = '';
      for (const f of filters) {
        const values = Array.isArray(f['Values']) ? (f['Values'] as string[]) : [];
        // Name filter (Equals), as a targeted read asks: ParameterStringFilter takes 1 to 50 values.
        if (f['Key'] === 'Name') {
          if ((f['Option'] ?? 'Equals') !== 'Equals')
            throw new ApiError('InvalidFilterOption', `The filter option ${String(f['Option'])} is not supported here.`);
          if (values.length < 1 || values.length > 50) throw new ApiError('InvalidFilterValue', 'The Name filter takes 1 to 50 values.');
          const refused = values.find((name) => isDenied(region, name));
          if (refused !== undefined) throw accessDenied(region, 'DescribeParameters', refused);
          const wanted = new Set(values);
          matching = matching.filter((p) => wanted.has(p.name));
          scope += `name:${values.join(',')};`;
          continue;
        }
        if (f['Key'] !== 'Path') throw new ApiError('InvalidFilterKey', `The filter key ${String(f['Key'])} is not supported here.`);
        const option = f['Option'] ?? 'OneLevel';
        if (option !== 'Recursive' && option !== 'OneLevel') {
          throw new ApiError('InvalidFilterOption', `The filter option ${String(option)} is not valid for key Path.`);
        }
        const path = values[0];
        if (values.length !== 1 || typeof path !== 'string' || !path.startsWith('/')) {
          throw new ApiError('InvalidFilterValue', 'The Path filter needs one value starting with /.');
        }
        if (isDenied(region, withSlash(path)) || isDenied(region, withoutSlash(path))) {
          throw accessDenied(region, 'DescribeParameters', withoutSlash(path));
        }
        const base = withSlash(path);
        matching = matching.filter((p) => p.name.startsWith(base) && (option === 'Recursive' || !p.name.slice(base.length).includes('/')));
        scope += `${path}|${String(option)};`;
      }
      const { slice, next } = options.describeFiltersAfterPaging
        ? (() => {
            const wanted = new Set(matching);
            const paged = page(all, 'DescribeParameters', scope, body, 50, 10);
            return { slice: paged.slice.filter((p) => wanted.has(p)), next: paged.next };
          })()
        : page(matching, 'DescribeParameters', scope, body, 50, 10);
      return {
        Parameters: slice.map((p) => ({
          Name: p.name,
          ARN: `arn:aws:ssm:${region}:${account}:parameter${p.name}`,
          Type: p.type,
          ...(p.type === 'SecureString' ? { KeyId: 'alias/aws/ssm' } : {}),
          LastModifiedDate: p.lastModifiedDate.getTime() / 1000,
          LastModifiedUser: p.lastModifiedUser,
          Version: p.version,
          Tier: p.tier,
          Policies: [],
          DataType: p.dataType,
        })),
        ...(next ? { NextToken: next } : {}),
      };
    },

    GetParameters: (region, body) => {
      const names = body['Names'];
      if (!Array.isArray(names) || names.length < 1 || names.length > 10) {
        throw new ApiError(
          'ValidationException',
          `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`,
        );
      }
      for (const name of names as string[]) {
        if (isDenied(region, name)) throw accessDenied(region, 'GetParameters', name);
      }
      const decrypt = body['WithDecryption'] === true;
      const map = regionData(region);
      const found: Record<string, unknown>[] = [];
      const invalid: string[] = [];
      for (const name of names as string[]) {
        const p = map.get(name);
        if (p) found.push(wire(region, p, decrypt));
        else invalid.push(name);
      }
      return { Parameters: found, InvalidParameters: invalid };
    },

    GetParameter: (region, body) => {
      const name = String(body['Name']);
      if (isDenied(region, name)) throw accessDenied(region, 'GetParameter', name);
      const p = regionData(region).get(name);
      if (!p) throw new ApiError('ParameterNotFound', `Parameter ${name} not found.`);
      return { Parameter: wire(region, p, body['WithDecryption'] === true) };
    },
  };

  const send = (res: ServerResponse, record: RecordedSsmRequest, status: number, payload: string, contentType: string): void => {
    record.status = status;
    if (res.destroyed || res.writableEnded) {
      record.status = 0;
      return;
    }
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(payload);
  };

  const answerSts = (record: RecordedSsmRequest, res: ServerResponse): void => {
    const roleArn = String(record.body['RoleArn'] ?? '');
    const session = String(record.body['RoleSessionName'] ?? 'session');
    const roleName = roleArn.split('/').pop() ?? 'role';
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const xml =
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
      `<AssumedRoleUser><AssumedRoleId>AROAFAKEROLEID:${session}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${session}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>ASIAFAKEASSUMED</AccessKeyId><SecretAccessKey>fake-assumed-secret</SecretAccessKey>` +
      `<SessionToken>fake-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    send(res, record, 200, xml, 'text/xml');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const isSts = contentType.startsWith('application/x-www-form-urlencoded');
    const operation = isSts ? String(new URLSearchParams(raw).get('Action') ?? '') : target.replace(/^AmazonSSM\./, '');
    const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(String(req.headers['authorization'] ?? ''));
    const attemptHeader = /attempt=(\d+)(?:;\s*max=(\d+))?/.exec(String(req.headers['amz-sdk-request'] ?? ''));
    let body: Record<string, unknown> = {};
    try {
      body = isSts ? Object.fromEntries(new URLSearchParams(raw)) : raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      body = {};
    }
    const record: RecordedSsmRequest = {
      operation,
      region: scope?.[2] ?? defaultRegion,
      attempt: attemptHeader ? Number(attemptHeader[1]) : 1,
      ...(attemptHeader?.[2] ? { maxAttempts: Number(attemptHeader[2]) } : {}),
      ...(scope?.[1] ? { accessKeyId: scope[1] } : {}),
      body,
      status: 0,
    };
    requests.push(record);

    const stall = stalls.get(operation) ?? 0;
    if (stall > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, stall);
        timers.add(timer);
      });
    }
    if (isSts) {
      if (operation === 'AssumeRole') answerSts(record, res);
      else send(res, record, 400, `<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>`, 'text/xml');
      return;
    }

    const fail = (error: ApiError): void => {
      record.errorType = error.type;
      send(res, record, error.status, JSON.stringify({ __type: error.type, message: error.message }), 'application/x-amz-json-1.1');
    };
    const handler = handlers[operation];
    if (!target.startsWith('AmazonSSM.') || !handler) {
      fail(new ApiError('UnknownOperationException', `Unknown operation ${target}`));
      return;
    }
    const failure = failures.get(operation);
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) {
        const status = failure.type === 'InternalServerError' ? 500 : 400;
        fail(new ApiError(failure.type, `injected ${failure.type}`, status));
        return;
      }
    }
    const forced = forcedThrottles.get(operation) ?? 0;
    if (forced > 0) {
      forcedThrottles.set(operation, forced - 1);
      fail(new ApiError('ThrottlingException', 'Rate exceeded'));
      return;
    }
    if (!takeToken(record.region, GET_OPERATIONS.has(operation) ? 'get' : 'describe')) {
      fail(new ApiError('ThrottlingException', 'Rate exceeded'));
      return;
    }
    try {
      send(res, record, 200, JSON.stringify(handler(record.region, body)), 'application/x-amz-json-1.1');
    } catch (error) {
      if (error instanceof ApiError) fail(error);
      else fail(new ApiError('InternalServerError', String(error), 500));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500);
        res.end();
      }
    });
  });
  const port = await listenOnLoopback(server, sockets);

  const matches = (r: RecordedSsmRequest, operation?: string, region?: string): boolean =>
    (operation === undefined || r.operation === operation) && (region === undefined || r.region === region);

  return {
    url: `http://127.0.0.1:${port}`,
    account,
    put,
    delete: (region, name) => {
      sortedCache.delete(region);
      return regionData(region).delete(name);
    },
    get: (region, name) => regionData(region).get(name),
    denyPath: (prefix, region) => {
      denied.push({ prefix: withoutSlash(prefix), ...(region === undefined ? {} : { region }) });
    },
    allowAll: () => {
      denied.length = 0;
    },
    throttleNext: (operation, count) => {
      forcedThrottles.set(operation, count);
    },
    failFrom: (operation, nth, errorType) => {
      failures.set(operation, { remaining: nth, type: errorType });
    },
    stall: (operation, ms) => {
      stalls.set(operation, ms);
    },
    setRateLimits: (next) => {
      limits = next;
      buckets = new Map();
    },
    requests,
    count: (operation, region) => requests.filter((r) => matches(r, operation, region)).length,
    throttled: (operation, region) => requests.filter((r) => matches(r, operation, region) && r.errorType === 'ThrottlingException').length,
    clearRequests: () => {
      requests.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

function withoutSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Looks like KMS ciphertext and holds nothing of the plaintext. */
function ciphertext(p: Required<FakeSsmParameter>): string {
  return `AQICAHh${Buffer.from(`${p.name}#${p.version}`).toString('base64')}`;
}

interface PageToken {
  op: string;
  scope: string;
  offset: number;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

function decodeToken(raw: string): PageToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as PageToken;
    return typeof parsed.offset === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
