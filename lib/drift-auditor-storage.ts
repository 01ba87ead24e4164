// The auditor's storage: the bucket (baseline, reports, state), the baseline's upload, the history table.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { BaselineBundle } from '../lambdas/runtime/baseline-bundle-format.js';
import { HISTORY_TABLE_SCHEMA } from '../lambdas/sinks/history/table-schema.js';
import { AUDIT_STATEMENT_SIDS, defaultPolicyDocument } from './drift-auditor-permissions.js';
import type { DriftAuditorProps } from './drift-auditor-props.js';
import type { Settings } from './drift-auditor-settings.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';

/** A new versioned, S3-encrypted, SSL-only bucket that expires old reports and noncurrent versions. */
export function createAuditBucket(scope: Construct, props: DriftAuditorProps, settings: Settings): Bucket {
  const bucket = new Bucket(scope, 'Bucket', {
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

/** Uploads the baseline bundle to `settings.baselineKey` on every deploy, never pruning other objects. */
export function deployBaseline(scope: Construct, bucket: IBucket, bundle: BaselineBundle, settings: Settings): void {
  const slash = settings.baselineKey.lastIndexOf('/');
  const deployRole = new Role(scope, 'BaselineDeploymentRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'drift-audit: copies the baseline bundle into the bucket on deploy',
  });
  const deployLogGroup = new LogGroup(scope, 'BaselineDeploymentLogGroup', { retention: settings.logRetention });
  deployRole.addToPrincipalPolicy(
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.logs,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [deployLogGroup.logGroupArn],
    }),
  );
  new BucketDeployment(scope, 'BaselineDeployment', {
    destinationBucket: bucket,
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
  const handler = stackChildStartingWith(scope, 'Custom::CDKBucketDeployment');
  if (handler) {
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "The runtime of aws-cdk-lib BucketDeployment's handler is chosen by aws-cdk-lib; it runs only during deployments.",
    });
  }
}

/** The DynamoDB history table, laid out as the history store reads it (`table-schema.ts`), kept on stack delete. */
export function createHistoryTable(scope: Construct): Table {
  const table = new Table(scope, 'HistoryTable', {
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
    table.addGlobalSecondaryIndex({
      indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    });
  }
  return table;
}

function stackChildStartingWith(scope: Construct, prefix: string): Construct | undefined {
  return Stack.of(scope).node.children.find((child) => child.node.id.startsWith(prefix)) as Construct | undefined;
}
