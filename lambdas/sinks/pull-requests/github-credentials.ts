import { TOKEN_PERMISSION_HINT } from './github-errors.js';

/**
 * Where the pull-request sink's GitHub token comes from. The provider asks for a token before each
 * API call, so a token the credentials refreshed (a GitHub App installation token near its expiry)
 * is used at once; implementations cache, so asking is cheap. Nothing here logs or quotes a token.
 */
export interface GitHubCredentials {
  /** A token for the REST API; throws a typed error (naming what to fix, never secret material) when none can be had. */
  token(): Promise<string>;
  /** GitHub answered 401 to the last token: forget what is cached, so the next run starts afresh. */
  refused(): void;
  /** What to check when GitHub refuses a call (401, 403, 404) made with these credentials. */
  permissionHint(): string;
}

/** Credentials of one fixed token (the CLI's `GITHUB_TOKEN`, a test's): nothing to refresh. */
export function staticGitHubToken(token: string): GitHubCredentials {
  return {
    token: async () => token,
    refused() {},
    permissionHint: () => TOKEN_PERMISSION_HINT,
  };
}
