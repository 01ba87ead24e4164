import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, Policy, PolicyDocument, PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HISTORY_TABLE_SCHEMA, HISTORY_WRITER_ACTIONS } from '../lambdas/sinks/history/table-schema.js';
import {
  AUDIT_FUNCTION_ENV,
  AUDIT_SCHEDULE_EVENT_SOURCE,
  DEFAULT_AUDIT_SERVICE_NAME,
  DEFAULT_METRICS_NAMESPACE,
  NOTIFY_SLACK_FUNCTION_ENV,
} from './audit-function-environment.js';
import { directScope, type AuditScope } from './audit-scope.js';
import { baselineBundle, readBaselineBundle, type BaselineBundle, type BaselineBundleFile } from './baseline-bundle.js';
import { DriftAuditAccessEntries } from './drift-audit-access-entries.js';
import { DriftAuditorAlarms } from './drift-auditor-alarms.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';
import { DESCRIBE_PARAMETERS_REASON, readStatements, unreachableEntries } from './read-permissions.js';
import { parseScheduleExpression } from './schedule-expression.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Node.js runtime of both functions: the newest cdk-lib knows, so cdk-nag L1 passes and it is pinned. */
export const DRIFT_AUDIT_RUNTIME = Runtime.NODEJS_24_X;

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
} as const;

/** Where the Slack messages go through AWS Chatbot. */
export interface DriftAuditorChatbotProps {
  /** Slack workspace (team) id, as shown in the Chatbot console: `T0123ABCD`. */
  readonly slackWorkspaceId: string;
  /** Slack channel id: `C0123ABCD`. */
  readonly slackChannelId: string;
  /**
   * Name of the Chatbot channel configuration, unique in the account.
   * @default - derived from the construct path
   */
  readonly configurationName?: string;
}

/** Properties of {@link DriftAuditor}. */
export interface DriftAuditorProps {
  /** What the auditor reads (from `auditScopeFromBaseline`): drives every read permission and access entry. */
  readonly scope: AuditScope;
  /**
   * Local baseline directory uploaded on deploy as one bundle object at `baselineKey`.
   * @default - nothing is uploaded unless `baselineFiles` is given; without either, the baseline object
   * in `bucket` is managed elsewhere (requires `bucket`)
   */
  readonly baselineDirectory?: string;
  /**
   * Baseline files already read (pass `loadBaselineDir(dir).files`), uploaded as given so the upload is
   * exactly what was validated at synth. Takes precedence over reading `baselineDirectory` again.
   * @default - the top-level `*.yaml` and `*.yml` files of `baselineDirectory`
   */
  readonly baselineFiles?: readonly BaselineBundleFile[];
  /**
   * Existing bucket for the baseline, reports and state. Its lifecycle and encryption are left as they are.
   * @default - a new versioned, S3-encrypted, SSL-only bucket with report expiry
   */
  readonly bucket?: IBucket;
  /**
   * Object key of the baseline bundle.
   * @default 'baseline/baseline.json'
   */
  readonly baselineKey?: string;
  /**
   * Key prefix of run reports.
   * @default 'reports/'
   */
  readonly reportPrefix?: string;
  /**
   * Key prefix of the handler's long-lived state (last valid baseline).
   * @default 'state/'
   */
  readonly statePrefix?: string;
  /**
   * How long report objects are kept (new bucket only).
   * @default Duration.days(90)
   */
  readonly reportRetention?: Duration;
  /**
   * How long noncurrent object versions are kept; the 10 newest are always kept (new bucket only).
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * Bucket receiving S3 server access logs of the new bucket.
   * @default - no access logs (reads and writes come from this construct's roles only; CloudTrail data events cover audit needs)
   */
  readonly serverAccessLogsBucket?: IBucket;
  /**
   * EventBridge Scheduler expression of the audit: `rate(...)` or `cron(...)`.
   * @default 'rate(1 hour)'
   */
  readonly schedule?: string;
  /**
   * How often a successful run is expected, for the dead-man's switch. A multiple of one minute, at most 3.5 days.
   * @default - the interval of a `rate()` schedule; required with `cron()`
   */
  readonly expectedRunInterval?: Duration;
  /**
   * Retries of a failed delivery by Scheduler and of a failed asynchronous invocation by Lambda (0-2 for Lambda).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Age after which an undelivered or throttled run is dropped to the dead-letter queue (1 minute to 6 hours).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * Timeout of the audit function (at most 15 minutes).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Memory of the audit function in MiB; CPU scales with it.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * SSM request budget per region, shared with the applications' own reads of the same quota.
   * @default 20 (half of the default 40 requests per second)
   */
  readonly ssmRequestsPerSecond?: number;
  /**
   * Retention of the functions' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Email address subscribed to drift alerts (confirmation required).
   * @default - no email subscription
   */
  readonly alertEmail?: string;
  /**
   * Email address subscribed to the ops topic (auditor health alarms).
   * @default - `alertEmail`
   */
  readonly opsEmail?: string;
  /**
   * Name of the Secrets Manager secret holding the Slack incoming-webhook URL; enables the Slack notifier.
   * @default - no Slack notifier
   */
  readonly slackWebhookSecretName?: string;
  /**
   * AWS Chatbot Slack channel fed with drift alerts (custom-notification format) and health alarms.
   * @default - no Chatbot configuration
   */
  readonly chatbot?: DriftAuditorChatbotProps;
  /**
   * CloudWatch namespace of the handler's metrics.
   * @default 'DriftAudit'
   */
  readonly metricsNamespace?: string;
  /**
   * Powertools service name of the audit function (the metrics' `service` dimension).
   * @default 'drift-audit'
   */
  readonly serviceName?: string;
  /**
   * Fixed name of the audit role, so member accounts can trust it (`DriftAuditReadRole`).
   * @default - a generated name
   */
  readonly auditRoleName?: string;
  /**
   * Entry file of the audit handler (exports `handler`).
   * @default '<repo>/lambdas/audit/handler.ts'
   */
  readonly auditHandlerEntry?: string;
  /**
   * Entry file of the Slack notifier (exports `handler`).
   * @default '<repo>/lambdas/notify-slack/handler.ts'
   */
  readonly notifierHandlerEntry?: string;
}

