import { createHash, createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './listen-loopback.js';

/** One pull request the stand-in holds. */
export interface FakePull {
  readonly number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  comments: string[];
}

/** One request the stand-in answered, for assertions. */
export interface GitHubCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/** A GitHub App installed on the stand-in's repository: its installation tokens authenticate the REST routes. */
export interface StandinApp {
  /** The numeric app id; the JWT's `iss` may be this or {@link clientId}. */
  readonly appId: number;
  readonly clientId?: string;
  readonly installationId: number;
  /** The app's public key (PEM or key object): JWTs are verified against it. */
  readonly publicKey: string | KeyObject;
  /** Lifetime of the installation tokens issued. @default 3600 (GitHub's hour) */
  readonly tokenLifetimeSeconds?: number;
}

/** The claims of a JWT the token endpoint accepted. */
export interface AcceptedJwt {
  readonly iat: number;
  readonly exp: number;
  readonly iss: string;
  /** The stand-in's clock when it was presented, in seconds. */
  readonly at: number;
}

/** A loopback stand-in for the GitHub REST API parts the pull-request sink uses, over one repository. */
export interface GitHubStandin {
  /** The `baseUrl` to give Octokit. */
  readonly url: string;
  readonly pulls: FakePull[];
  readonly calls: GitHubCall[];
  /** The JWTs the installation token endpoint accepted, oldest first. */
  readonly jwts: AcceptedJwt[];
  /** The installation tokens issued, oldest first. */
  readonly issued: { readonly token: string; readonly expiresAt: string; readonly repositories?: readonly string[] }[];
  /** The file `path` at the head of `branch`, or undefined. */
  file(branch: string, path: string): string | undefined;
  /** Commits `text` to `path` on `branch` (a merge, or someone's push). */
  commit(branch: string, path: string, text: string): void;
  /**
   * The next `count` requests answer a rate limit: `primary` is 403 with `x-ratelimit-remaining: 0`
   * and `x-ratelimit-reset`, `secondary` is 403 with `retry-after`, `429` is 429 with `retry-after`.
   * `after` requests are answered normally first (a failure midway through a delivery).
   */
  rateLimitNext(count: number, kind?: 'primary' | 'secondary' | '429', after?: number): void;
  close(): Promise<void>;
}

/**
 * Starts the stand-in for `owner/repo`, whose `baseBranch` holds `files`. REST requests must carry
 * `token` (a personal access token) or an unexpired installation token of `app`, which
 * `POST /app/installations/{id}/access_tokens` issues to a JWT that verifies against the app's public
 * key with GitHub's rules: RS256, `iss` the app id or client id, `iat` not in the future, `exp` after
 * now and at most 10 minutes ahead. `now` is the stand-in's clock (token expiry, JWT checks).
 */
export async function startGitHubServer(options: {
  readonly repository: string;
  readonly baseBranch: string;
  readonly files: Readonly<Record<string, string>>;
  readonly token?: string;
  readonly app?: StandinApp;
  readonly now?: () => Date;
}): Promise<GitHubStandin> {
  const now = options.now ?? (() => new Date());
  const jwts: AcceptedJwt[] = [];
  const issued: { token: string; expiresAt: string; repositories?: readonly string[] }[] = [];
  const publicKey = options.app?.publicKey;
  const appKey = publicKey === undefined || typeof publicKey !== 'string' ? publicKey : createPublicKey(publicKey);
  const commits = new Map<string, Map<string, string>>();
  const branches = new Map<string, string>();
  const pulls: FakePull[] = [];
  const calls: GitHubCall[] = [];
  let limited = 0;
  let limitAfter = 0;
  let limitKind: 'primary' | 'secondary' | '429' = 'primary';
  let counter = 0;

  function commitFiles(files: Map<string, string>): string {
    counter += 1;
    const sha = createHash('sha1').update(`commit-${counter}`).digest('hex');
    commits.set(sha, files);
    return sha;
  }
  branches.set(options.baseBranch, commitFiles(new Map(Object.entries(options.files))));
  const blobSha = (text: string): string => createHash('sha1').update(text).digest('hex');
  const filesOf = (branch: string): Map<string, string> | undefined => {
    const sha = branches.get(branch);
    return sha === undefined ? undefined : commits.get(sha);
  };
  const prefix = `/repos/${options.repository}/`;

  async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
  }

  function route(method: string, rest: string, query: URLSearchParams, body: Record<string, unknown>): [number, unknown] {
    const parts = rest.split('/');
    if (method === 'GET' && parts[0] === 'contents') {
      const path = parts.slice(1).join('/');
      const files = filesOf(query.get('ref') ?? options.baseBranch) ?? new Map<string, string>();
      const text = files.get(path);
      if (text === undefined) {
        // A directory: its direct entries, files and subdirectories.
        const inside = [...files.keys()].filter((name) => name.startsWith(`${path}/`)).map((name) => name.slice(path.length + 1));
        if (inside.length === 0) return [404, { message: 'Not Found' }];
        const entries = new Map(inside.map((rest) => [rest.split('/')[0] ?? rest, rest.includes('/') ? 'dir' : 'file']));
        return [
          200,
          [...entries].map(([name, type]) => ({
            type,
            name,
            path: `${path}/${name}`,
            sha: type === 'file' ? blobSha(files.get(`${path}/${name}`) ?? '') : '',
          })),
        ];
      }
      return [200, { type: 'file', path, name: path.split('/').at(-1), sha: blobSha(text), encoding: 'base64', content: Buffer.from(text).toString('base64') }];
    }
    if (method === 'PUT' && parts[0] === 'contents') {
      const path = parts.slice(1).join('/');
      const branch = String(body['branch']);
      const files = filesOf(branch);
      if (files === undefined) return [404, { message: 'Branch not found' }];
      const existing = files.get(path);
      if (existing !== undefined && body['sha'] !== blobSha(existing)) return [409, { message: `${path} does not match ${String(body['sha'])}` }];
      const next = new Map(files).set(path, Buffer.from(String(body['content']), 'base64').toString('utf8'));
      branches.set(branch, commitFiles(next));
      return [existing === undefined ? 201 : 200, { content: { path, sha: blobSha(next.get(path) ?? '') }, commit: { sha: branches.get(branch) } }];
    }
    if (parts[0] === 'git' && (parts[1] === 'ref' || parts[1] === 'refs')) {
      const name = parts.slice(3).join('/');
      if (method === 'GET') {
        const sha = branches.get(name);
        return sha === undefined ? [404, { message: 'Not Found' }] : [200, { ref: `refs/heads/${name}`, object: { sha, type: 'commit' } }];
      }
      if (method === 'POST') {
        const ref = String(body['ref']).replace(/^refs\/heads\//, '');
        if (branches.has(ref)) return [422, { message: 'Reference already exists' }];
        branches.set(ref, String(body['sha']));
        return [201, { ref: `refs/heads/${ref}`, object: { sha: body['sha'] } }];
      }
      if (method === 'PATCH') {
        if (!branches.has(name)) return [422, { message: 'Reference does not exist' }];
        branches.set(name, String(body['sha']));
        return [200, { ref: `refs/heads/${name}`, object: { sha: body['sha'] } }];
      }
    }
    if (parts[0] === 'pulls') {
      if (method === 'GET' && parts.length === 1) {
        const head = query.get('head')?.split(':').at(-1);
        const state = query.get('state') ?? 'open';
        return [200, pulls.filter((pull) => (head === undefined || pull.head === head) && (state === 'all' || pull.state === state)).map(pullJson)];
      }
      if (method === 'POST' && parts.length === 1) {
        const head = String(body['head']);
        if (!branches.has(head)) return [422, { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] }];
        if (pulls.some((pull) => pull.head === head && pull.state === 'open')) return [422, { message: `A pull request already exists for ${head}.` }];
        const pull: FakePull = {
          number: pulls.length + 1,
          head,
          base: String(body['base']),
          title: String(body['title']),
          body: String(body['body'] ?? ''),
          state: 'open',
          labels: [],
          comments: [],
        };
        pulls.push(pull);
        return [201, pullJson(pull)];
      }
      const pull = pulls.find((candidate) => candidate.number === Number(parts[1]));
      if (pull === undefined) return [404, { message: 'Not Found' }];
      if (method === 'PATCH') {
        if (typeof body['title'] === 'string') pull.title = body['title'];
        if (typeof body['body'] === 'string') pull.body = body['body'];
        if (body['state'] === 'closed' || body['state'] === 'open') pull.state = body['state'];
        return [200, pullJson(pull)];
      }
    }
    if (parts[0] === 'issues' && method === 'POST') {
      const pull = pulls.find((candidate) => candidate.number === Number(parts[1]));
      if (pull === undefined) return [404, { message: 'Not Found' }];
      if (parts[2] === 'comments') {
        pull.comments.push(String(body['body']));
        return [201, { id: pull.comments.length, body: body['body'] }];
      }
      if (parts[2] === 'labels') {
        for (const label of body['labels'] as string[]) if (!pull.labels.includes(label)) pull.labels.push(label);
        return [200, pull.labels.map((name) => ({ name }))];
      }
    }
    return [404, { message: `the stand-in does not answer ${method} ${rest}` }];
  }

  /** True when `authorization` carries the personal token or a live installation token. */
  function authorised(authorization: string | undefined): boolean {
    if (authorization === undefined) return false;
    if (options.token !== undefined && authorization === `token ${options.token}`) return true;
    // Installation tokens: GitHub takes them with either scheme.
    const [scheme, token] = authorization.split(' ');
    const grant = issued.find((candidate) => candidate.token === token);
    return (scheme === 'token' || scheme === 'Bearer') && grant !== undefined && Date.parse(grant.expiresAt) > now().getTime();
  }

  /** `POST /app/installations/{id}/access_tokens`: verifies the JWT, then issues a token restricted as asked. */
  function accessToken(installation: string, authorization: string | undefined, body: Record<string, unknown>): [number, unknown] {
    const app = options.app;
    if (app === undefined || appKey === undefined) return [404, { message: 'Not Found' }];
    const refused: [number, unknown] = [401, { message: 'A JSON web token could not be decoded' }];
    const [scheme, jwt] = (authorization ?? '').split(' ');
    const parts = jwt?.split('.') ?? [];
    if (scheme !== 'Bearer' || parts.length !== 3) return refused;
    const [header, payload, signature] = parts as [string, string, string];
    let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      if ((JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg !== 'RS256') return refused;
      if (!verify('sha256', Buffer.from(`${header}.${payload}`), appKey, Buffer.from(signature, 'base64url'))) return refused;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return refused;
    }
    const at = Math.floor(now().getTime() / 1000);
    const { iat, exp, iss } = claims;
    if (iss !== String(app.appId) && iss !== app.appId && (app.clientId === undefined || iss !== app.clientId)) return refused;
    if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > at) {
      return [401, { message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued." }];
    }
    if (typeof exp !== 'number' || !Number.isInteger(exp) || exp <= at || exp > at + 600) {
      return [401, { message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires." }];
    }
    jwts.push({ iat, exp, iss: String(iss), at });
    if (installation !== String(app.installationId)) return [404, { message: 'Not Found' }];
    const repositories = body['repositories'] as string[] | undefined;
    const name = options.repository.split('/')[1];
    if (repositories?.some((repository) => repository !== name)) {
      return [422, { message: 'There is at least one repository that does not exist or is not accessible to the parent installation.' }];
    }
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    // GitHub's format: seconds precision, `Z`.
    const expiresAt = new Date((at + (app.tokenLifetimeSeconds ?? 3600)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    issued.push({ token, expiresAt, ...(repositories === undefined ? {} : { repositories }) });
    return [
      201,
      {
        token,
        expires_at: expiresAt,
        permissions: { contents: 'write', pull_requests: 'write', metadata: 'read' },
        repository_selection: 'selected',
      },
    ];
  }

  function pullJson(pull: FakePull): unknown {
    return { number: pull.number, state: pull.state, title: pull.title, body: pull.body, head: { ref: pull.head }, base: { ref: pull.base } };
  }

  function answer(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(payload));
  }

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const path = decodeURIComponent(url.pathname);
      const method = request.method ?? 'GET';
      const body = await readJson(request);
      const record = (status: number) => calls.push({ method, path, status });
      const tokenRoute = method === 'POST' ? /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path) : null;
      if (tokenRoute === null && !authorised(request.headers.authorization)) {
        record(401);
        return answer(response, 401, { message: 'Bad credentials' });
      }
      if (limited > 0 && limitAfter > 0) limitAfter -= 1;
      else if (limited > 0) {
        limited -= 1;
        const reset = String(Math.floor(Date.now() / 1000) + 60);
        const status = limitKind === '429' ? 429 : 403;
        record(status);
        const headers: Record<string, string> =
          limitKind === 'primary' ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } : { 'retry-after': '60' };
        return answer(response, status, { message: 'API rate limit exceeded' }, headers);
      }
      if (tokenRoute !== null) {
        const [status, payload] = accessToken(tokenRoute[1] ?? '', request.headers.authorization, body);
        record(status);
        return answer(response, status, payload);
      }
      if (!path.startsWith(prefix)) {
        record(404);
        return answer(response, 404, { message: 'Not Found' });
      }
      const [status, payload] = route(method, path.slice(prefix.length), url.searchParams, body);
      record(status);
      answer(response, status, payload);
    })();
  });
  const sockets = new Set<Socket>();
  const port = await listenOnLoopback(server, sockets);
  return {
    url: `http://127.0.0.1:${port}`,
    pulls,
    calls,
    jwts,
    issued,
    file: (branch, path) => filesOf(branch)?.get(path),
    commit(branch, path, text) {
      branches.set(branch, commitFiles(new Map(filesOf(branch)).set(path, text)));
    },
    rateLimitNext(count, kind = 'primary', after = 0) {
      limited = count;
      limitKind = kind;
      limitAfter = after;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
