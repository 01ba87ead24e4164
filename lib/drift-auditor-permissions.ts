import { Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyDocument, PolicyStatement, type IRole, type Role } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { FANOUT_FOLDER } from '../lambdas/fanout/fanout-layout.js';
import { HISTORY_WRITER_ACTIONS } from '../lambdas/sinks/history/table-schema.js';
import { directScope } from './audit-scope.js';
import type { DriftAuditorProps } from './drift-auditor-props.js';
import type { Settings } from './drift-auditor-settings.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';
import { DESCRIBE_PARAMETERS_REASON, readStatements } from './read-permissions.js';

/** Statement ids of the audit role's own (non-read) permissions. */
export const AUDIT_STATEMENT_SIDS = {
  readBaseline: 'ReadBaseline',
  listBucket: 'ListBucketSoMissingKeysReadAsNotFound',
  writeReports: 'WriteRunReports',
  keepState: 'KeepAuditorState',
  bucketKey: 'UseBucketKeyThroughS3',
  history: 'ReadWriteRunHistory',
  historyIndexes: 'QueryHistoryIndexes',
  publish: 'PublishAlerts',
  topicKey: 'EncryptAlertsThroughSns',
  logs: 'WriteOwnLogs',
  githubToken: 'ReadGitHubTokenSecret',
  readFanOutResults: 'ReadFanOutTargetResults',
} as const;

/** What the audit role is granted access to, besides the reads the scope declares. */
export interface AuditResources {
  readonly bucket: IBucket;
  readonly historyTable: Table;
  readonly topic: Topic;
  readonly chatbotTopic?: Topic;
  readonly topicKey: Key;
  /** The audit function's own log group. */
  readonly logGroup: LogGroup;
}

/**
 * The audit role's policy: direct reads of what the scope declares (or the right to assume each
 * environment's role), the bucket's baseline, report and state prefixes, the history table and its
 * indexes, publishing to the alert topics through their key, and its own log group. Nothing more.
 */
export function grantAuditPermissions(scope: Construct, role: Role, resources: AuditResources, props: DriftAuditorProps, settings: Settings): void {
  const { bucket, historyTable, topic, chatbotTopic, topicKey, logGroup } = resources;
  const bucketArn = bucket.bucketArn;
  // With the fan-out the collectors read the estate; the audit function only plans and publishes, unless
  // change events make it re-read what they touched.
  if (settings.auditFunctionReads) grantSourceReads(scope, role, props);
  if (settings.fanOut !== undefined) {
    const results = new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.readFanOutResults,
      actions: ['s3:GetObject'],
      resources: [`${bucketArn}/${settings.reportPrefix}${FANOUT_FOLDER}*`],
    });
    role.addToPrincipalPolicy(results);
    acknowledgeWildcards(role, [results], "The final step reads the run's manifest and its targets' results, one prefix per run under the fan-out folder.");
  }

  const storage = [
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.readBaseline,
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [`${bucketArn}/${settings.baselineKey}`],
    }),
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.listBucket,
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
    }),
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.writeReports,
      actions: ['s3:PutObject'],
      resources: [`${bucketArn}/${settings.reportPrefix}*`],
    }),
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.keepState,
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [`${bucketArn}/${settings.statePrefix}*`],
    }),
  ];
  for (const statement of storage) role.addToPrincipalPolicy(statement);
  acknowledgeWildcards(
    role,
    storage,
    'Reports and state are written under their own key prefixes, one object per run; the prefix wildcard is the narrowest resource for new keys.',
  );
  if (bucket.encryptionKey) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: AUDIT_STATEMENT_SIDS.bucketKey,
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [bucket.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(scope).region}.amazonaws.com` } },
      }),
    );
  }

  const tableArn = historyTable.tableArn;
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.history,
      // Exactly what the history store sends; DeleteItem is how a crashed run is rolled back.
      actions: [...HISTORY_WRITER_ACTIONS],
      resources: [tableArn],
    }),
  );
  const indexes = new PolicyStatement({
    sid: AUDIT_STATEMENT_SIDS.historyIndexes,
    actions: ['dynamodb:Query'],
    resources: [`${tableArn}/index/*`],
  });
  role.addToPrincipalPolicy(indexes);
  acknowledgeWildcards(role, [indexes], "Query only, on the history table's own indexes (byRegion, byKey, byEnvironment, open).");

  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.publish,
      actions: ['sns:Publish'],
      resources: [topic.topicArn, ...(chatbotTopic ? [chatbotTopic.topicArn] : [])],
    }),
  );
  // SNS requires both actions from a publisher to an encrypted topic. Limited to the topic key and to
  // calls made through SNS, so it can never decrypt a SecureString (aws/ssm or any other key).
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.topicKey,
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [topicKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(scope).region}.amazonaws.com` } },
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.logs,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  // Pull requests: the one token secret, by its full ARN, read-only.
  if (props.pullRequests) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: AUDIT_STATEMENT_SIDS.githubToken,
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.pullRequests.tokenSecretArn],
      }),
    );
  }
}

/**
 * What the role that reads the estate may read: direct reads of what the scope declares, or the right
 * to assume each environment's role. The audit role on the single-function path, the collector role
 * with the fan-out.
 */
export function grantSourceReads(scope: Construct, role: Role, props: Pick<DriftAuditorProps, 'scope'>): void {
  // Direct reads for environments without a role; for the others, only the right to assume their role.
  const read = readStatements(scope, { ...directScope(props.scope), roleArns: props.scope.roleArns });
  // Every registered kind's statements, in registry order, then the role assumptions: a new kind's
  // reads reach the role with no change here.
  for (const statement of Object.values(read)) if (statement) role.addToPrincipalPolicy(statement);
  if (read.parameterTrees) {
    acknowledgeWildcards(
      role,
      [read.parameterTrees],
      'SSM reads are limited to the path trees the baseline declares; `<path>/*` is the tree itself (GetParameters names each parameter under it).',
    );
  }
  if (read.describeParameters) acknowledgeWildcards(role, [read.describeParameters], DESCRIBE_PARAMETERS_REASON);
}

/** A role's default policy document (empty when it has none yet), for nag acknowledgements of what CDK granted. */
export function defaultPolicyDocument(role: IRole): PolicyDocument {
  const policy = role.node.tryFindChild('DefaultPolicy');
  return policy instanceof Policy ? policy.document : new PolicyDocument();
}
