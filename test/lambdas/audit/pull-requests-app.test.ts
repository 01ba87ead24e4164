import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import { standardRunSinks } from '../../../lambdas/audit/standard-run-sinks.js';
import { parseGitHubCredentialsSecret } from '../../../lambdas/sinks/pull-requests/github-credentials-secret.js';
import { branchFor, GitHubPullRequestProvider } from '../../../lambdas/sinks/pull-requests/github-provider.js';
import { PullRequestSink } from '../../../lambdas/sinks/pull-requests/pull-request-sink.js';
import { SecretGitHubCredentials } from '../../../lambdas/sinks/pull-requests/secret-github-credentials.js';
import { appKeyPair } from '../../support/app-keys.js';
import { startGitHubServer, type GitHubStandin } from '../../support/github-server.js';
import { invokeAudit, rigDependencies, SMALL_BASELINE_YAML, SMALL_ESTATE, startAuditRig, type AuditRig } from './audit-rig.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drift-audit/github-app-AbC123';
const REPOSITORY = 'acme/estate-config';
const BASELINE_PATH = 'config/baseline.yaml';
const BASELINE = `${SMALL_BASELINE_YAML}
attribution:
  pipeline_principals: [role/deploy-pipeline]
`;
const PIPELINE = 'arn:aws:sts::123456789012:assumed-role/deploy-pipeline/ci';
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const APP = { appId: 123456, installationId: 7890123 };
const keys = appKeyPair();

type Recorded = Extract<AuditOutcome, { kind: 'recorded' }>;

/**
 * The scheduled auditor with its pull-request secret holding GitHub App credentials, against a
 * loopback GitHub that verifies the app's JWTs and accepts only the installation tokens it issued:
 * pull requests open as with a token, a warm function reuses its installation token across runs and
 * refreshes it near expiry, and a wrong key never fails the audit.
 */
