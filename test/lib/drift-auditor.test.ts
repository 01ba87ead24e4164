import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { AUDIT_STATEMENT_SIDS, DriftAuditor, type DriftAuditorProps } from '../../lib/drift-auditor.js';
import { READ_STATEMENT_SIDS } from '../../lib/read-permissions.js';
import type { AuditScope } from '../../lib/audit-scope.js';
import {
  AUDITOR_ACCOUNT,
  FIXTURE_BASELINE_DIR,
  FIXTURE_ENTRY,
  MEMBER_ROLE_ARN,
  PINNED_ENV,
  flat,
  logicalId,
  newStack,
  propertiesOf,
  roleStatements,
  sampleScope,
  statementWithSid,
  type FlatStatement,
} from './cdk-test-support.js';

/** `baselineDirectory: undefined` drops the fixture baseline directory the construct gets by default. */
type BuildProps = Omit<Partial<DriftAuditorProps>, 'baselineDirectory'> & { readonly baselineDirectory?: string | undefined };

function build(props: BuildProps = {}, stack: Stack = newStack(PINNED_ENV)): { stack: Stack; template: Template; auditor: DriftAuditor } {
  const { baselineDirectory, ...rest }: BuildProps = { baselineDirectory: FIXTURE_BASELINE_DIR, ...props };
  const auditor = new DriftAuditor(stack, 'Auditor', {
    scope: sampleScope(),
    ...(baselineDirectory === undefined ? {} : { baselineDirectory }),
    auditHandlerEntry: FIXTURE_ENTRY,
    notifierHandlerEntry: FIXTURE_ENTRY,
    ...rest,
  });
  return { stack, template: Template.fromStack(stack), auditor };
}

const P = '<AWS::Partition>';

