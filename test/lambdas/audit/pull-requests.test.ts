import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import { standardRunSinks } from '../../../lambdas/audit/standard-run-sinks.js';
import { staticGitHubToken } from '../../../lambdas/sinks/pull-requests/github-credentials.js';
import { branchFor, GitHubPullRequestProvider } from '../../../lambdas/sinks/pull-requests/github-provider.js';
import { PullRequestSink } from '../../../lambdas/sinks/pull-requests/pull-request-sink.js';
import { startGitHubServer, type GitHubStandin } from '../../support/github-server.js';
import { invokeAudit, rigDependencies, SMALL_BASELINE_YAML, SMALL_ESTATE, startAuditRig, type AuditRig } from './audit-rig.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const TOKEN = 'ghp_stand-in-token';
const BASELINE_PATH = 'config/baseline.yaml';
/** The small estate, with the deploy pipeline named: SSM changes by anyone else are out of band. */
const BASELINE = `# The estate's baseline: reviewed in pull requests.
${SMALL_BASELINE_YAML}
attribution:
  pipeline_principals: [role/deploy-pipeline]
`;
const PIPELINE = 'arn:aws:sts::123456789012:assumed-role/deploy-pipeline/ci';
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const LOG_LEVEL_FINDING = 'changed:production-eu:api:LOG_LEVEL';

/**
 * The scheduled auditor with the pull-request sink, against a loopback GitHub driven by the real
 * Octokit client: an emergency change made by hand becomes one pull request with the accept edit,
 * kept up to date by later runs, closed when the value is put back, never duplicated, and a rate
 * limit never fails the audit.
 */
