import type { KeyObject } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import type { GitHubCredentials } from './github-credentials.js';
import { GitHubChangeRequestError, gitHubError } from './github-errors.js';
import { appJwtClaims, signAppJwt } from './github-app-jwt.js';

/** How long before its `expires_at` an installation token is replaced: a call started on it never meets its expiry. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/** One GitHub App installation the sink authenticates as. */
export interface GitHubAppCredentialsOptions {
  /** The JWT's `iss`: the app's client id or numeric app id. */
  readonly issuer: string;
  readonly installationId: number;
  readonly privateKey: KeyObject;
  /** `owner/name` of the config repository: installation tokens are restricted to it. */
  readonly repository: string;
  /** The REST API root. @default https://api.github.com */
  readonly baseUrl?: string;
  readonly now?: () => Date;
}

/** What the token endpoint answers (the fields this module reads). */
interface AccessTokenAnswer {
  readonly token?: unknown;
  readonly expires_at?: unknown;
}

/**
 * Installation access tokens of a GitHub App, as GitHub documents them ("Generating an installation
 * access token for a GitHub App"): a JWT signed with the app's key authenticates
 * `POST /app/installations/{id}/access_tokens`, which answers `{token, expires_at}` (an hour today).
 * The token is cached and reused, across runs of a warm Lambda too, until 5 minutes before
 * `expires_at`; concurrent callers share one request. Each token is restricted to the config
 * repository (`repositories: [name]`), whatever else the app is installed on. Failures are typed
 * errors saying what to check (app id, installation id, key, installation's repositories), never
 * quoting the key, the JWT or a token.
 */
export class GitHubAppCredentials implements GitHubCredentials {
  private readonly octokit: Octokit;
  private readonly now: () => Date;
  private readonly repositoryName: string;
  private readonly app: string;
  private cached: { readonly token: string; readonly refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: GitHubAppCredentialsOptions) {
    this.now = options.now ?? (() => new Date());
    this.repositoryName = options.repository.split('/').at(-1) ?? options.repository;
    this.app = `GitHub App ${options.issuer} (installation ${options.installationId})`;
    // No retry or throttling plugin, as for the REST calls: a refusal fails now and the next run retries.
    this.octokit = new Octokit({
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  async token(): Promise<string> {
    if (this.cached !== undefined && this.now().getTime() < this.cached.refreshAt) return this.cached.token;
    this.pending ??= this.issue().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  refused(): void {
    this.cached = undefined;
  }

  permissionHint(): string {
    return `check ${this.app}: installed on ${this.options.repository} with Contents and Pull requests read and write`;
  }

  private async issue(): Promise<string> {
    const jwt = signAppJwt(appJwtClaims(this.options.issuer, this.now()), this.options.privateKey);
    let data: AccessTokenAnswer;
    try {
      ({ data } = await this.octokit.request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: this.options.installationId,
        repositories: [this.repositoryName],
        headers: { authorization: `Bearer ${jwt}` },
      }));
    } catch (error) {
      throw this.failure(error);
    }
    const expiresAt = typeof data.expires_at === 'string' ? Date.parse(data.expires_at) : Number.NaN;
    if (typeof data.token !== 'string' || data.token === '' || !Number.isFinite(expiresAt)) {
      throw new GitHubChangeRequestError(
        'GITHUB_APP_AUTH_FAILED',
        `GitHub answered the installation token request of ${this.app} without a token and expires_at; retried by the next run`,
      );
    }
    this.cached = { token: data.token, refreshAt: expiresAt - TOKEN_REFRESH_MARGIN_MS };
    return data.token;
  }

  /** The typed error of a refused token request: a rate limit as for any call, else what to fix. */
  private failure(error: unknown): GitHubChangeRequestError {
    const operation = `create an installation token for ${this.app}`;
    const classified = gitHubError(operation, this.options.repository, error, this.now, this.permissionHint());
    if (classified.code === 'GITHUB_RATE_LIMITED' || classified.status === undefined) return classified;
    const fix: Readonly<Record<number, string>> = {
      401: `GitHub refused the app's JWT: check that appId (or clientId) is this app's and privateKey is one of its current private keys (App settings > Private keys), and that the function's clock is right`,
      403: 'the installation is suspended, or the app lacks a permission it asked for: check the installation in the account settings',
      404: `no installation ${this.options.installationId} of this app: check installationId (the number at the end of the installation's settings URL) and that the app is still installed`,
      422: `the installation cannot reach ${this.options.repository}: install the app on that repository (Repository access > Only select repositories)`,
    };
    const what = fix[classified.status] ?? 'unexpected answer';
    return new GitHubChangeRequestError('GITHUB_APP_AUTH_FAILED', `cannot ${operation} (HTTP ${classified.status}): ${what}; retried by the next run`, {
      status: classified.status,
      cause: error,
    });
  }
}
