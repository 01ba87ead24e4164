/**
 * GitHub App credentials of the pull-request sink: what a token costs. Signs JWTs (RS256, 2048-bit
 * key, as GitHub issues), reads a key from PEM (what a secret read costs), exchanges JWTs for
 * installation tokens against the loopback GitHub (which verifies each signature), and asks warm
 * credentials for their cached token, the cost every REST call pays.
 *
 * Run alone with `npx tsx bench/github-app-bench.ts`, or as part of `npm run bench`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { GitHubAppCredentials } from '../lambdas/sinks/pull-requests/github-app-credentials.js';
import { appJwtClaims, signAppJwt } from '../lambdas/sinks/pull-requests/github-app-jwt.js';
import { parseGitHubCredentialsSecret } from '../lambdas/sinks/pull-requests/github-credentials-secret.js';
import { startGitHubServer } from '../test/support/github-server.js';

/** The figures of one run. */
export interface GitHubAppBenchFigures {
  readonly jwtSignMs: number;
  readonly secretParseMs: number;
  readonly tokenExchangeMs: number;
  readonly cachedTokenNs: number;
  readonly exchanges: number;
}

/** Mean milliseconds of `count` runs of `work`. */
async function meanMs(count: number, work: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) await work();
  return Number(process.hrtime.bigint() - started) / 1e6 / count;
}

/** Runs the scenario: `signs` JWTs and secret reads, `exchanges` token requests, 100,000 cached asks. */
export async function runGitHubAppBench(options: { readonly signs?: number; readonly exchanges?: number } = {}): Promise<GitHubAppBenchFigures> {
  const signs = options.signs ?? 200;
  const exchanges = options.exchanges ?? 50;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secret = JSON.stringify({ appId: 1, installationId: 2, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() });
  const github = await startGitHubServer({ repository: 'acme/estate-config', baseBranch: 'main', files: {}, app: { appId: 1, installationId: 2, publicKey } });
  try {
    const jwtSignMs = await meanMs(signs, () => signAppJwt(appJwtClaims('1', new Date()), privateKey));
    const secretParseMs = await meanMs(signs, () => parseGitHubCredentialsSecret('bench', secret));
    const options = { issuer: '1', installationId: 2, privateKey, repository: 'acme/estate-config', baseUrl: github.url };
    const tokenExchangeMs = await meanMs(exchanges, () => new GitHubAppCredentials(options).token());
    const warm = new GitHubAppCredentials(options);
    await warm.token();
    const asks = 100_000;
    const cachedTokenNs = (await meanMs(asks, () => warm.token())) * 1e6;
    return { jwtSignMs, secretParseMs, tokenExchangeMs, cachedTokenNs, exchanges: github.issued.length };
  } finally {
    await github.close();
  }
}

/** The figures as a table. */
export function formatGitHubAppBench(figures: GitHubAppBenchFigures): string {
  return [
    '== GitHub App credentials (RS256, 2048-bit key, loopback GitHub verifying each JWT) ==',
    `sign one JWT                 ${figures.jwtSignMs.toFixed(2)} ms`,
    `parse the secret (PEM key)   ${figures.secretParseMs.toFixed(2)} ms`,
    `JWT -> installation token    ${figures.tokenExchangeMs.toFixed(2)} ms per exchange (${figures.exchanges} exchanges, loopback HTTP)`,
    `cached token, per REST call  ${figures.cachedTokenNs.toFixed(0)} ns`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatGitHubAppBench(await runGitHubAppBench()));
}
