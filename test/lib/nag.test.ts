import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { scopeForRole } from '../../lib/audit-scope.js';
import { DriftAuditReadRole } from '../../lib/drift-audit-read-role.js';
import { DriftAuditStack } from '../../lib/drift-audit-stack.js';
import { DriftAuditor } from '../../lib/drift-auditor.js';
import { FIXTURE_BASELINE_DIR, FIXTURE_ENTRY, MEMBER_ACCOUNT, MEMBER_ROLE_ARN, PINNED_ENV, newStack, sampleScope } from './cdk-test-support.js';

/** cdk-nag AwsSolutions violations of a stack, after synthesis (so every grant is in place). */
function violations(stack: Stack): { rule: string; severity: string; paths: (string | undefined)[] }[] {
  Template.fromStack(stack);
  return new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity ?? 'error',
    paths: violation.violatingResources.map((resource) => resource.constructPath),
  }));
}

function acknowledgements(root: IConstruct): { path: string; id: string; reason: unknown }[] {
  return root.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({ path: construct.node.path, id, reason }))),
    );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in a DriftAuditor with every option on', () => {
    // Prepare
    const stack = newStack(PINNED_ENV);
    new DriftAuditor(stack, 'Auditor', {
      scope: sampleScope(),
      baselineDirectory: FIXTURE_BASELINE_DIR,
      auditHandlerEntry: FIXTURE_ENTRY,
      notifierHandlerEntry: FIXTURE_ENTRY,
      alertEmail: 'oncall@example.com',
      slackWebhookSecretName: 'drift-audit/slack-webhook',
      chatbot: { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' },
      auditRoleName: 'drift-audit-auditor',
    });

    // Act / Assess
    expect(violations(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged in a DriftAuditReadRole', () => {
    // Prepare
    const stack = newStack({ account: MEMBER_ACCOUNT, region: 'eu-west-1' });
    new DriftAuditReadRole(stack, 'Read', { auditorAccountId: PINNED_ENV.account as string, scope: scopeForRole(sampleScope(), MEMBER_ROLE_ARN) });

    // Act / Assess
    expect(violations(stack)).toEqual([]);
  });

  it('lets the app synthesize with the AwsSolutions plugin registered, as bin/app.ts does', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new DriftAuditStack(app, 'DriftAuditStack', { auditHandlerEntry: FIXTURE_ENTRY, notifierHandlerEntry: FIXTURE_ENTRY });

    // Act / Assess
    expect(() => app.synth()).not.toThrow();
  });

  it('gives every acknowledgement a reason a reviewer can judge', () => {
    // Prepare
    const stack = newStack(PINNED_ENV);
    new DriftAuditor(stack, 'Auditor', {
      scope: sampleScope(),
      baselineDirectory: FIXTURE_BASELINE_DIR,
      auditHandlerEntry: FIXTURE_ENTRY,
      notifierHandlerEntry: FIXTURE_ENTRY,
      slackWebhookSecretName: 'drift-audit/slack-webhook',
    });

    // Act
    const acknowledged = acknowledgements(stack);

    // Assess
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledged) {
      expect(typeof reason === 'string' && reason.length >= 40, `reason of ${id}`).toBe(true);
    }
    // Rule-wide acknowledgements are limited to rules a whole resource fails by design.
    const ruleWide = acknowledged.filter(({ id }) => !id.includes('[')).map(({ id }) => id.replace(/^Annotation::/i, ''));
    expect([...new Set(ruleWide)].sort()).toEqual(['AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SQS3']);
  });

  it('does report a non-compliant resource (the check is live)', () => {
    // Prepare
    const stack = newStack();
    new Bucket(stack, 'Plain');

    // Act
    const rules = violations(stack).map((violation) => violation.rule);

    // Assess
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});