/**
 * The scheduled drift auditor: baseline bucket, history table, alert and ops topics, the audit function
 * with least-privilege read access to what the baseline declares, its schedule, alarms, EKS access
 * entries, and optionally Slack (webhook notifier and/or AWS Chatbot).
 */
export class DriftAuditor extends Construct {
  readonly bucket: IBucket;
  readonly baselineKey: string;
  readonly historyTable: Table;
  /** Customer managed key (rotated) encrypting every topic of the construct. */
  readonly topicKey: Key;
  /** Drift alerts: one `drift-audit.run/1` message per run with transitions. */
  readonly topic: Topic;
  /** Health alarms of the auditor itself. */
  readonly opsTopic: Topic;
  /** Chatbot custom notifications, when Chatbot is configured. */
  readonly chatbotTopic?: Topic;
  readonly auditRole: Role;
  readonly auditFunction: NodejsFunction;
  readonly notifierFunction?: NodejsFunction;
  /** Receives scheduled runs Scheduler could not deliver and invocations that failed after retries. */
  readonly deadLetterQueue: Queue;
  readonly schedule: Schedule;
  readonly alarms: DriftAuditorAlarms;
  readonly accessEntries: DriftAuditAccessEntries;
  readonly chatbot?: SlackChannelConfiguration;

