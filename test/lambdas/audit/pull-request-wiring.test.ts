import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dependenciesFromEnvironment } from '../../../lambdas/audit/handler.js';
import { AUDIT_FUNCTION_ENV } from '../../../lambdas/runtime/function-environment.js';
import { listenOnLoopback } from '../../support/listen-loopback.js';
import { appKeyPair } from '../../support/app-keys.js';
import { startGitHubServer, type GitHubStandin } from '../../support/github-server.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drift-audit/github-token-AbC123';
const TOKEN = 'ghp_from-secrets-manager';
/** An outbox entry closing the pull request of a finding that has none open: one authenticated lookup. */
const CLOSE_ENTRY = {
  lane: 'pull-requests',
  subject: '1 change request(s)',
  body: JSON.stringify([{ kind: 'close', findingId: 'changed:production-eu:api:LOG_LEVEL', comment: 'back to the baseline' }]),
  attributes: {},
  runId: 'run-1',
  idempotencyKey: 'key-1',
  sk: 'sk-1',
};

/** A loopback Secrets Manager answering GetSecretValue (JSON 1.1) for one secret, counting the reads. */
async function startSecretsManager(secretString: string): Promise<{ url: string; reads: string[]; close: () => Promise<void> }> {
  const reads: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      reads.push(`${String(request.headers['x-amz-target'])} ${SecretId}`);
      response.writeHead(SecretId === SECRET_ARN ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify(
          SecretId === SECRET_ARN
            ? { ARN: SECRET_ARN, Name: 'drift-audit/github-token', SecretString: secretString, VersionId: 'v1' }
            : { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
        ),
      );
    });
  });
  const port = await listenOnLoopback(server, sockets);
  return {
    url: `http://127.0.0.1:${port}`,
    reads,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The production wiring: the stack's variables turn the pull-request sink on, and its token comes
 * from the one secret, read when the first change request is delivered.
 */
describe('Handler wiring: pull requests from the environment', () => {
  let secrets: Awaited<ReturnType<typeof startSecretsManager>>;
  let github: GitHubStandin;
  const saved = { ...process.env };

  beforeAll(async () => {
    secrets = await startSecretsManager(JSON.stringify({ token: TOKEN }));
    github = await startGitHubServer({ repository: 'acme/estate-config', baseBranch: 'main', files: { 'baseline.yaml': 'settings: {}\n' }, token: TOKEN });
  });

  afterAll(async () => {
    await Promise.all([secrets.close(), github.close()]);
  });

  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  function lambdaEnvironment(pullRequests: boolean): void {
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      [AUDIT_FUNCTION_ENV.historyTable]: 'drift-audit-history',
      [AUDIT_FUNCTION_ENV.baselineBucket]: 'drift-audit-bucket',
      [AUDIT_FUNCTION_ENV.baselineKey]: 'baseline/baseline.json',
      [AUDIT_FUNCTION_ENV.topicArn]: 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts',
      ...(pullRequests && {
        [AUDIT_FUNCTION_ENV.pullRequestRepository]: 'acme/estate-config',
        [AUDIT_FUNCTION_ENV.pullRequestBaseBranch]: 'main',
        [AUDIT_FUNCTION_ENV.pullRequestBaselinePath]: 'baseline.yaml',
        [AUDIT_FUNCTION_ENV.githubTokenSecretArn]: SECRET_ARN,
        [AUDIT_FUNCTION_ENV.githubApiUrl]: github.url,
      }),
    });
  }

  it('adds no pull-request sink when the stack did not enable pull requests', () => {
    // Prepare
    lambdaEnvironment(false);

    // Act / Assess
    expect(dependenciesFromEnvironment().sinks?.map((sink) => sink.name)).toEqual(['report', 'history', 'topic', 'reminders']);
  });

  it('adds the sink last, and authenticates to GitHub with the token read from the secret on first delivery', async () => {
    // Prepare
    lambdaEnvironment(true);
    const sinks = dependenciesFromEnvironment().sinks ?? [];
    const sink = sinks.at(-1);
    expect(sinks.map((candidate) => candidate.name)).toEqual(['report', 'history', 'topic', 'reminders', 'pull-requests']);
    expect(secrets.reads).toEqual([]);

    // Act: a close for a finding with no open pull request: one authenticated lookup.
    await sink?.deliver?.(CLOSE_ENTRY);

    // Assess: the stand-in answers only requests carrying the token.
    expect(secrets.reads).toEqual([`secretsmanager.GetSecretValue ${SECRET_ARN}`]);
    expect(github.calls.map((call) => `${call.method} ${call.status}`)).toEqual(['GET 200']);
  });
  it('authenticates as the GitHub App when the secret holds App credentials, keeping its token across deliveries', async () => {
    // Prepare: the same wiring, its secret holding an app's ids and PKCS#1 key as GitHub downloads it.
    const keys = appKeyPair();
    const app = { appId: 123456, installationId: 7890123 };
    const appSecrets = await startSecretsManager(JSON.stringify({ ...app, privateKey: keys.pkcs1 }));
    const appGitHub = await startGitHubServer({
      repository: 'acme/estate-config',
      baseBranch: 'main',
      files: { 'baseline.yaml': 'settings: {}\n' },
      app: { ...app, publicKey: keys.publicKey },
    });
    try {
      lambdaEnvironment(true);
      Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: appSecrets.url, [AUDIT_FUNCTION_ENV.githubApiUrl]: appGitHub.url });
      const sink = dependenciesFromEnvironment().sinks?.at(-1);

      // Act: two deliveries by the same (warm) wiring.
      await sink?.deliver?.(CLOSE_ENTRY);
      await sink?.deliver?.({ ...CLOSE_ENTRY, runId: 'run-2', sk: 'sk-2' });

      // Assess: one secret read, one token exchange, both lookups authenticated by the installation token.
      expect(appSecrets.reads).toEqual([`secretsmanager.GetSecretValue ${SECRET_ARN}`]);
      expect(appGitHub.calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
        'POST /app/installations/7890123/access_tokens 201',
        'GET /repos/acme/estate-config/pulls 200',
        'GET /repos/acme/estate-config/pulls 200',
      ]);
    } finally {
      await Promise.all([appSecrets.close(), appGitHub.close()]);
    }
  });
});
