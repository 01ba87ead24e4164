/** Why a GitHub call failed, as far as what to do next goes. */
export type GitHubErrorCode = 'GITHUB_RATE_LIMITED' | 'GITHUB_API_ERROR' | 'GITHUB_BASELINE_UNREADABLE' | 'GITHUB_APP_AUTH_FAILED';

/** What to check when GitHub refuses a call made with a personal access token. */
export const TOKEN_PERMISSION_HINT = 'check the token: contents and pull requests read/write on this repository';

/**
 * A GitHub call the pull-request sink could not make. Its message names the repository, the operation
 * and the HTTP status, never the token or a request body; the outbox entry stays for the next run.
 */
export class GitHubChangeRequestError extends Error {
  override readonly name = 'GitHubChangeRequestError';
  /** When the rate limit lifts (ISO 8601), from `retry-after` or `x-ratelimit-reset`, when GitHub said. */
  readonly retryAt?: string;

  constructor(
    readonly code: GitHubErrorCode,
    message: string,
    options: { readonly status?: number; readonly retryAt?: string; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.status = options.status;
    if (options.retryAt !== undefined) this.retryAt = options.retryAt;
  }

  readonly status: number | undefined;
}

/** The parts of an Octokit `RequestError` this module reads. */
interface HttpErrorLike {
  readonly status?: unknown;
  readonly response?: { readonly headers?: Readonly<Record<string, string | number | undefined>> };
}

/**
 * Classifies a failed Octokit call. GitHub signals rate limits as 429, or 403 with
 * `x-ratelimit-remaining: 0` (primary) or a `retry-after` header (secondary); any other 403 is a
 * permission problem, reported as an API error with `hint` (what to check for the credentials in use).
 */
export function gitHubError(
  operation: string,
  repository: string,
  error: unknown,
  now: () => Date,
  hint: string = TOKEN_PERMISSION_HINT,
): GitHubChangeRequestError {
  const http = error as HttpErrorLike;
  const status = typeof http.status === 'number' ? http.status : undefined;
  const headers = http.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  const reset = Number(headers['x-ratelimit-reset']);
  const limited = status === 429 || (status === 403 && (String(headers['x-ratelimit-remaining']) === '0' || Number.isFinite(retryAfter)));
  if (limited) {
    const retryAt = Number.isFinite(retryAfter)
      ? new Date(now().getTime() + retryAfter * 1000).toISOString()
      : Number.isFinite(reset)
        ? new Date(reset * 1000).toISOString()
        : undefined;
    return new GitHubChangeRequestError(
      'GITHUB_RATE_LIMITED',
      `GitHub rate-limited ${operation} on ${repository} (HTTP ${status})${retryAt === undefined ? '' : ` until ${retryAt}`}; retried by the next run`,
      { status, cause: error, ...(retryAt === undefined ? {} : { retryAt }) },
    );
  }
  const what = status === undefined ? (error as Error).name || 'network error' : `HTTP ${status}`;
  const check = status === 401 || status === 403 || status === 404 ? ` (${hint})` : '';
  return new GitHubChangeRequestError('GITHUB_API_ERROR', `GitHub refused ${operation} on ${repository}: ${what}${check}; retried by the next run`, {
    ...(status === undefined ? {} : { status }),
    cause: error,
  });
}