  constructor(scope: Construct, id: string, props: DriftAuditorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const settings = resolveSettings(props);

    const unreachable = unreachableEntries(stack, props.scope);
    if (unreachable.length > 0) {
      const names = [...new Set(unreachable.flatMap((entry) => entry.environments))].sort();
      throw new Error(
        `cannot grant the auditor access to environment(s) ${names.join(', ')}: they are in account(s) ` +
          `${[...new Set(unreachable.map((entry) => entry.account))].sort().join(', ')}, the stack deploys to ` +
          `${stack.account}, and they declare no role_arn; add a role_arn (see DriftAuditReadRole) or deploy ` +
          'the auditor in their account',
      );
    }

    // Storage ---------------------------------------------------------------------------------
    // As IBucket: Bucket's `isWebsite` getter is typed `boolean | undefined`, IBucket's optional field `boolean` (aws-cdk-lib, under exactOptionalPropertyTypes).
    this.bucket = props.bucket ?? (this.createBucket(props, settings) as IBucket);
    this.baselineKey = settings.baselineKey;
    if (props.baselineFiles !== undefined || props.baselineDirectory !== undefined) {
      const bundle = props.baselineFiles ? baselineBundle(props.baselineFiles) : readBaselineBundle(props.baselineDirectory ?? '');
      this.deployBaseline(bundle, settings);
    }

    this.historyTable = new Table(this, 'HistoryTable', {
      partitionKey: { name: HISTORY_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: HISTORY_TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: HISTORY_TABLE_SCHEMA.timeToLiveAttribute,
      // History is the record of what drifted when; losing it with a stack delete is never intended.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, index] of Object.entries(HISTORY_TABLE_SCHEMA.indexes)) {
      this.historyTable.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }

    // Topics ----------------------------------------------------------------------------------
    this.topicKey = new Key(this, 'TopicKey', {
      description: 'drift-audit: encrypts the alert, ops and Chatbot topics',
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted ops topic and must use the key for it.
    // Only for alarms of this account and region (confused deputy): the alarms' own ARNs cannot be
    // named here, since each alarm's action refers to the topic, which refers to this key.
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }),
    );
    this.topic = new Topic(this, 'AlertTopic', {
      displayName: 'drift-audit alerts',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.opsTopic = new Topic(this, 'OpsTopic', {
      displayName: 'drift-audit auditor health',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    if (props.chatbot) {
      this.chatbotTopic = new Topic(this, 'ChatbotTopic', {
        displayName: 'drift-audit Chatbot notifications',
        masterKey: this.topicKey,
        enforceSSL: true,
      });
    }
    if (props.alertEmail) this.topic.addSubscription(new EmailSubscription(props.alertEmail));
    const opsEmail = props.opsEmail ?? props.alertEmail;
    if (opsEmail) this.opsTopic.addSubscription(new EmailSubscription(opsEmail));

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the schedule and the functions; a DLQ of a DLQ adds nothing.',
    });

    // Audit function --------------------------------------------------------------------------
    this.auditRole = new Role(this, 'AuditRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'drift-audit: reads the declared SSM trees and EKS clusters, records history, publishes alerts',
      ...(props.auditRoleName !== undefined && { roleName: props.auditRoleName }),
    });
    const auditLogGroup = new LogGroup(this, 'AuditLogGroup', { retention: settings.logRetention });
    this.grantAuditPermissions(props, settings, auditLogGroup);

    this.auditFunction = new NodejsFunction(this, 'AuditFunction', {
      ...functionBase(settings.auditEntry),
      description: 'drift-audit: scheduled configuration drift audit',
      role: this.auditRole,
      logGroup: auditLogGroup,
      timeout: settings.timeout,
      memorySize: settings.memorySize,
      // One run at a time: overlapping runs would race on history and double-alert.
      reservedConcurrentExecutions: 1,
      retryAttempts: settings.retryAttempts,
      maxEventAge: settings.maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [AUDIT_FUNCTION_ENV.baselineBucket]: this.bucket.bucketName,
        [AUDIT_FUNCTION_ENV.baselineKey]: settings.baselineKey,
        [AUDIT_FUNCTION_ENV.reportPrefix]: settings.reportPrefix,
        [AUDIT_FUNCTION_ENV.statePrefix]: settings.statePrefix,
        [AUDIT_FUNCTION_ENV.historyTable]: this.historyTable.tableName,
        [AUDIT_FUNCTION_ENV.topicArn]: this.topic.topicArn,
        ...(this.chatbotTopic && { [AUDIT_FUNCTION_ENV.chatbotTopicArn]: this.chatbotTopic.topicArn }),
        [AUDIT_FUNCTION_ENV.ssmRequestsPerSecond]: String(settings.ssmRequestsPerSecond),
        [AUDIT_FUNCTION_ENV.serviceName]: settings.serviceName,
        [AUDIT_FUNCTION_ENV.metricsNamespace]: settings.metricsNamespace,
      },
    });

    // Schedule --------------------------------------------------------------------------------
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'drift-audit: lets EventBridge Scheduler invoke the audit function',
    });
    this.schedule = new Schedule(this, 'Schedule', {
      schedule: ScheduleExpression.expression(settings.schedule),
      description: 'drift-audit: runs the configuration drift audit',
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.auditFunction, {
        role: schedulerRole,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: settings.retryAttempts,
        maxEventAge: settings.maxEventAge,
        input: ScheduleTargetInput.fromObject({
          source: AUDIT_SCHEDULE_EVENT_SOURCE,
          scheduledTime: ContextAttribute.scheduledTime,
          scheduleArn: ContextAttribute.scheduleArn,
          executionId: ContextAttribute.executionId,
          attemptNumber: ContextAttribute.attemptNumber,
        }),
      }),
    });

    acknowledgeWildcards(
      schedulerRole,
      defaultPolicyDocument(schedulerRole),
      'aws-cdk-lib grants lambda:InvokeFunction on the audit function and its versions (`<arn>:*`); the role can invoke nothing else.',
    );

    // EKS -------------------------------------------------------------------------------------
    this.accessEntries = new DriftAuditAccessEntries(this, 'AccessEntries', {
      principalArn: this.auditRole.roleArn,
      clusters: directScope(props.scope).clusters,
    });

    // Slack -----------------------------------------------------------------------------------
    if (props.slackWebhookSecretName !== undefined) {
      this.notifierFunction = this.createNotifier(props.slackWebhookSecretName, settings);
    }
    if (props.chatbot && this.chatbotTopic) {
      this.chatbot = new SlackChannelConfiguration(this, 'Chatbot', {
        slackChannelConfigurationName: props.chatbot.configurationName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
        slackWorkspaceId: props.chatbot.slackWorkspaceId,
        slackChannelId: props.chatbot.slackChannelId,
        notificationTopics: [this.chatbotTopic, this.opsTopic],
        // Without guardrails Chatbot applies AdministratorAccess to channel members' commands.
        guardrailPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
        loggingLevel: LoggingLevel.ERROR,
      });
    }

    // Alarms ----------------------------------------------------------------------------------
    this.alarms = new DriftAuditorAlarms(this, 'Alarms', {
      auditFunction: this.auditFunction,
      auditTimeout: settings.timeout,
      deadLetterQueue: this.deadLetterQueue,
      expectedRunInterval: settings.expectedRunInterval,
      metricsNamespace: settings.metricsNamespace,
      serviceName: settings.serviceName,
      ...(this.notifierFunction && { notifierFunction: this.notifierFunction }),
      action: new SnsAction(this.opsTopic),
    });
  }

  private createBucket(props: DriftAuditorProps, settings: Settings): Bucket {
    const bucket = new Bucket(this, 'Bucket', {
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.serverAccessLogsBucket && {
        serverAccessLogsBucket: props.serverAccessLogsBucket,
        serverAccessLogsPrefix: 'drift-audit/',
      }),
      lifecycleRules: [
        { id: 'ExpireOldReports', prefix: settings.reportPrefix, expiration: settings.reportRetention },
        {
          id: 'ExpireNoncurrentVersions',
          noncurrentVersionExpiration: settings.noncurrentVersionRetention,
          noncurrentVersionsToRetain: 10,
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    if (!props.serverAccessLogsBucket) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          "Only this construct's roles read or write the bucket (public access blocked, SSL only); CloudTrail data " +
          'events are the audit trail. Pass serverAccessLogsBucket to enable access logs.',
      });
    }
    return bucket;
  }

  private deployBaseline(bundle: BaselineBundle, settings: Settings): void {
    const slash = settings.baselineKey.lastIndexOf('/');
    const deployRole = new Role(this, 'BaselineDeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'drift-audit: copies the baseline bundle into the bucket on deploy',
    });
    const deployLogGroup = new LogGroup(this, 'BaselineDeploymentLogGroup', { retention: settings.logRetention });
    deployRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: AUDIT_STATEMENT_SIDS.logs,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [deployLogGroup.logGroupArn],
      }),
    );
    new BucketDeployment(this, 'BaselineDeployment', {
      destinationBucket: this.bucket,
      ...(slash >= 0 && { destinationKeyPrefix: settings.baselineKey.slice(0, slash + 1) }),
      sources: [Source.data(settings.baselineKey.slice(slash + 1), `${JSON.stringify(bundle, null, 2)}\n`)],
      contentType: 'application/json',
      // Never delete other objects under the prefix; keep the object (and its versions) if the stack goes.
      prune: false,
      retainOnDelete: true,
      role: deployRole,
      logGroup: deployLogGroup,
    });
    acknowledgeWildcards(
      deployRole,
      defaultPolicyDocument(deployRole),
      'Grants made by aws-cdk-lib BucketDeployment (read of the CDK asset object, read/write of the destination ' +
        'bucket) for its deploy-time copy; not configurable, and the role runs only during deployments.',
    );
    const handler = stackChildStartingWith(this, 'Custom::CDKBucketDeployment');
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: "The runtime of aws-cdk-lib BucketDeployment's handler is chosen by aws-cdk-lib; it runs only during deployments.",
      });
    }
  }

  private grantAuditPermissions(props: DriftAuditorProps, settings: Settings, logGroup: LogGroup): void {
    const role = this.auditRole;
    const bucketArn = this.bucket.bucketArn;
    // Direct reads for environments without a role; for the others, only the right to assume their role.
    const read = readStatements(this, { ...directScope(props.scope), roleArns: props.scope.roleArns });
    const reads = [read.parameterTrees, read.describeParameters, read.clusters, read.assumeRoles];
    for (const statement of reads) if (statement) role.addToPrincipalPolicy(statement);
    if (read.parameterTrees) {
      acknowledgeWildcards(
        role,
        [read.parameterTrees],
        'SSM reads are limited to the path trees the baseline declares; `<path>/*` is the tree itself (GetParameters names each parameter under it).',
      );
    }
    if (read.describeParameters) acknowledgeWildcards(role, [read.describeParameters], DESCRIBE_PARAMETERS_REASON);

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
    if (this.bucket.encryptionKey) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: AUDIT_STATEMENT_SIDS.bucketKey,
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [this.bucket.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }

    const tableArn = this.historyTable.tableArn;
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
        resources: [this.topic.topicArn, ...(this.chatbotTopic ? [this.chatbotTopic.topicArn] : [])],
      }),
    );
    // SNS requires both actions from a publisher to an encrypted topic. Limited to the topic key and to
    // calls made through SNS, so it can never decrypt a SecureString (aws/ssm or any other key).
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: AUDIT_STATEMENT_SIDS.topicKey,
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.topicKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: AUDIT_STATEMENT_SIDS.logs,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
  }

  private createNotifier(secretName: string, settings: Settings): NodejsFunction {
    const secret = Secret.fromSecretNameV2(this, 'SlackWebhookSecret', secretName);
    const role = new Role(this, 'NotifierRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'drift-audit: posts alerts to Slack',
    });
    const logGroup = new LogGroup(this, 'NotifierLogGroup', { retention: settings.logRetention });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: AUDIT_STATEMENT_SIDS.logs,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    secret.grantRead(role);
    const notifier = new NodejsFunction(this, 'NotifierFunction', {
      ...functionBase(settings.notifierEntry),
      description: 'drift-audit: posts drift alerts to Slack as Block Kit',
      role,
      logGroup,
      // Room for a few 429 back-offs honouring Retry-After.
      timeout: Duration.seconds(60),
      memorySize: 256,
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [NOTIFY_SLACK_FUNCTION_ENV.webhookSecretId]: secretName,
        [NOTIFY_SLACK_FUNCTION_ENV.reportBucket]: this.bucket.bucketName,
        [NOTIFY_SLACK_FUNCTION_ENV.serviceName]: `${settings.serviceName}-notify-slack`,
        [NOTIFY_SLACK_FUNCTION_ENV.metricsNamespace]: settings.metricsNamespace,
      },
    });
    this.topic.addSubscription(new LambdaSubscription(notifier));
    return notifier;
  }
}

