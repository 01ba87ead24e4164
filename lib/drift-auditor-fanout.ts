// The Step Functions fan-out for large estates: plan -> Distributed Map of collectors -> final step.
import { Duration, FeatureFlags, Stack } from 'aws-cdk-lib';
import { STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2 } from 'aws-cdk-lib/cx-api';
import { Alarm, ComparisonOperator, type IAlarmAction, MathExpression, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  JitterType,
  JsonPath,
  LogLevel,
  ResultWriter,
  ResultWriterV2,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { FANOUT_FOLDER } from '../lambdas/fanout/fanout-layout.js';
import { TARGET_RESULT_SCHEMA } from '../lambdas/fanout/target-result.js';
import { AUDIT_FUNCTION_ENV } from '../lambdas/runtime/function-environment.js';
import { createHandlerFunction } from './drift-auditor-functions.js';
import { type FunctionNetwork, grantNetworkInterfaces } from './drift-auditor-network.js';
import { defaultPolicyDocument, grantSourceReads } from './drift-auditor-permissions.js';
import type { DriftAuditorProps } from './drift-auditor-props.js';
import type { FanOutSettings, Settings } from './drift-auditor-settings.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';

/** Names of the state machine's states: the local execution test binds its task states by these. */
export const FANOUT_STATES = {
  plan: 'PlanTargets',
  map: 'CollectTargets',
  collect: 'CollectTarget',
  recordFailure: 'RecordTargetFailure',
  finish: 'AnalyseAndPublish',
} as const;

/** Express child workflows end after 5 minutes (Step Functions quotas); the collector's task must fit. */
const EXPRESS_CHILD_LIMIT = Duration.minutes(5);
/** The task waits this much longer than the function's timeout, so the function's own deadline reports first. */
const TASK_MARGIN = Duration.seconds(30);

/** The error Step Functions reports when Lambda throttles an invocation (429). */
const LAMBDA_THROTTLED = 'Lambda.TooManyRequestsException';
/** Waits out another run's step on the single-concurrency audit function: up to ~10 minutes. */
const AUDIT_FUNCTION_BUSY = { errors: [LAMBDA_THROTTLED], interval: Duration.seconds(10), maxAttempts: 8, backoffRate: 1.5, jitterStrategy: JitterType.FULL };

/** What the fan-out is built from. */
export interface FanOutResources {
  readonly bucket: IBucket;
  /** The audit function: plan and final steps. */
  readonly auditFunction: IFunction;
  readonly auditTimeout: Duration;
  /** The VPC the construct's functions run in, when `network` is given: the collectors read from it too. */
  readonly network?: FunctionNetwork;
  /** The audit function's role, for the collectors to share when the audit function reads the estate too. */
  readonly sharedReaderRole?: Role;
}

/** The fan-out's parts. */
export interface FanOut {
  readonly stateMachine: StateMachine;
  readonly collectorFunction: LambdaFunction;
  /** The role that reads the estate (it carries `auditRoleName`, the name member accounts trust). */
  readonly collectorRole: Role;
}

/**
 * The collector function and the state machine: `PlanTargets` (audit function: pin the baseline,
 * write the target manifest) -> `CollectTargets` (Distributed Map over the manifest, one collector per
 * target; a failed or timed-out collector is caught and its error name written as the target's result)
 * -> `AnalyseAndPublish` (audit function: gather, analyse, reconcile, run the sinks).
 */
export function createFanOut(scope: Construct, props: DriftAuditorProps, settings: Settings, fanOut: FanOutSettings, resources: FanOutResources): FanOut {
  const { bucket } = resources;
  const runObjects = `${bucket.bucketArn}/${settings.reportPrefix}${FANOUT_FOLDER}*`;
  const collector = createCollector(scope, props, settings, fanOut, {
    bucket,
    runObjects,
    ...(resources.network === undefined ? {} : { network: resources.network }),
    ...(resources.sharedReaderRole === undefined ? {} : { sharedRole: resources.sharedReaderRole }),
  });

  const plan = new LambdaInvoke(scope, FANOUT_STATES.plan, {
    lambdaFunction: resources.auditFunction,
    payloadResponseOnly: true,
    payload: TaskInput.fromObject({ fanOut: 'plan', event: JsonPath.objectAt('$$.Execution.Input'), execution: JsonPath.stringAt('$$.Execution.Id') }),
    resultPath: '$.plan',
    taskTimeout: timeoutOf(resources.auditTimeout.plus(TASK_MARGIN)),
  });
  // The audit function has reserved concurrency 1: a step meeting another run's step waits for it.
  plan.addRetry(AUDIT_FUNCTION_BUSY);

  const collect = new LambdaInvoke(scope, FANOUT_STATES.collect, {
    lambdaFunction: collector.fn,
    payloadResponseOnly: true,
    taskTimeout: timeoutOf(fanOut.targetTimeout.plus(TASK_MARGIN)),
  });
  // Throttled by the account's Lambda concurrency: wait for room rather than report the target unread.
  collect.addRetry({ errors: [LAMBDA_THROTTLED], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2, jitterStrategy: JitterType.FULL });
  // The catch's error name only: its cause can quote the function's output.
  const recordFailure = new CallAwsService(scope, FANOUT_STATES.recordFailure, {
    service: 's3',
    action: 'putObject',
    parameters: {
      Bucket: JsonPath.stringAt('$.run.bucket'),
      Key: JsonPath.format('{}targets/{}.json', JsonPath.stringAt('$.run.prefix'), JsonPath.stringAt('$.target.key')),
      ContentType: 'application/json',
      Body: { schema: TARGET_RESULT_SCHEMA, target: JsonPath.objectAt('$.target'), failure: { error: JsonPath.stringAt('$.failure.Error') } },
    },
    iamResources: [runObjects],
    iamAction: 's3:PutObject',
    resultPath: JsonPath.DISCARD,
  });
  collect.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

  const mapResults = `${settings.reportPrefix}${FANOUT_FOLDER}map-results`;
  const express = fanOut.targetTimeout.plus(TASK_MARGIN).toSeconds() <= EXPRESS_CHILD_LIMIT.toSeconds();
  const map = new DistributedMap(scope, FANOUT_STATES.map, {
    itemReader: new S3JsonItemReader({ bucket, key: JsonPath.stringAt('$.plan.manifestKey') }),
    itemSelector: { run: JsonPath.objectAt('$.plan.run'), target: JsonPath.objectAt('$$.Map.Item.Value') },
    maxConcurrency: fanOut.maxConcurrency,
    // Every failure is caught per item; should one escape anyway (a Map-level fault), the final step still runs.
    toleratedFailurePercentage: 100,
    mapExecutionType: express ? StateMachineType.EXPRESS : StateMachineType.STANDARD,
    // Child outputs are pointers, but thousands of them outgrow the 256 KiB state output: written to S3.
    // aws-cdk-lib renders resultWriterV2 only under the app's `useDistributedMapResultWriterV2` feature
    // flag (set in this project's cdk.json) and the deprecated resultWriter otherwise.
    ...(FeatureFlags.of(scope).isEnabled(STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2)
      ? { resultWriterV2: new ResultWriterV2({ bucket, prefix: mapResults }) }
      : { resultWriter: new ResultWriter({ bucket, prefix: mapResults }) }),
    resultPath: JsonPath.DISCARD,
  });
  map.itemProcessor(collect);

  const finish = new LambdaInvoke(scope, FANOUT_STATES.finish, {
    lambdaFunction: resources.auditFunction,
    payloadResponseOnly: true,
    payload: TaskInput.fromObject({
      fanOut: 'finish',
      event: JsonPath.objectAt('$$.Execution.Input'),
      execution: JsonPath.stringAt('$$.Execution.Id'),
      plan: JsonPath.objectAt('$.plan'),
    }),
    taskTimeout: timeoutOf(resources.auditTimeout.plus(TASK_MARGIN)),
  });
  finish.addRetry(AUDIT_FUNCTION_BUSY);

  const logGroup = new LogGroup(scope, 'FanOutLogGroup', { retention: settings.logRetention });
  const stateMachine = new StateMachine(scope, 'FanOutStateMachine', {
    comment: 'drift-audit: one collector per (environment, source) target, then one analysis',
    definitionBody: DefinitionBody.fromChainable(plan.next(map).next(finish)),
    // The whole run: planning, the map at its concurrency, and the final step, with room to spare.
    timeout: Duration.hours(2),
    tracingEnabled: true,
    // Execution data stays out of the logs: inputs are pointers, but a manual start's input is the caller's.
    logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
  });
  acknowledgeWildcards(
    stateMachine.role,
    defaultPolicyDocument(stateMachine.role),
    "aws-cdk-lib grants lambda:InvokeFunction on the two functions and their versions (`<arn>:*`), the Distributed Map's own " +
      'child executions, its log delivery and X-Ray (which take no resource), the manifest read and result writes in the bucket; ' +
      'the target-failure record is PutObject under the fan-out folder only.',
  );
  // The Distributed Map's own policy: starting, describing and stopping this state machine's child executions.
  const mapPolicy = stateMachine.node.tryFindChild('DistributedMapPolicy');
  if (mapPolicy instanceof Policy) {
    acknowledgeWildcards(
      mapPolicy,
      mapPolicy.document,
      "aws-cdk-lib grants the Distributed Map its child executions of this state machine only (`execution:<name>:*` and `<name>/*:*`): their names are Step Functions' own.",
    );
  }
  return { stateMachine, collectorFunction: collector.fn, collectorRole: collector.role };
}

/**
 * Alarms on the state machine: an execution that failed, timed out or was aborted recorded no run
 * (a failed target never fails it, so this is the plan or final step failing, or the 2-hour limit).
 */
export function createFanOutAlarms(scope: Construct, stateMachine: StateMachine, action: IAlarmAction): Alarm {
  const failed = new MathExpression({
    expression: 'failed + timedOut + aborted',
    usingMetrics: {
      failed: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: Stats.SUM }),
      timedOut: stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: Stats.SUM }),
      aborted: stateMachine.metricAborted({ period: Duration.minutes(5), statistic: Stats.SUM }),
    },
    label: 'fan-out executions that recorded no run',
  });
  const alarm = new Alarm(scope, 'FanOutFailedAlarm', {
    alarmDescription: 'drift-audit: a fan-out execution failed, timed out or was aborted; no run was recorded',
    metric: failed,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(action);
  return alarm;
}

/** The collector: reads one target with the estate's read permissions, under the run's prefix only. */
function createCollector(
  scope: Construct,
  props: DriftAuditorProps,
  settings: Settings,
  fanOut: FanOutSettings,
  where: { readonly bucket: IBucket; readonly runObjects: string; readonly network?: FunctionNetwork; readonly sharedRole?: Role },
) {
  const { bucket, runObjects, network } = where;
  // A shared role (the audit function's, when it reads too) already holds the reads and network rights.
  const role =
    where.sharedRole ??
    new Role(scope, 'CollectorRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'drift-audit: reads one declared SSM tree or EKS cluster per invocation for the fan-out',
      ...(props.auditRoleName !== undefined && { roleName: props.auditRoleName }),
    });
  if (where.sharedRole === undefined) {
    grantSourceReads(scope, role, props);
    if (network !== undefined) grantNetworkInterfaces(scope, role);
  }
  const logGroup = new LogGroup(scope, 'CollectorLogGroup', { retention: settings.logRetention });
  const storage = [
    new PolicyStatement({ sid: 'ReadRunBaselineWriteTargetResult', actions: ['s3:GetObject', 's3:PutObject'], resources: [runObjects] }),
    new PolicyStatement({
      sid: 'KeepTargetState',
      actions: ['s3:GetObject'],
      resources: [`${bucket.bucketArn}/${settings.statePrefix}fanout-targets/*`],
    }),
    // A missing previous state must read as NoSuchKey, not AccessDenied (S3 answers 403 without ListBucket).
    new PolicyStatement({ sid: 'ListBucketSoMissingKeysReadAsNotFound', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    new PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
  ];
  for (const statement of storage) role.addToPrincipalPolicy(statement);
  if (bucket.encryptionKey) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'UseBucketKeyThroughS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [bucket.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(scope).region}.amazonaws.com` } },
      }),
    );
  }
  acknowledgeWildcards(
    role,
    storage,
    "One object per target under the run's prefix, and one kept state per target: the prefix wildcard is the narrowest resource for new keys.",
  );

  const fn = createHandlerFunction(scope, 'CollectorFunction', fanOut.collectorCode, {
    description: 'drift-audit: collects one fan-out target (an SSM tree or EKS cluster of one environment)',
    role,
    logGroup,
    timeout: fanOut.targetTimeout,
    memorySize: fanOut.targetMemorySize,
    ...network,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      [AUDIT_FUNCTION_ENV.statePrefix]: settings.statePrefix,
      [AUDIT_FUNCTION_ENV.ssmRequestsPerSecond]: String(settings.ssmRequestsPerSecond),
      [AUDIT_FUNCTION_ENV.ssmDescribeRequestsPerSecond]: String(settings.ssmDescribeRequestsPerSecond),
      [AUDIT_FUNCTION_ENV.serviceName]: settings.serviceName,
    },
  });
  return { fn, role };
}

function timeoutOf(duration: Duration): Timeout {
  return Timeout.duration(duration);
}