describe('Handler: pull requests from drift made outside the pipeline', () => {
  let rig: AuditRig;
  let github: GitHubStandin;
  const clock = { now: 0 };

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: SMALL_ESTATE.paymentTimeout, value: '30', lastModifiedUser: PIPELINE },
      { name: SMALL_ESTATE.poolSize, value: '10', lastModifiedUser: PIPELINE },
      { name: SMALL_ESTATE.logLevel, value: 'warn', lastModifiedUser: PIPELINE },
    ]);
    github = await startGitHubServer({ repository: 'acme/estate-config', baseBranch: 'main', files: { [BASELINE_PATH]: BASELINE }, token: TOKEN });
    await rig.uploadBaseline(BASELINE);
  });

  afterAll(async () => {
    await Promise.all([rig.close(), github.close()]);
  });

  function audit(time: string, startAt = time): Promise<AuditOutcome | Error> {
    const deps = rigDependencies(rig, { topicArn: TOPIC, clock });
    const provider = new GitHubPullRequestProvider({
      repository: 'acme/estate-config',
      baseBranch: 'main',
      baselinePath: BASELINE_PATH,
      credentials: staticGitHubToken(TOKEN),
      baseUrl: github.url,
    });
    return invokeAudit({ ...deps, sinks: [...standardRunSinks(deps), new PullRequestSink(provider)] }, clock, time, startAt).catch((error: Error) => error);
  }

  it('opens one pull request with the accept edit for a value changed by hand, and none for the pipeline', async () => {
    // Prepare: alice sets LOG_LEVEL to debug in the console; the pipeline bumps the pool size.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'debug', lastModifiedUser: ALICE });
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.poolSize, value: '12', lastModifiedUser: PIPELINE });

    // Act
    const outcome = await audit('2026-11-23T10:00:00Z');

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded', delivery: { pending: 0 } });
    expect(github.pulls).toHaveLength(1);
    const [pull] = github.pulls;
    expect(pull).toMatchObject({ number: 1, base: 'main', head: branchFor(LOG_LEVEL_FINDING), state: 'open' });
    expect(pull?.title).toBe('drift-audit: accept LOG_LEVEL = debug in production-eu');
    expect(pull?.labels).toEqual(['drift-audit', 'severity:medium', 'environment:production-eu']);
    expect(pull?.body).toContain('| expected (baseline) | `warn` |');
    expect(pull?.body).toContain('| actual (live) | `debug` |');
    expect(pull?.body).toMatch(/changed by arn:aws:iam::123456789012:user\/alice outside the pipeline on 2026-/);
    expect(pull?.body).toMatch(/aws ssm put-parameter .*\/production-eu\/api\/log\/level.*warn/);
    expect(pull?.body).toMatch(/\*\*Report:\*\* \[s3:\/\/.+\/reports\/.+\]\(https:\/\/s3\.console\.aws\.amazon\.com\//);
    // The branch holds the baseline of main with the edit applied, comments kept; main is untouched.
    const proposed = github.file(branchFor(LOG_LEVEL_FINDING), BASELINE_PATH);
    expect(proposed).toContain("# The estate's baseline: reviewed in pull requests.");
    expect(proposed).toMatch(/LOG_LEVEL: \{ value: warn, environments: \{ production-eu: debug \} \}|production-eu: debug/);
    expect(github.file('main', BASELINE_PATH)).toBe(BASELINE);
  });

  it('updates the same pull request when the value moves again, never opening a second', async () => {
    // Prepare
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'trace', lastModifiedUser: ALICE });

    // Act
    const outcome = await audit('2026-11-23T11:00:00Z');

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded' });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]?.title).toBe('drift-audit: accept LOG_LEVEL = trace in production-eu');
    expect(github.pulls[0]?.body).toContain('| actual (live) | `trace` |');
    expect(github.file(branchFor(LOG_LEVEL_FINDING), BASELINE_PATH)).toMatch(/production-eu: trace/);
  });

  it('records a rate limit without failing the audit, and delivers it on the next run', async () => {
    // Prepare: the value moves again; GitHub's primary rate limit is exhausted for the next call.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'error', lastModifiedUser: ALICE });
    github.rateLimitNext(1);

    // Act
    const limited = await audit('2026-11-23T12:00:00Z');

    // Assess: the run is recorded and alerted, the invocation succeeds, the change request waits.
    expect(limited).toMatchObject({ kind: 'recorded', alerted: true, delivery: { pending: 1 } });
    const deferred = (limited as Extract<AuditOutcome, { kind: 'recorded' }>).delivery.deferred;
    expect(deferred?.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /GitHub rate-limited list pull requests from drift-audit\/.* on acme\/estate-config \(HTTP 403\) until 20\d\d-.*; retried by the next run.*stay in the pull-requests outbox/,
      ),
    ]);
    expect(github.pulls[0]?.title).toMatch(/LOG_LEVEL = trace/);
    expect(github.calls.some((call) => call.status === 403)).toBe(true);

    // Act: the next scheduled run finds nothing new, and delivers what waited.
    const next = await audit('2026-11-23T13:00:00Z');

    // Assess
    expect(next).toMatchObject({ kind: 'recorded', delivery: { pending: 0, delivered: 1 } });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]?.title).toBe('drift-audit: accept LOG_LEVEL = error in production-eu');
  });

  it('opens nothing twice under a duplicate delivery of the scheduled event', async () => {
    // Prepare: a new drift, delivered by the scheduler twice.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.paymentTimeout, value: '45', lastModifiedUser: ALICE });
    const first = await audit('2026-11-23T14:00:00Z');
    const requests = github.calls.length;

    // Act
    const again = await audit('2026-11-23T14:00:00Z', '2026-11-23T14:01:00Z');

    // Assess: one new pull request for PAYMENT_TIMEOUT; the redelivery sent nothing to GitHub.
    expect(first).toMatchObject({ kind: 'recorded' });
    expect(again).toMatchObject({ kind: 'duplicate' });
    expect(github.calls.length).toBe(requests);
    expect(github.pulls.map((pull) => pull.title)).toEqual([
      'drift-audit: accept LOG_LEVEL = error in production-eu',
      'drift-audit: accept PAYMENT_TIMEOUT = 45 in production-eu',
    ]);
    expect(github.pulls[1]?.labels).toEqual(['drift-audit', 'severity:high', 'environment:production-eu']);
  });

  it('updates rather than duplicates when an entry is delivered again after a failure midway', async () => {
    // Prepare: PAYMENT_TIMEOUT moves; GitHub limits the delivery after the lookup, the baseline read and
    // the branch reset (its create answers 422, the branch exists, then the move), before the commit.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.paymentTimeout, value: '60', lastModifiedUser: ALICE });
    github.rateLimitNext(1, 'secondary', 5);
    const midway = await audit('2026-11-23T15:00:00Z');
    expect(midway).toMatchObject({ kind: 'recorded', delivery: { pending: 1 } });
    expect(github.calls.at(-1)).toMatchObject({ method: 'GET', status: 403, path: expect.stringContaining('/contents/config/baseline.yaml') });

    // Act
    const retried = await audit('2026-11-23T16:00:00Z');

    // Assess
    expect(retried).toMatchObject({ kind: 'recorded', delivery: { pending: 0 } });
    expect(github.pulls).toHaveLength(2);
    expect(github.pulls[1]?.title).toBe('drift-audit: accept PAYMENT_TIMEOUT = 60 in production-eu');
    expect(github.file(branchFor('changed:production-eu:api:PAYMENT_TIMEOUT'), BASELINE_PATH)).toMatch(/production-eu: "?60"?/);
  });

  it('closes the pull request with a comment when the value is put back live', async () => {
    // Prepare: a reviewer preferred reverting LOG_LEVEL.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'warn', lastModifiedUser: ALICE });

    // Act
    const outcome = await audit('2026-11-23T17:00:00Z');

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded', delivery: { pending: 0 } });
    expect(github.pulls[0]).toMatchObject({ state: 'closed' });
    expect(github.pulls[0]?.comments).toEqual([expect.stringMatching(/LOG_LEVEL in production-eu is back to the baseline's value .*closing/)]);
    expect(github.pulls[1]).toMatchObject({ state: 'open', comments: [] });
    expect(github.pulls).toHaveLength(2);
  });
});