interface Settings {
  readonly baselineKey: string;
  readonly reportPrefix: string;
  readonly statePrefix: string;
  readonly reportRetention: Duration;
  readonly noncurrentVersionRetention: Duration;
  readonly schedule: string;
  readonly expectedRunInterval: Duration;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly ssmRequestsPerSecond: number;
  readonly logRetention: RetentionDays;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  readonly auditEntry: string;
  readonly notifierEntry: string;
}

/** Applies defaults and checks ranges up front, so a bad prop fails at synth with its name. */
function resolveSettings(props: DriftAuditorProps): Settings {
  const problems: string[] = [];
  if (props.baselineDirectory === undefined && props.baselineFiles === undefined && props.bucket === undefined) {
    problems.push('give baselineDirectory or baselineFiles (uploaded on deploy), or bucket (baseline managed elsewhere); a new bucket would hold no baseline');
  }
  const schedule = props.schedule ?? 'rate(1 hour)';
  const parsed = parseScheduleExpression(schedule);
  let expectedRunInterval = props.expectedRunInterval;
  if (!parsed.ok) problems.push(`schedule "${schedule}" is not valid: ${parsed.reason}`);
  else if (expectedRunInterval === undefined) {
    if (parsed.schedule.kind === 'rate') expectedRunInterval = Duration.seconds(parsed.schedule.intervalSeconds);
    else problems.push(`expectedRunInterval is required with a cron() schedule ("${schedule}")`);
  }
  if (expectedRunInterval) {
    const seconds = expectedRunInterval.toSeconds();
    if (seconds % 60 !== 0 || seconds < 60 || seconds * 2 > 604_800) {
      problems.push(
        `expectedRunInterval must be whole minutes between 1 minute and 3.5 days (CloudWatch alarm limits), got ${expectedRunInterval.toHumanString()}`,
      );
    }
  }
  const timeout = props.timeout ?? Duration.minutes(5);
  if (timeout.toSeconds() < 1 || timeout.toSeconds() > 900) problems.push(`timeout must be between 1 second and 15 minutes, got ${timeout.toHumanString()}`);
  const retryAttempts = props.retryAttempts ?? 2;
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 2) problems.push(`retryAttempts must be 0, 1 or 2, got ${retryAttempts}`);
  const maxEventAge = props.maxEventAge ?? Duration.hours(1);
  if (maxEventAge.toSeconds() < 60 || maxEventAge.toSeconds() > 21_600)
    problems.push(`maxEventAge must be between 1 minute and 6 hours, got ${maxEventAge.toHumanString()}`);
  const memorySize = props.memorySize ?? 1024;
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240)
    problems.push(`memorySize must be whole MiB between 128 and 10240, got ${memorySize}`);
  const ssmRequestsPerSecond = props.ssmRequestsPerSecond ?? 20;
  if (!(ssmRequestsPerSecond > 0) || !Number.isFinite(ssmRequestsPerSecond))
    problems.push(`ssmRequestsPerSecond must be a positive number, got ${ssmRequestsPerSecond}`);
  const baselineKey = (props.baselineKey ?? 'baseline/baseline.json').replace(/^\/+/, '');
  if (baselineKey === '' || baselineKey.endsWith('/')) problems.push(`baselineKey must name an object, got "${props.baselineKey}"`);
  const auditEntry = props.auditHandlerEntry ?? join(REPO_ROOT, 'lambdas/audit/handler.ts');
  const notifierEntry = props.notifierHandlerEntry ?? join(REPO_ROOT, 'lambdas/notify-slack/handler.ts');
  if (problems.length > 0) throw new Error(`invalid DriftAuditor properties:\n- ${problems.join('\n- ')}`);
  return {
    baselineKey,
    reportPrefix: asPrefix(props.reportPrefix ?? 'reports/'),
    statePrefix: asPrefix(props.statePrefix ?? 'state/'),
    reportRetention: props.reportRetention ?? Duration.days(90),
    noncurrentVersionRetention: props.noncurrentVersionRetention ?? Duration.days(30),
    schedule,
    expectedRunInterval: expectedRunInterval ?? Duration.hours(1),
    retryAttempts,
    maxEventAge,
    timeout,
    memorySize,
    ssmRequestsPerSecond,
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    metricsNamespace: props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: props.serviceName ?? DEFAULT_AUDIT_SERVICE_NAME,
    auditEntry,
    notifierEntry,
  };
}

