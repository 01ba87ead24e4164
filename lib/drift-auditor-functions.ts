import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Architecture, Code, type FunctionOptions, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AUDIT_FUNCTION_ENV } from '../lambdas/runtime/function-environment.js';
import { type FunctionNetwork, grantNetworkInterfaces } from './drift-auditor-network.js';
import { grantAuditPermissions, type AuditResources } from './drift-auditor-permissions.js';
import type { DriftAuditorProps } from './drift-auditor-props.js';
import type { Settings } from './drift-auditor-settings.js';
import { HANDLER_BUNDLE } from './handler-bundling.js';
import { PACKAGE_ROOT, type HandlerCode } from './handler-code.js';

/** The Node.js runtime of both functions: the newest cdk-lib knows, so cdk-nag L1 passes and it is pinned. */
export const DRIFT_AUDIT_RUNTIME = Runtime.NODEJS_24_X;

/**
 * The audit function and its role: reserved concurrency 1, the construct's names in its environment
 * (the runtime contract, `lambdas/runtime/function-environment.ts`), failed invocations to the
 * dead-letter queue, and exactly the permissions `grantAuditPermissions` gives.
 */
export function createAuditFunction(
  scope: Construct,
  props: DriftAuditorProps,
  settings: Settings,
  resources: Omit<AuditResources, 'logGroup'>,
  deadLetterQueue: Queue,
  network?: FunctionNetwork,
): { readonly role: Role; readonly fn: LambdaFunction } {
  const role = new Role(scope, 'AuditRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: settings.auditFunctionReads
      ? 'drift-audit: reads the declared SSM trees and EKS clusters, records history, publishes alerts'
      : "drift-audit: plans the fan-out's targets, records history from what they read, publishes alerts",
    // With the fan-out the collectors read the estate, so the name member accounts trust goes to their role
    // (unless the collectors share this one: see `Settings.auditFunctionReads`).
    ...(props.auditRoleName !== undefined && settings.auditFunctionReads && { roleName: props.auditRoleName }),
  });
  const auditLogGroup = new LogGroup(scope, 'AuditLogGroup', { retention: settings.logRetention });
  grantAuditPermissions(scope, role, { ...resources, logGroup: auditLogGroup }, props, settings);
  if (network !== undefined) grantNetworkInterfaces(scope, role);

  const fn = createHandlerFunction(scope, 'AuditFunction', settings.auditCode, {
    description: 'drift-audit: scheduled configuration drift audit',
    role,
    logGroup: auditLogGroup,
    timeout: settings.timeout,
    memorySize: settings.memorySize,
    // One run at a time: overlapping runs would race on history and double-alert.
    reservedConcurrentExecutions: 1,
    retryAttempts: settings.retryAttempts,
    maxEventAge: settings.maxEventAge,
    onFailure: new SqsDestination(deadLetterQueue),
    ...network,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      [AUDIT_FUNCTION_ENV.baselineBucket]: resources.bucket.bucketName,
      [AUDIT_FUNCTION_ENV.baselineKey]: settings.baselineKey,
      [AUDIT_FUNCTION_ENV.reportPrefix]: settings.reportPrefix,
      [AUDIT_FUNCTION_ENV.statePrefix]: settings.statePrefix,
      [AUDIT_FUNCTION_ENV.historyTable]: resources.historyTable.tableName,
      [AUDIT_FUNCTION_ENV.topicArn]: resources.topic.topicArn,
      ...(resources.chatbotTopic && { [AUDIT_FUNCTION_ENV.chatbotTopicArn]: resources.chatbotTopic.topicArn }),
      [AUDIT_FUNCTION_ENV.ssmRequestsPerSecond]: String(settings.ssmRequestsPerSecond),
      [AUDIT_FUNCTION_ENV.ssmDescribeRequestsPerSecond]: String(settings.ssmDescribeRequestsPerSecond),
      ...(settings.reminders === false
        ? { [AUDIT_FUNCTION_ENV.remindersEnabled]: 'false' }
        : {
            [AUDIT_FUNCTION_ENV.reminderStaleAfterDays]: String(settings.reminders.staleAfterDays),
            [AUDIT_FUNCTION_ENV.reminderExceptionWarningDays]: String(settings.reminders.exceptionWarningDays),
          }),
      [AUDIT_FUNCTION_ENV.serviceName]: settings.serviceName,
      [AUDIT_FUNCTION_ENV.metricsNamespace]: settings.metricsNamespace,
      ...(props.pullRequests && {
        [AUDIT_FUNCTION_ENV.pullRequestRepository]: props.pullRequests.repository,
        [AUDIT_FUNCTION_ENV.pullRequestBaseBranch]: props.pullRequests.baseBranch ?? 'main',
        [AUDIT_FUNCTION_ENV.pullRequestBaselinePath]: props.pullRequests.baselinePath,
        [AUDIT_FUNCTION_ENV.githubTokenSecretArn]: props.pullRequests.tokenSecretArn,
      }),
    },
  });
  return { role, fn };
}

/** What both functions take besides their code: everything `FunctionOptions` allows, plus a role. */
export type HandlerFunctionOptions = FunctionOptions & { readonly role: IRole };

/**
 * A handler's function, arm64 on the pinned runtime: from its prebuilt asset (installed package) or
 * bundled from its entry by `NodejsFunction` (this repository, or an explicit entry): see `handler-code.ts`.
 */
export function createHandlerFunction(scope: Construct, id: string, code: HandlerCode, options: HandlerFunctionOptions): LambdaFunction {
  const base = { runtime: DRIFT_AUDIT_RUNTIME, architecture: Architecture.ARM_64 };
  if (code.kind === 'prebuilt') {
    return new LambdaFunction(scope, id, { ...options, ...base, handler: `index.handler`, code: Code.fromAsset(code.directory) });
  }
  const lockFile = join(PACKAGE_ROOT, 'package-lock.json');
  return new NodejsFunction(scope, id, {
    ...options,
    ...base,
    entry: code.entry,
    handler: 'handler',
    projectRoot: PACKAGE_ROOT,
    ...(existsSync(lockFile) && { depsLockFilePath: lockFile }),
    bundling: {
      minify: HANDLER_BUNDLE.minify,
      sourceMap: HANDLER_BUNDLE.sourcemap,
      sourcesContent: HANDLER_BUNDLE.sourcesContent,
      target: HANDLER_BUNDLE.target,
      format: OutputFormat.ESM,
      mainFields: [...HANDLER_BUNDLE.mainFields],
      // Bundle the AWS SDK too: the run uses the versions the tests ran, not whatever the runtime ships
      // (~600 kB more, irrelevant for an hourly job).
      externalModules: [],
      banner: HANDLER_BUNDLE.banner,
      forceDockerBundling: false,
    },
  });
}
