import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DriftAuditContextError, parseDriftAuditContext } from '../../lib/context.js';
import { AUDIT_STATEMENT_SIDS, DriftAuditor, type DriftAuditorProps } from '../../lib/drift-auditor.js';
import { FIXTURE_BASELINE_DIR, FIXTURE_ENTRY, PINNED_ENV, newStack, propertiesOf, roleStatements, sampleScope } from './cdk-test-support.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:drift-audit/github-token-AbC123';
const PULL_REQUESTS = { repository: 'acme/estate-config', baselinePath: 'config/baseline.yaml', tokenSecretArn: SECRET_ARN } as const;

function build(props: Partial<DriftAuditorProps> = {}) {
  const stack = newStack(PINNED_ENV);
  new DriftAuditor(stack, 'Auditor', {
    scope: sampleScope(),
    baselineDirectory: FIXTURE_BASELINE_DIR,
    auditHandlerEntry: FIXTURE_ENTRY,
    notifierHandlerEntry: FIXTURE_ENTRY,
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

function variablesOf(template: Template): Record<string, unknown> {
  return (propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction').Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('Construct: DriftAuditor with pull requests from drift', () => {
  it('tells the audit function the repository, base branch, baseline path and token secret', () => {
    // Act
    const { template } = build({ pullRequests: PULL_REQUESTS });

    // Assess
    expect(variablesOf(template)).toMatchObject({
      PULL_REQUEST_REPOSITORY: 'acme/estate-config',
      PULL_REQUEST_BASE_BRANCH: 'main',
      PULL_REQUEST_BASELINE_PATH: 'config/baseline.yaml',
      GITHUB_TOKEN_SECRET_ARN: SECRET_ARN,
    });
  });

  it('lets the audit role read that one secret and nothing else in Secrets Manager', () => {
    // Act
    const statements = roleStatements(build({ pullRequests: PULL_REQUESTS }).template, 'AuditorAuditRole');

    // Assess
    const secretStatements = statements.filter((statement) => statement.actions.some((action) => action.startsWith('secretsmanager:')));
    expect(secretStatements).toEqual([
      expect.objectContaining({ sid: AUDIT_STATEMENT_SIDS.githubToken, actions: ['secretsmanager:GetSecretValue'], resources: [SECRET_ARN] }),
    ]);
  });

  it('grants nothing and sets nothing for pull requests when they are not configured', () => {
    // Act
    const { template } = build();

    // Assess
    expect(Object.keys(variablesOf(template)).filter((name) => name.startsWith('PULL_REQUEST') || name.startsWith('GITHUB'))).toEqual([]);
    expect(
      roleStatements(template, 'AuditorAuditRole')
        .flatMap((statement) => statement.actions)
        .filter((action) => action.startsWith('secretsmanager:')),
    ).toEqual([]);
  });

  it('refuses a partial secret ARN (it would need a wildcard) and a repository that is not owner/name', () => {
    expect(() =>
      build({
        pullRequests: {
          ...PULL_REQUESTS,
          tokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:drift-audit/github-token',
          repository: 'estate-config',
        },
      }),
    ).toThrow(
      /pullRequests\.repository must be owner\/name, got "estate-config"[\s\S]*pullRequests\.tokenSecretArn must be the secret's full ARN, with its 6-character suffix/,
    );
  });

  it('stays cdk-nag clean with pull requests on', () => {
    // Prepare
    const { stack } = build({ pullRequests: PULL_REQUESTS });

    // Act
    const violations = new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName);

    // Assess
    expect(violations).toEqual([]);
  });
});

describe('Function: parseDriftAuditContext, pull-request keys', () => {
  it('reads the repository, base branch, baseline path and token secret ARN', () => {
    // Act
    const settings = parseDriftAuditContext(
      (key) =>
        ({
          'driftAudit:pullRequestRepository': 'acme/estate-config',
          'driftAudit:pullRequestBaseBranch': 'release',
          'driftAudit:pullRequestBaselinePath': 'config/baseline.yaml',
          'driftAudit:githubTokenSecretArn': SECRET_ARN,
        })[key],
    );

    // Assess
    expect(settings).toMatchObject({
      pullRequestRepository: 'acme/estate-config',
      pullRequestBaseBranch: 'release',
      pullRequestBaselinePath: 'config/baseline.yaml',
      githubTokenSecretArn: SECRET_ARN,
    });
  });

  it('asks for all three keys together, naming them', () => {
    // Act
    let problems: readonly string[] = [];
    try {
      parseDriftAuditContext((key) => ({ 'driftAudit:pullRequestRepository': 'acme/estate-config' })[key]);
    } catch (error) {
      if (error instanceof DriftAuditContextError) problems = error.problems;
    }

    // Assess
    expect(problems).toEqual([
      'driftAudit:pullRequestRepository, driftAudit:pullRequestBaselinePath and driftAudit:githubTokenSecretArn go together: set all three or none',
    ]);
  });
});