describe('Construct: DriftAuditor', () => {
  describe('audit role', () => {
    it('holds exactly the least-privilege statements the scope and the resources need', () => {
      // Prepare / Act
      const { template } = build();
      const statements = roleStatements(template, 'AuditorAuditRole');

      // Assess
      const bucket = `<${logicalId(template, 'AWS::S3::Bucket', 'AuditorBucket')}.Arn>`;
      const table = `<${logicalId(template, 'AWS::DynamoDB::Table', 'AuditorHistoryTable')}.Arn>`;
      const topic = `<${logicalId(template, 'AWS::SNS::Topic', 'AuditorAlertTopic')}>`;
      const key = `<${logicalId(template, 'AWS::KMS::Key', 'AuditorTopicKey')}.Arn>`;
      const logGroup = `<${logicalId(template, 'AWS::Logs::LogGroup', 'AuditorAuditLogGroup')}.Arn>`;
      const queue = `<${logicalId(template, 'AWS::SQS::Queue', 'AuditorDeadLetterQueue')}.Arn>`;
      const expected: FlatStatement[] = [
        {
          sid: READ_STATEMENT_SIDS.parameterTrees,
          effect: 'Allow',
          actions: ['ssm:GetParameters', 'ssm:GetParametersByPath'],
          resources: [
            `arn:${P}:ssm:us-east-1:${AUDITOR_ACCOUNT}:parameter/production-us/api`,
            `arn:${P}:ssm:us-east-1:${AUDITOR_ACCOUNT}:parameter/production-us/api/*`,
            `arn:${P}:ssm:us-west-2:${AUDITOR_ACCOUNT}:parameter/staging-us/api`,
            `arn:${P}:ssm:us-west-2:${AUDITOR_ACCOUNT}:parameter/staging-us/api/*`,
          ],
        },
        { sid: READ_STATEMENT_SIDS.describeParameters, effect: 'Allow', actions: ['ssm:DescribeParameters'], resources: ['*'] },
        {
          sid: READ_STATEMENT_SIDS.clusters,
          effect: 'Allow',
          actions: ['eks:DescribeCluster'],
          resources: [`arn:${P}:eks:us-east-1:${AUDITOR_ACCOUNT}:cluster/prod-us`, `arn:${P}:eks:us-west-2:${AUDITOR_ACCOUNT}:cluster/staging-us`],
        },
        { sid: READ_STATEMENT_SIDS.assumeRoles, effect: 'Allow', actions: ['sts:AssumeRole'], resources: [MEMBER_ROLE_ARN] },
        {
          sid: AUDIT_STATEMENT_SIDS.readBaseline,
          effect: 'Allow',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [`${bucket}/baseline/baseline.json`],
        },
        { sid: AUDIT_STATEMENT_SIDS.listBucket, effect: 'Allow', actions: ['s3:ListBucket'], resources: [bucket] },
        { sid: AUDIT_STATEMENT_SIDS.writeReports, effect: 'Allow', actions: ['s3:PutObject'], resources: [`${bucket}/reports/*`] },
        { sid: AUDIT_STATEMENT_SIDS.keepState, effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject'], resources: [`${bucket}/state/*`] },
        {
          sid: AUDIT_STATEMENT_SIDS.history,
          effect: 'Allow',
          actions: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
          resources: [table],
        },
        { sid: AUDIT_STATEMENT_SIDS.historyIndexes, effect: 'Allow', actions: ['dynamodb:Query'], resources: [`${table}/index/*`] },
        { sid: AUDIT_STATEMENT_SIDS.publish, effect: 'Allow', actions: ['sns:Publish'], resources: [topic] },
        {
          sid: AUDIT_STATEMENT_SIDS.topicKey,
          effect: 'Allow',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [key],
          condition: { StringEquals: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' } },
        },
        { sid: AUDIT_STATEMENT_SIDS.logs, effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup] },
        // Added by aws-cdk-lib for the on-failure destination of asynchronous invocations.
        { effect: 'Allow', actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], resources: [queue] },
      ];
      expect(statements).toEqual(expected);
    });

    it('cannot decrypt SecureString parameters: no kms:Decrypt outside the SNS topic key, no ssm:* wildcard', () => {
      // Prepare / Act
      const { template } = build();
      const statements = roleStatements(template, 'AuditorAuditRole');

      // Assess
      const decrypting = statements.filter((statement) => statement.actions.some((action) => /^kms:(Decrypt|\*)$/.test(action)));
      expect(decrypting.map((statement) => statement.sid)).toEqual([AUDIT_STATEMENT_SIDS.topicKey]);
      expect(decrypting[0]?.resources).not.toContain('*');
      expect(decrypting[0]?.condition).toEqual({ StringEquals: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' } });
      const actions = statements.flatMap((statement) => statement.actions);
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
      expect(actions).not.toContain('ssm:GetParameter');
      const starResources = statements.filter((statement) => statement.resources.includes('*')).map((statement) => statement.actions);
      expect(starResources).toEqual([['ssm:DescribeParameters']]);
    });

    it('grants an environment read through a role only sts:AssumeRole, nothing in its account', () => {
      // Prepare / Act
      const { template } = build();
      const resources = roleStatements(template, 'AuditorAuditRole').flatMap((statement) => statement.resources);

      // Assess
      expect(resources.filter((resource) => resource.includes('345678901234'))).toEqual([MEMBER_ROLE_ARN]);
    });

    it('leaves out SSM, EKS and STS statements the scope does not need', () => {
      // Prepare
      const scope: AuditScope = { ssm: [], clusters: [], roleArns: [] };

      // Act
      const { template } = build({ scope });
      const sids = roleStatements(template, 'AuditorAuditRole').map((statement) => statement.sid);

      // Assess
      for (const sid of Object.values(READ_STATEMENT_SIDS)) expect(sids).not.toContain(sid);
    });

    it("resolves a scope entry without region or account to the stack's own", () => {
      // Prepare
      const scope: AuditScope = {
        ssm: [{ path: '/', environments: ['local'] }],
        clusters: [{ name: 'local', namespaces: ['default'], environments: ['local'] }],
        roleArns: [],
      };

      // Act
      const { template } = build({ scope });
      const statements = roleStatements(template, 'AuditorAuditRole');

      // Assess
      expect(statementWithSid(statements, READ_STATEMENT_SIDS.parameterTrees).resources).toEqual([`arn:${P}:ssm:us-east-1:${AUDITOR_ACCOUNT}:parameter/*`]);
      expect(statementWithSid(statements, READ_STATEMENT_SIDS.clusters).resources).toEqual([`arn:${P}:eks:us-east-1:${AUDITOR_ACCOUNT}:cluster/local`]);
    });

    it('refuses an environment in another account that declares no role, naming it', () => {
      // Prepare
      const scope: AuditScope = {
        ssm: [{ path: '/staging/api/', region: 'us-east-1', account: '210987654321', environments: ['staging-us'] }],
        clusters: [],
        roleArns: [],
      };

      // Act / Assess
      expect(() => build({ scope })).toThrow(/staging-us.*210987654321.*123456789012.*role_arn/s);
    });

    it('takes a fixed role name when given, for member accounts to trust', () => {
      // Prepare / Act
      const { template } = build({ auditRoleName: 'drift-audit-auditor' });

      // Assess
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'drift-audit-auditor',
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      });
    });
  });

  describe('audit function', () => {
    it('runs on arm64 and the pinned Node runtime, alone, with the configured timeout, memory and environment', () => {
      // Prepare / Act
      const { template } = build({ timeout: Duration.minutes(7), memorySize: 512, ssmRequestsPerSecond: 12.5, ssmDescribeRequestsPerSecond: 2.5 });

      // Assess
      const properties = propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction');
      expect(properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        ReservedConcurrentExecutions: 1,
        Timeout: 420,
        MemorySize: 512,
      });
      const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, flat(value)]))).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        BASELINE_BUCKET: `<${logicalId(template, 'AWS::S3::Bucket', 'AuditorBucket')}>`,
        BASELINE_KEY: 'baseline/baseline.json',
        REPORT_PREFIX: 'reports/',
        STATE_PREFIX: 'state/',
        HISTORY_TABLE: `<${logicalId(template, 'AWS::DynamoDB::Table', 'AuditorHistoryTable')}>`,
        TOPIC_ARN: `<${logicalId(template, 'AWS::SNS::Topic', 'AuditorAlertTopic')}>`,
        SSM_REQUESTS_PER_SECOND: '12.5',
        SSM_DESCRIBE_REQUESTS_PER_SECOND: '2.5',
        REMINDER_STALE_AFTER_DAYS: '7',
        REMINDER_EXCEPTION_WARNING_DAYS: '7',
        POWERTOOLS_SERVICE_NAME: 'drift-audit',
        POWERTOOLS_METRICS_NAMESPACE: 'DriftAudit',
      });
      expect(flat((properties.LoggingConfig as { LogGroup: unknown }).LogGroup)).toBe(
        `<${logicalId(template, 'AWS::Logs::LogGroup', 'AuditorAuditLogGroup')}>`,
      );
    });

    it('passes the reminder knobs to the function, and the off switch instead of them', () => {
      // Prepare / Act
      const variables = (options: Parameters<typeof build>[0]) =>
        (propertiesOf(build(options).template, 'AWS::Lambda::Function', 'AuditorAuditFunction').Environment as { Variables: Record<string, unknown> })
          .Variables;
      const tuned = variables({ reminders: { staleAfterDays: 3 } });
      const off = variables({ reminders: false });

      // Assess
      expect(tuned).toMatchObject({ REMINDER_STALE_AFTER_DAYS: '3', REMINDER_EXCEPTION_WARNING_DAYS: '7' });
      expect(off).toMatchObject({ REMINDERS_ENABLED: 'false' });
      expect(off).not.toHaveProperty('REMINDER_STALE_AFTER_DAYS');
      expect(() => build({ reminders: { exceptionWarningDays: 1.5 } })).toThrow(/reminders.exceptionWarningDays must be whole days from 0 to 400, got 1.5/);
    });

    it('defaults the timeout to 5 minutes and keeps its logs for a month', () => {
      // Prepare / Act
      const { template } = build();

      // Assess
      expect(propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction').Timeout).toBe(300);
      expect(propertiesOf(template, 'AWS::Logs::LogGroup', 'AuditorAuditLogGroup').RetentionInDays).toBe(30);
    });

    it('sends invocations that failed after retries to the dead-letter queue', () => {
      // Prepare / Act
      const { template } = build();

      // Assess
      const invokeConfig = template.findResources('AWS::Lambda::EventInvokeConfig');
      const auditConfig = Object.values(invokeConfig).find((resource) =>
        flat((resource as { Properties: { FunctionName: unknown } }).Properties.FunctionName).includes('AuditorAuditFunction'),
      ) as { Properties: Record<string, unknown> } | undefined;
      expect(auditConfig?.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
      expect(flat((auditConfig!.Properties.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination)).toBe(
        `<${logicalId(template, 'AWS::SQS::Queue', 'AuditorDeadLetterQueue')}.Arn>`,
      );
    });
  });

  describe('history table', () => {
    it('has the shared key schema, the four indexes, TTL, PITR, encryption, on-demand billing and is retained', () => {
      // Prepare / Act
      const { template } = build();

      // Assess
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      const key = (hash: string, range: string) => [
        { AttributeName: hash, KeyType: 'HASH' },
        { AttributeName: range, KeyType: 'RANGE' },
      ];
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: key('pk', 'sk'),
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          GlobalSecondaryIndexes: [
            { IndexName: 'byRegion', KeySchema: key('gsi1pk', 'gsi1sk'), Projection: { ProjectionType: 'ALL' } },
            { IndexName: 'byKey', KeySchema: key('gsi2pk', 'gsi2sk'), Projection: { ProjectionType: 'ALL' } },
            { IndexName: 'byEnvironment', KeySchema: key('gsi3pk', 'gsi3sk'), Projection: { ProjectionType: 'ALL' } },
            { IndexName: 'open', KeySchema: key('openpk', 'opensk'), Projection: { ProjectionType: 'ALL' } },
          ],
        },
      });
      const attributes = propertiesOf(template, 'AWS::DynamoDB::Table', 'AuditorHistoryTable').AttributeDefinitions as {
        AttributeName: string;
        AttributeType: string;
      }[];
      expect(attributes.map((attribute) => attribute.AttributeType)).toEqual(Array(10).fill('S'));
    });
  });

  describe('bucket and baseline', () => {
    it('is versioned, encrypted, private, SSL-only, and expires old reports and noncurrent versions', () => {
      // Prepare / Act
      const { template } = build({ reportRetention: Duration.days(60) });

      // Assess
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: {
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LifecycleConfiguration: {
            Rules: [
              { Id: 'ExpireOldReports', Prefix: 'reports/', ExpirationInDays: 60, Status: 'Enabled' },
              Match.objectLike({
                Id: 'ExpireNoncurrentVersions',
                NoncurrentVersionExpiration: { NoncurrentDays: 30, NewerNoncurrentVersions: 10 },
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
                Status: 'Enabled',
              }),
            ],
          },
        },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });

    it('uploads the baseline as one object at the baseline key, keeping other objects', () => {
      // Prepare / Act
      const { template } = build();

      // Assess
      template.resourceCountIs('Custom::CDKBucketDeployment', 1);
      template.hasResourceProperties('Custom::CDKBucketDeployment', {
        DestinationBucketKeyPrefix: 'baseline/',
        Prune: false,
        RetainOnDelete: true,
        SystemMetadata: { 'content-type': 'application/json' },
      });
    });

    it("bundles the directory's top-level YAML files, sorted, into baseline.json", () => {
      // Prepare
      const { stack } = build();

      // Act
      const outdir = (stack.node.root as App).synth().directory;

      // Assess
      const staged = readdirSync(outdir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name.startsWith('asset.'))
        .filter((entry) => readdirSync(join(outdir, entry.name)).includes('baseline.json'))
        .map((entry) => entry.name);
      expect(staged).toHaveLength(1);
      const directory = join(outdir, staged[0] as string);
      expect(readdirSync(directory)).toEqual(['baseline.json']);
      const bundle = JSON.parse(readFileSync(join(directory, 'baseline.json'), 'utf8')) as { schema: string; files: { name: string; text: string }[] };
      expect(bundle.schema).toBe('drift-audit.baseline-bundle/1');
      expect(bundle.files.map((file) => file.name)).toEqual(['environments.yaml', 'settings.yml']);
      expect(bundle.files[1]?.text).toBe(readFileSync(join(FIXTURE_BASELINE_DIR, 'settings.yml'), 'utf8'));
    });

    it('uses an existing bucket without creating one, and uploads nothing when no baseline is given', () => {
      // Prepare
      const stack = newStack(PINNED_ENV);
      const bucket = Bucket.fromBucketName(stack, 'Existing', 'my-baselines');

      // Act
      const { template } = build({ bucket, baselineDirectory: undefined, baselineKey: 'drift/baseline.json' }, stack);

      // Assess
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.resourceCountIs('Custom::CDKBucketDeployment', 0);
      expect(statementWithSid(roleStatements(template, 'AuditorAuditRole'), AUDIT_STATEMENT_SIDS.readBaseline).resources).toEqual([
        `arn:${P}:s3:::my-baselines/drift/baseline.json`,
      ]);
    });

    it('refuses a new bucket with no baseline to put in it', () => {
      expect(() => build({ baselineDirectory: undefined })).toThrow(/baselineDirectory or baselineFiles.*or bucket/);
    });
  });

  describe('topics', () => {
    it('encrypts every topic with a rotated customer managed key and denies publishing without SSL', () => {
      // Prepare / Act
      const { template } = build({ chatbot: { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' } });

      // Assess
      const keyId = logicalId(template, 'AWS::KMS::Key', 'AuditorTopicKey');
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      const topics = template.findResources('AWS::SNS::Topic');
      expect(Object.keys(topics)).toHaveLength(3);
      for (const topic of Object.values(topics)) {
        expect(flat((topic as { Properties: { KmsMasterKeyId: unknown } }).Properties.KmsMasterKeyId)).toBe(`<${keyId}.Arn>`);
      }
      const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as {
        Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } };
      }[];
      expect(policies).toHaveLength(3);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      }
    });

    it("lets CloudWatch alarms use the topic key, only for this account's alarms in this region", () => {
      // Prepare / Act
      const { template } = build();

      // Assess: the whole statement, conditions included (confused-deputy protection).
      const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: Record<string, unknown>[] } } };
      const statement = key.Properties.KeyPolicy.Statement.find((candidate) => candidate.Sid === 'AllowCloudWatchAlarmsToUseTheKey');
      expect(statement).toEqual({
        Sid: 'AllowCloudWatchAlarmsToUseTheKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': AUDITOR_ACCOUNT },
          ArnLike: { 'aws:SourceArn': expect.anything() },
        },
      });
      const condition = statement?.Condition as { ArnLike: { 'aws:SourceArn': unknown } };
      expect(flat(condition.ArnLike['aws:SourceArn'])).toBe(`arn:<AWS::Partition>:cloudwatch:us-east-1:${AUDITOR_ACCOUNT}:alarm:*`);
    });

    it('subscribes the alert email to alerts and, by default, to health alarms', () => {
      // Prepare / Act
      const { template } = build({ alertEmail: 'oncall@example.com' });

      // Assess
      const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')) as {
        Properties: { Protocol: string; Endpoint: string; TopicArn: unknown };
      }[];
      expect(subscriptions.map((s) => [s.Properties.Protocol, s.Properties.Endpoint, flat(s.Properties.TopicArn)]).sort()).toEqual(
        [
          ['email', 'oncall@example.com', `<${logicalId(template, 'AWS::SNS::Topic', 'AuditorAlertTopic')}>`],
          ['email', 'oncall@example.com', `<${logicalId(template, 'AWS::SNS::Topic', 'AuditorOpsTopic')}>`],
        ].sort(),
      );
    });

    it('creates no subscription when no email, Slack or Chatbot is configured', () => {
      const { template } = build();
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    });
  });

  describe('schedule', () => {
    it('invokes the audit function at the configured rate with retries, a max age and the dead-letter queue', () => {
      // Prepare / Act
      const { template } = build({ schedule: 'rate(30 minutes)' });

      // Assess
      const schedule = propertiesOf(template, 'AWS::Scheduler::Schedule', 'AuditorSchedule');
      const target = schedule.Target as Record<string, unknown>;
      expect(schedule.ScheduleExpression).toBe('rate(30 minutes)');
      expect(schedule.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(flat(target.Arn)).toBe(`<${logicalId(template, 'AWS::Lambda::Function', 'AuditorAuditFunction')}.Arn>`);
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
      expect(flat((target.DeadLetterConfig as { Arn: unknown }).Arn)).toBe(`<${logicalId(template, 'AWS::SQS::Queue', 'AuditorDeadLetterQueue')}.Arn>`);
      expect(JSON.parse(target.Input as string)).toEqual({
        source: 'drift-audit.schedule',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        scheduleArn: '<aws.scheduler.schedule-arn>',
        executionId: '<aws.scheduler.execution-id>',
        attemptNumber: '<aws.scheduler.attempt-number>',
      });
    });

    it('defaults to hourly', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' });
    });

    it('gives Scheduler a role that can invoke the audit function and send to the dead-letter queue only', () => {
      // Prepare / Act
      const { template } = build();

      // Assess
      const fn = `<${logicalId(template, 'AWS::Lambda::Function', 'AuditorAuditFunction')}.Arn>`;
      const queue = `<${logicalId(template, 'AWS::SQS::Queue', 'AuditorDeadLetterQueue')}.Arn>`;
      const statements = roleStatements(template, 'AuditorSchedulerRole');
      expect(statements.flatMap((statement) => statement.actions).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
      expect(statements.flatMap((statement) => statement.resources).sort()).toEqual([fn, `${fn}:*`, queue].sort());
    });

    it('uses an encrypted, SSL-only dead-letter queue', () => {
      // Prepare / Act
      const { template } = build();

      // Assess
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });

    it('refuses a malformed schedule and a cron schedule without an expected interval', () => {
      expect(() => build({ schedule: 'rate(1 hours)' })).toThrow(/rate\(1 hour\), singular/);
      expect(() => build({ schedule: 'cron(0 * * * ? *)' })).toThrow(/expectedRunInterval is required/);
      expect(() => build({ schedule: 'cron(0 * * * ? *)', expectedRunInterval: Duration.hours(1) })).not.toThrow();
    });
  });

  describe('alarms', () => {
    it('alarms the ops topic on errors, duration over 80% of the timeout, dead letters and missing successful runs', () => {
      // Prepare / Act
      const { template } = build({ timeout: Duration.minutes(10), schedule: 'rate(2 hours)', serviceName: 'audit-prod' });

      // Assess
      const ops = `<${logicalId(template, 'AWS::SNS::Topic', 'AuditorOpsTopic')}>`;
      const alarm = (prefix: string) => propertiesOf(template, 'AWS::CloudWatch::Alarm', `AuditorAlarms${prefix}`);
      expect(alarm('AuditErrors')).toMatchObject({
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(alarm('AuditDurationNearTimeout')).toMatchObject({
        MetricName: 'Duration',
        Statistic: 'Maximum',
        Threshold: 480_000,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarm('DeadLetterQueueNotEmpty')).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarm('NoSuccessfulRun')).toMatchObject({
        Namespace: 'DriftAudit',
        MetricName: 'SuccessfulRuns',
        Dimensions: [{ Name: 'service', Value: 'audit-prod' }],
        Statistic: 'Sum',
        Period: 7200,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions: unknown[]; OKActions: unknown[] } }[];
      expect(alarms).toHaveLength(4);
      for (const { Properties } of alarms) {
        expect(Properties.AlarmActions.map(flat)).toEqual([ops]);
        expect(Properties.OKActions.map(flat)).toEqual([ops]);
      }
    });

    it("sizes the dead-man's switch from expectedRunInterval with a cron schedule", () => {
      const { template } = build({ schedule: 'cron(0 6 * * ? *)', expectedRunInterval: Duration.days(1) });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SuccessfulRuns', Period: 86_400 });
    });
  });

  describe('EKS access entries', () => {
    it("grants the audit role AmazonEKSViewPolicy on the declared namespaces of clusters in the stack's account and region", () => {
      // Prepare / Act
      const { template } = build();

      // Assess
      template.resourceCountIs('AWS::EKS::AccessEntry', 1);
      const entry = propertiesOf(template, 'AWS::EKS::AccessEntry', 'AuditorAccessEntries');
      expect(entry.ClusterName).toBe('prod-us');
      expect(entry.Type).toBe('STANDARD');
      expect(flat(entry.PrincipalArn)).toBe(`<${logicalId(template, 'AWS::IAM::Role', 'AuditorAuditRole')}.Arn>`);
      expect((entry.AccessPolicies as unknown[]).map((policy) => JSON.parse(JSON.stringify(policy, (k, v) => (k === 'PolicyArn' ? flat(v) : v))))).toEqual([
        {
          PolicyArn: `arn:${P}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy`,
          AccessScope: { Type: 'namespace', Namespaces: ['api', 'payments'] },
        },
      ]);
    });

    it('warns about a same-account cluster in another region instead of creating an entry that cannot exist', () => {
      // Prepare / Act
      const { stack } = build();

      // Assess
      Annotations.fromStack(stack).hasWarning('/TestStack/Auditor/AccessEntries', Match.stringLikeRegexp('staging-us'));
    });

    it('conditions each entry on the account and region when the stack is environment-agnostic', () => {
      // Prepare / Act
      const { template } = build({}, newStack());

      // Assess
      template.resourceCountIs('AWS::EKS::AccessEntry', 2);
      const conditions = template.toJSON().Conditions as Record<string, unknown>;
      expect(
        Object.values(conditions)
          .map((condition) => JSON.stringify(condition))
          .sort(),
      ).toEqual(
        [
          { 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, AUDITOR_ACCOUNT] }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
          { 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, AUDITOR_ACCOUNT] }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-west-2'] }] },
        ].map((condition) => JSON.stringify(condition)),
      );
    });
  });

  describe('Slack', () => {
    it('subscribes a notifier that may read the webhook secret, only when a secret name is given', () => {
      // Prepare / Act
      const without = build().template;
      const { template } = build({ slackWebhookSecretName: 'drift-audit/slack-webhook' });

      // Assess
      expect(Object.keys(without.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('AuditorNotifier'))).toEqual([]);
      const notifier = propertiesOf(template, 'AWS::Lambda::Function', 'AuditorNotifierFunction');
      expect(notifier).toMatchObject({ Architectures: ['arm64'], Runtime: 'nodejs24.x' });
      expect((notifier.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        SLACK_WEBHOOK_SECRET_ID: 'drift-audit/slack-webhook',
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
      const secretRead = roleStatements(template, 'AuditorNotifierRole').find((statement) => statement.actions.includes('secretsmanager:GetSecretValue'));
      expect(secretRead?.resources).toEqual([`arn:${P}:secretsmanager:us-east-1:${AUDITOR_ACCOUNT}:secret:drift-audit/slack-webhook-??????`]);
    });

    it('configures AWS Chatbot on its own topic and the ops topic, with a deny-all guardrail', () => {
      // Prepare / Act
      const { template } = build({ chatbot: { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' } });

      // Assess
      const chatbot = propertiesOf(template, 'AWS::Chatbot::SlackChannelConfiguration', 'AuditorChatbot');
      expect(chatbot).toMatchObject({ SlackWorkspaceId: 'T0123ABCD', SlackChannelId: 'C0123ABCD' });
      expect((chatbot.SnsTopicArns as unknown[]).map(flat).sort()).toEqual(
        [`<${logicalId(template, 'AWS::SNS::Topic', 'AuditorChatbotTopic')}>`, `<${logicalId(template, 'AWS::SNS::Topic', 'AuditorOpsTopic')}>`].sort(),
      );
      expect((chatbot.GuardrailPolicies as unknown[]).map(flat)).toEqual([`arn:${P}:iam::aws:policy/AWSDenyAll`]);
      const fn = propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction');
      expect(flat((fn.Environment as { Variables: Record<string, unknown> }).Variables.CHATBOT_TOPIC_ARN)).toBe(
        `<${logicalId(template, 'AWS::SNS::Topic', 'AuditorChatbotTopic')}>`,
      );
      expect(statementWithSid(roleStatements(template, 'AuditorAuditRole'), AUDIT_STATEMENT_SIDS.publish).resources).toHaveLength(2);
    });
  });
});
