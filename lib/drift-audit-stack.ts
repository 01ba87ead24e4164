import { resolve } from 'node:path';
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { loadBaselineDir, type BaselineDirResult } from '../lambdas/baseline/load-baseline-dir.js';
import { BaselineInvalidError, formatBaselineIssue } from '../lambdas/engine/baseline/baseline-issue.js';
import { auditScopeFromBaseline, type AuditScope } from './audit-scope.js';
import { parseDriftAuditContext, type DriftAuditContext } from './context.js';
import { DriftAuditor } from './drift-auditor.js';
import { networkPropsOf } from './network-context.js';

/** Name `bin/app.ts` gives the stack; the history CLI looks this stack's outputs up by default. */
export const DEFAULT_STACK_NAME = 'DriftAuditStack';

/** Output keys of the stack: read by the CLI (`history` finds the table here) and by people. */
export const DRIFT_AUDIT_STACK_OUTPUTS = {
  historyTableName: 'HistoryTableName',
  bucketName: 'BucketName',
  baselineKey: 'BaselineKey',
  baselineVersion: 'BaselineVersion',
  alertTopicArn: 'AlertTopicArn',
  opsTopicArn: 'OpsTopicArn',
  auditFunctionName: 'AuditFunctionName',
  auditRoleArn: 'AuditRoleArn',
} as const;

/** Output key of the functions' security groups, present when the stack runs them in a VPC. */
export const AUDIT_SECURITY_GROUPS_OUTPUT = 'AuditSecurityGroupIds';

/** Properties of {@link DriftAuditStack}. */
export interface DriftAuditStackProps extends StackProps {
  /**
   * Settings, normally from cdk.json context.
   * @default - parsed from this stack's context with `parseDriftAuditContext`
   */
  readonly settings?: DriftAuditContext;
  /**
   * Reads and validates the baseline directory.
   * @default loadBaselineDir
   */
  readonly loadBaselineDir?: (dir: string) => BaselineDirResult;
  /**
   * Entry file of the audit handler.
   * @default - DriftAuditor's default, `<repo>/lambdas/audit/handler.ts`
   */
  readonly auditHandlerEntry?: string;
  /**
   * Entry file of the Slack notifier.
   * @default - DriftAuditor's default, `<repo>/lambdas/notify-slack/handler.ts`
   */
  readonly notifierHandlerEntry?: string;
  /**
   * Entry file of the fan-out collector (with `driftAudit:collection` `state-machine`).
   * @default - DriftAuditor's default, `<repo>/lambdas/fanout/collect-target-handler.ts`
   */
  readonly collectorHandlerEntry?: string;
}

/**
 * The stack users deploy: one `DriftAuditor` configured from cdk.json context (see `DriftAuditContext`
 * for every key and default). It reads and validates the baseline at synth, so an invalid baseline
 * stops `cdk synth`/`cdk deploy` with every located error, and derives the auditor's permissions from
 * the baseline's declared sources.
 */
export class DriftAuditStack extends Stack {
  readonly auditor: DriftAuditor;
  readonly settings: DriftAuditContext;
  readonly auditScope: AuditScope;
  /** Content hash of the baseline deployed (`sha256:...`). */
  readonly baselineVersion: string;