describe('Handler: pull requests authenticated as a GitHub App', () => {
  let rig: AuditRig;
  let github: GitHubStandin;
  const clock = { now: 0 };
  const secret = { value: JSON.stringify({ ...APP, privateKey: keys.pkcs1 }), reads: 0 };
  /** The warm function's credentials: built once, as `dependenciesFromEnvironment` is per cold start. */
  let warm: SecretGitHubCredentials;

  function coldStart(): SecretGitHubCredentials {
    return new SecretGitHubCredentials({
      repository: REPOSITORY,
      baseUrl: github.url,
      now: () => new Date(clock.now),
      read: async () => {
        secret.reads += 1;
        return parseGitHubCredentialsSecret(SECRET_ARN, secret.value);
      },
    });
  }

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: SMALL_ESTATE.paymentTimeout, value: '30', lastModifiedUser: PIPELINE },
      { name: SMALL_ESTATE.poolSize, value: '10', lastModifiedUser: PIPELINE },
      { name: SMALL_ESTATE.logLevel, value: 'warn', lastModifiedUser: PIPELINE },
    ]);
    github = await startGitHubServer({
      repository: REPOSITORY,
      baseBranch: 'main',
      files: { [BASELINE_PATH]: BASELINE },
      app: { ...APP, publicKey: keys.publicKey },
      now: () => new Date(clock.now),
    });
    await rig.uploadBaseline(BASELINE);
    warm = coldStart();
  });

  afterAll(async () => {
    await Promise.all([rig.close(), github.close()]);
  });

  function audit(time: string, credentials: SecretGitHubCredentials = warm): Promise<AuditOutcome> {
    const deps = rigDependencies(rig, { clock });
    const provider = new GitHubPullRequestProvider({
      repository: REPOSITORY,
      baseBranch: 'main',
      baselinePath: BASELINE_PATH,
      credentials,
      baseUrl: github.url,
    });
    return invokeAudit({ ...deps, sinks: [...standardRunSinks(deps), new PullRequestSink(provider)] }, clock, time);
  }

  const tokenRequests = () => github.calls.filter((call) => call.path.endsWith('/access_tokens'));

  it('opens the pull request with an installation token it obtained from the app key', async () => {
    // Prepare
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'debug', lastModifiedUser: ALICE });

    // Act
    const outcome = await audit('2026-11-23T10:00:00Z');

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded', delivery: { pending: 0 } });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({
      head: branchFor('changed:production-eu:api:LOG_LEVEL'),
      title: 'drift-audit: accept LOG_LEVEL = debug in production-eu',
    });
    expect(github.pulls[0]?.labels).toEqual(['drift-audit', 'severity:medium', 'environment:production-eu']);
    expect(tokenRequests().map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
      `POST /app/installations/${APP.installationId}/access_tokens 201`,
    ]);
    expect(github.issued[0]?.repositories).toEqual(['estate-config']);
    // Every REST call after the exchange carried the issued token: none was refused.
    expect(github.calls.filter((call) => call.status === 401)).toEqual([]);
    expect(secret.reads).toBe(1);
  });

  it('reuses the installation token on the next run of the warm function', async () => {
    // Prepare
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'trace', lastModifiedUser: ALICE });

    // Act: 40 minutes later, within the hour the token lives and before its refresh point.
    const outcome = await audit('2026-11-23T10:40:00Z');

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded', delivery: { pending: 0 } });
    expect(github.pulls[0]?.title).toBe('drift-audit: accept LOG_LEVEL = trace in production-eu');
    expect(tokenRequests()).toHaveLength(1);
    expect(secret.reads).toBe(1);
  });

  it('asks for a new token once the old one is within 5 minutes of expiring', async () => {
    // Prepare: the first token expires at 11:00:00 (+ the seconds the first run's clock moved).
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'error', lastModifiedUser: ALICE });

    // Act
    const outcome = await audit('2026-11-23T10:56:00Z');

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded', delivery: { pending: 0 } });
    expect(github.pulls[0]?.title).toBe('drift-audit: accept LOG_LEVEL = error in production-eu');
    expect(tokenRequests()).toHaveLength(2);
    expect(github.issued[1]?.token).not.toBe(github.issued[0]?.token);
    expect(secret.reads).toBe(1);
  });

  it('records a wrong key without failing the audit, and delivers once the secret is fixed', async () => {
    // Prepare: a cold start whose secret holds another app's key; a new drift to propose.
    secret.value = JSON.stringify({ ...APP, privateKey: appKeyPair().pkcs8 });
    const cold = coldStart();
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.paymentTimeout, value: '45', lastModifiedUser: ALICE });

    // Act
    const refused = await audit('2026-11-23T12:00:00Z', cold);

    // Assess: recorded and alerted, the change request waits in the outbox with what to fix.
    expect(refused).toMatchObject({ kind: 'recorded', alerted: true, delivery: { pending: 1 } });
    const messages = (refused as Recorded).delivery.deferred?.map((error) => error.message) ?? [];
    expect(messages).toEqual([
      expect.stringMatching(
        /cannot create an installation token for GitHub App 123456 \(installation 7890123\) \(HTTP 401\): GitHub refused the app's JWT: check that appId \(or clientId\) is this app's and privateKey is one of its current private keys.*stay in the pull-requests outbox/,
      ),
    ]);
    expect(messages.join('\n')).not.toMatch(/BEGIN|eyJ|ghs_/);
    expect(github.pulls).toHaveLength(1);

    // Act: the key is put right in Secrets Manager; the next run of the same warm function re-reads it.
    secret.value = JSON.stringify({ ...APP, privateKey: keys.pkcs8 });
    const next = await audit('2026-11-23T13:00:00Z', cold);

    // Assess
    expect(next).toMatchObject({ kind: 'recorded', delivery: { pending: 0, delivered: 1 } });
    expect(github.pulls.map((pull) => pull.title)).toContain('drift-audit: accept PAYMENT_TIMEOUT = 45 in production-eu');
  });
  it('records a secret in neither shape without failing the audit, naming the secret and the shapes', async () => {
    // Prepare: someone stored the key alone, without the ids.
    secret.value = keys.pkcs1;
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.poolSize, value: '16', lastModifiedUser: ALICE });

    // Act
    const outcome = await audit('2026-11-23T14:00:00Z', coldStart());

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded', delivery: { pending: 1 } });
    const messages = (outcome as Recorded).delivery.deferred?.map((error) => error.message) ?? [];
    expect(messages).toEqual([
      expect.stringContaining(`secret ${SECRET_ARN} holds a bare PEM key; a GitHub App also needs its ids: expected the token itself`),
    ]);
    expect(messages.join('\n')).not.toContain(keys.pkcs1.split('\n')[1] ?? 'BEGIN');
  });
});