/** What both functions share: local esbuild bundling, arm64, the pinned runtime. */
function functionBase(entry: string) {
  const lockFile = join(REPO_ROOT, 'package-lock.json');
  return {
    entry,
    handler: 'handler',
    runtime: DRIFT_AUDIT_RUNTIME,
    architecture: Architecture.ARM_64,
    projectRoot: REPO_ROOT,
    ...(existsSync(lockFile) && { depsLockFilePath: lockFile }),
    bundling: {
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      target: 'node24',
      format: OutputFormat.ESM,
      mainFields: ['module', 'main'],
      // Bundle the AWS SDK too: the run uses the versions the tests ran, not whatever the runtime ships
      // (~600 kB more, irrelevant for an hourly job).
      externalModules: [],
      // Some CommonJS dependencies call require() on Node built-ins; ESM output has no require.
      banner: "import { createRequire as __driftAuditCreateRequire } from 'node:module'; const require = __driftAuditCreateRequire(import.meta.url);",
      forceDockerBundling: false,
    },
  };
}

function asPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function defaultPolicyDocument(role: IRole): PolicyDocument {
  const policy = role.node.tryFindChild('DefaultPolicy');
  return policy instanceof Policy ? policy.document : new PolicyDocument();
}

function stackChildStartingWith(scope: Construct, prefix: string): Construct | undefined {
  return Stack.of(scope).node.children.find((child) => child.node.id.startsWith(prefix)) as Construct | undefined;
}