  constructor(scope: Construct, id: string, props: DriftAuditStackProps = {}) {
    super(scope, id, {
      description: 'drift-audit: scheduled configuration drift auditor (SSM Parameter Store and EKS workloads)',
      ...props,
    });
    const settings = props.settings ?? parseDriftAuditContext((key) => this.node.tryGetContext(key));
    this.settings = settings;

    const directory = resolve(settings.baselineDir);
    const loaded = (props.loadBaselineDir ?? loadBaselineDir)(directory);
    if (!loaded.ok) {
      const errors = loaded.issues.filter((issue) => issue.severity === 'error');
      const listed = (errors.length > 0 ? errors : loaded.issues).map((issue) => formatBaselineIssue(issue, { dir: settings.baselineDir }));
      throw new Error(
        `cannot synthesize ${id}: the baseline in ${settings.baselineDir} is invalid (${listed.length} error(s)); ` +
          `fix it, then run \`drift-audit baseline validate ${settings.baselineDir}\`:\n  ${listed.join('\n  ')}`,
        { cause: new BaselineInvalidError(loaded.issues) },
      );
    }
    for (const warning of loaded.warnings) {
      Annotations.of(this).addWarningV2('drift-audit:baseline-warning', formatBaselineIssue(warning, { dir: settings.baselineDir }));
    }
    this.baselineVersion = loaded.version;
    this.auditScope = auditScopeFromBaseline(loaded.baseline);

    const bucket = settings.bucketName ? Bucket.fromBucketName(this, 'ExistingBucket', settings.bucketName) : undefined;
    this.auditor = new DriftAuditor(this, 'Auditor', {
      scope: this.auditScope,
      ...(settings.uploadBaseline && { baselineDirectory: directory, baselineFiles: loaded.files }),
      ...(bucket && { bucket }),
      baselineKey: settings.baselineKey,
      reportRetention: Duration.days(settings.reportRetentionDays),
      schedule: settings.schedule,
      ...(settings.expectedRunIntervalMinutes !== undefined && {
        expectedRunInterval: Duration.minutes(settings.expectedRunIntervalMinutes),
      }),
      timeout: Duration.minutes(settings.timeoutMinutes),
      memorySize: settings.memoryMb,
      ssmRequestsPerSecond: settings.ssmRequestsPerSecond,
      ssmDescribeRequestsPerSecond: settings.ssmDescribeRequestsPerSecond,
      reminders: settings.reminders && {
        staleAfterDays: settings.reminderStaleAfterDays,
        exceptionWarningDays: settings.reminderExceptionWarningDays,
      },
      dashboard: settings.dashboard,
      logRetention: settings.logRetentionDays,
      auditRoleName: settings.auditRoleName,
      ...(settings.alertEmail !== undefined && { alertEmail: settings.alertEmail }),
      ...(settings.opsEmail !== undefined && { opsEmail: settings.opsEmail }),
      ...(settings.slackWebhookSecretName !== undefined && { slackWebhookSecretName: settings.slackWebhookSecretName }),
      ...(settings.chatbotWorkspaceId !== undefined &&
        settings.chatbotChannelId !== undefined && {
          chatbot: { slackWorkspaceId: settings.chatbotWorkspaceId, slackChannelId: settings.chatbotChannelId },
        }),
      ...(settings.pullRequestRepository !== undefined &&
        settings.pullRequestBaselinePath !== undefined &&
        settings.githubTokenSecretArn !== undefined && {
          pullRequests: {
            repository: settings.pullRequestRepository,
            ...(settings.pullRequestBaseBranch !== undefined && { baseBranch: settings.pullRequestBaseBranch }),
            baselinePath: settings.pullRequestBaselinePath,
            tokenSecretArn: settings.githubTokenSecretArn,
          },
        }),
      ...(settings.changeEvents && {
        changeEvents: {
          batchingWindow: Duration.seconds(settings.changeBatchingWindowSeconds),
          ...(settings.changeEventsOrganizationId !== undefined && { organizationId: settings.changeEventsOrganizationId }),
          kubernetesAuditLogs: settings.kubernetesAuditLogs,
        },
      }),
      collection: settings.collection,
      ...(settings.collection === 'state-machine' && {
        fanOut: {
          ...(settings.fanOutMaxConcurrency !== undefined && { maxConcurrency: settings.fanOutMaxConcurrency }),
          ...(settings.fanOutTargetTimeoutSeconds !== undefined && { targetTimeout: Duration.seconds(settings.fanOutTargetTimeoutSeconds) }),
        },
      }),
      ...(settings.network !== undefined && { network: networkPropsOf(this, settings.network) }),
      ...(props.auditHandlerEntry !== undefined && { auditHandlerEntry: props.auditHandlerEntry }),
      ...(props.notifierHandlerEntry !== undefined && { notifierHandlerEntry: props.notifierHandlerEntry }),
      ...(props.collectorHandlerEntry !== undefined && { collectorHandlerEntry: props.collectorHandlerEntry }),
    });

    const outputs: Record<keyof typeof DRIFT_AUDIT_STACK_OUTPUTS, { value: string; description: string }> = {
      historyTableName: { value: this.auditor.historyTable.tableName, description: 'DynamoDB history table (drift-audit history --table)' },
      bucketName: { value: this.auditor.bucket.bucketName, description: 'Bucket holding the baseline bundle, run reports and state' },
      baselineKey: { value: this.auditor.baselineKey, description: 'Object key of the baseline bundle' },
      baselineVersion: { value: this.baselineVersion, description: 'Content hash of the baseline deployed by this synth' },
      alertTopicArn: { value: this.auditor.topic.topicArn, description: 'SNS topic of drift alerts (drift-audit.run/1)' },
      opsTopicArn: { value: this.auditor.opsTopic.topicArn, description: 'SNS topic of auditor health alarms' },
      auditFunctionName: { value: this.auditor.auditFunction.functionName, description: 'Audit Lambda function (invoke to run an audit now)' },
      auditRoleArn: { value: this.auditor.readerRole.roleArn, description: 'Role member accounts trust (DriftAuditReadRole)' },
    };
    for (const [key, output] of Object.entries(outputs)) {
      new CfnOutput(this, DRIFT_AUDIT_STACK_OUTPUTS[key as keyof typeof DRIFT_AUDIT_STACK_OUTPUTS], output);
    }
    const network = this.auditor.network;
    if (network !== undefined) {
      new CfnOutput(this, AUDIT_SECURITY_GROUPS_OUTPUT, {
        value: network.securityGroups.map((group) => group.securityGroupId).join(','),
        description: "Security group(s) of the auditor's functions: allow them TCP 443 in each private cluster's security group",
      });
    }
  }
}
