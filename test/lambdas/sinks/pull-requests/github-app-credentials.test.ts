import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubAppCredentials, TOKEN_REFRESH_MARGIN_MS } from '../../../../lambdas/sinks/pull-requests/github-app-credentials.js';
import { GitHubChangeRequestError } from '../../../../lambdas/sinks/pull-requests/github-errors.js';
import { GitHubPullRequestProvider } from '../../../../lambdas/sinks/pull-requests/github-provider.js';
import { appKeyPair } from '../../../support/app-keys.js';
import { startGitHubServer, type GitHubStandin } from '../../../support/github-server.js';

const REPOSITORY = 'acme/estate-config';
const APP = { appId: 123456, clientId: 'Iv23liABCDEF012345', installationId: 7890123 };
const keys = appKeyPair();
const START = Date.parse('2026-11-23T10:00:00Z');

/**
 * GitHub App installation tokens against a loopback GitHub that verifies each JWT with the app's
 * public key: issued once, reused until 5 minutes before expiry, restricted to the config repository,
 * and every refusal a typed error saying what to fix.
 */
describe('Class: GitHubAppCredentials', () => {
  let github: GitHubStandin;
  const clock = { now: START };
  const now = () => new Date(clock.now);

  beforeAll(async () => {
    github = await startGitHubServer({
      repository: REPOSITORY,
      baseBranch: 'main',
      files: { 'baseline.yaml': 'settings: {}\n' },
      app: { ...APP, publicKey: keys.publicKey },
      now,
    });
  });

  afterAll(async () => {
    await github.close();
  });

  beforeEach(() => {
    clock.now = START;
  });

  function credentials(overrides: Partial<ConstructorParameters<typeof GitHubAppCredentials>[0]> = {}): GitHubAppCredentials {
    return new GitHubAppCredentials({
      issuer: String(APP.appId),
      installationId: APP.installationId,
      privateKey: keys.privateKey,
      repository: REPOSITORY,
      baseUrl: github.url,
      now,
      ...overrides,
    });
  }

  function tokenRequests(): number {
    return github.calls.filter((call) => call.path.endsWith('/access_tokens')).length;
  }

  /** What `promise` rejects with. */
  async function rejection(promise: Promise<unknown>): Promise<GitHubChangeRequestError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GitHubChangeRequestError);
    return error as GitHubChangeRequestError;
  }

  describe('Method: token', () => {
    it('exchanges a JWT GitHub accepts for an installation token restricted to the config repository', async () => {
      // Act
      const token = await credentials().token();

      // Assess: the stand-in verified the signature and the claims at its clock.
      const at = Math.floor(START / 1000);
      expect(github.jwts.at(-1)).toEqual({ iss: '123456', iat: at - 60, exp: at + 540, at });
      expect(github.issued.at(-1)).toEqual({ token, expiresAt: '2026-11-23T11:00:00Z', repositories: ['estate-config'] });
      expect(token).toMatch(/^ghs_/);
    });

    it('accepts the client id as the issuer', async () => {
      await credentials({ issuer: APP.clientId }).token();
      expect(github.jwts.at(-1)?.iss).toBe(APP.clientId);
    });

    it('reuses the token until 5 minutes before expires_at, then asks for a new one', async () => {
      // Prepare
      const app = credentials();
      const first = await app.token();
      const requests = tokenRequests();

      // Act: just before the refresh point, then at it.
      clock.now = Date.parse('2026-11-23T11:00:00Z') - TOKEN_REFRESH_MARGIN_MS - 1000;
      const reused = await app.token();
      clock.now += 1000;
      const refreshed = await app.token();

      // Assess
      expect(reused).toBe(first);
      expect(refreshed).not.toBe(first);
      expect(tokenRequests()).toBe(requests + 1);
    });

    it('shares one request between concurrent callers', async () => {
      const app = credentials();
      const requests = tokenRequests();
      const tokens = await Promise.all([app.token(), app.token(), app.token()]);
      expect(new Set(tokens).size).toBe(1);
      expect(tokenRequests()).toBe(requests + 1);
    });

    it('asks afresh after GitHub refused the token', async () => {
      const app = credentials();
      const first = await app.token();
      app.refused();
      expect(await app.token()).not.toBe(first);
    });
  });

  describe('refusals: recorded and retried, saying what to fix without secret material', () => {
    it('a key that is not the app key: the JWT is refused (401)', async () => {
      // Prepare
      const other = appKeyPair();

      // Act
      const error = await rejection(credentials({ privateKey: other.privateKey }).token());

      // Assess
      expect(error).toMatchObject({ code: 'GITHUB_APP_AUTH_FAILED', status: 401 });
      expect(error.message).toBe(
        "cannot create an installation token for GitHub App 123456 (installation 7890123) (HTTP 401): GitHub refused the app's JWT: check that appId (or clientId) is this app's and privateKey is one of its current private keys (App settings > Private keys), and that the function's clock is right; retried by the next run",
      );
      expect(error.message).not.toMatch(/eyJ|BEGIN|ghs_/);
    });

    it('an app id that is not the app: 401', async () => {
      const error = await rejection(credentials({ issuer: '999' }).token());
      expect(error).toMatchObject({ code: 'GITHUB_APP_AUTH_FAILED', status: 401 });
    });

    it('a clock more than a minute fast: GitHub refuses an iat in the future', async () => {
      const error = await rejection(credentials({ now: () => new Date(clock.now + 120_000) }).token());
      expect(error.message).toMatch(/HTTP 401.*the function's clock is right/);
    });

    it('an installation id the app does not have: 404', async () => {
      const error = await rejection(credentials({ installationId: 42 }).token());
      expect(error).toMatchObject({ code: 'GITHUB_APP_AUTH_FAILED', status: 404 });
      expect(error.message).toMatch(/installation 42\) \(HTTP 404\): no installation 42 of this app: check installationId/);
    });

    it('a repository the installation cannot reach: 422', async () => {
      const error = await rejection(credentials({ repository: 'acme/other-repo' }).token());
      expect(error.message).toMatch(/HTTP 422\): the installation cannot reach acme\/other-repo: install the app on that repository/);
    });

    it('a rate limit: the same error as any rate-limited call, with when it lifts', async () => {
      github.rateLimitNext(1, 'primary');
      const error = await rejection(credentials().token());
      expect(error).toMatchObject({ code: 'GITHUB_RATE_LIMITED', status: 403, retryAt: expect.stringMatching(/^20\d\d-/) });
      expect(error.message).toMatch(/GitHub rate-limited create an installation token for GitHub App 123456 .* on acme\/estate-config/);
    });
  });

  it('authenticates the pull-request provider, which asks again for each call and follows a refresh', async () => {
    // Prepare
    const app = credentials();
    const provider = new GitHubPullRequestProvider({
      repository: REPOSITORY,
      baseBranch: 'main',
      baselinePath: 'baseline.yaml',
      credentials: app,
      baseUrl: github.url,
      now,
    });
    const close = { kind: 'close', findingId: 'changed:production-eu:api:LOG_LEVEL', comment: 'back' } as const;

    // Act: one call now, one after the token's refresh point (the first token has expired by then).
    await provider.close(close);
    const requests = tokenRequests();
    clock.now += 60 * 60_000;
    const result = await provider.close(close);

    // Assess: the second lookup carried the new token, which the stand-in accepted.
    expect(result).toMatchObject({ kind: 'skipped' });
    expect(tokenRequests()).toBe(requests + 1);
    expect(github.calls.at(-1)).toMatchObject({ method: 'GET', status: 200 });
  });

  it('an expired token is refused by the stand-in, as GitHub does', async () => {
    // Prepare: a token taken, then an hour and a bit passes without the credentials asked again.
    const token = await credentials().token();
    clock.now += 61 * 60_000;

    // Act
    const response = await fetch(`${github.url}/repos/${REPOSITORY}/pulls`, { headers: { authorization: `token ${token}` } });

    // Assess
    expect(response.status).toBe(401);
  });
});
