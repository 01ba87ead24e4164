import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import { CfnEventBusPolicy, Match, Rule, type EventPattern } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterPattern, LogGroup, SubscriptionFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PARAMETER_STORE_CHANGE_DETAIL_TYPE, PARAMETER_STORE_EVENT_SOURCE } from '../lambdas/events/change-messages.js';
import { auditLogFilterPattern } from '../lambdas/events/kubernetes-audit-log.js';
import { AUDIT_LOG_FORWARDER_ENV } from '../lambdas/runtime/function-environment.js';
import type { AuditScope, ClusterReadScope } from './audit-scope.js';
import { AUDIT_STATEMENT_SIDS } from './drift-auditor-permissions.js';
import { createHandlerFunction } from './drift-auditor-functions.js';
import type { HandlerCode } from './handler-code.js';
import type { DriftAuditorChangeEventsProps } from './drift-auditor-props.js';

/** The most Lambda lets an SQS event source gather before invoking (its `MaximumBatchingWindowInSeconds`). */
const MAX_BATCHING_WINDOW_SECONDS = 300;

/** What {@link DriftAuditorChangeEvents} wires together. */
export interface DriftAuditorChangeEventsResources {
  readonly props: DriftAuditorChangeEventsProps;
  readonly scope: AuditScope;
  readonly auditFunction: IFunction;
  /** The audit function's timeout: the queue's visibility timeout is six times it. */
  readonly auditTimeout: Duration;
  /** Receives change messages that failed five receives, and forwarder deliveries that failed after retries. */
  readonly deadLetterQueue: Queue;
  readonly logRetention: RetentionDays;
  readonly serviceName: string;
  /** Code of the audit-log forwarder (prebuilt asset, or an entry bundled at synth). */
  readonly forwarderCode: HandlerCode;
}

/**
 * Real-time detection: SSM `Parameter Store Change` events and (optionally) EKS control-plane audit
 * records reach the audit function through one encrypted queue, debounced by the event source
 * mapping's batching window so a burst of writes is one targeted run. The hourly schedule stays as
 * the sweep that catches what no event reported.
 *
 * - a rule on the default bus of this stack's region matching the declared SSM prefixes, with the
 *   queue as target (the target adds the queue policy for `events.amazonaws.com`, scoped to the rule);
 * - an event bus policy letting member accounts' forwarding rules put events on that bus
 *   (`aws:PrincipalOrgID` with an organization, else the scope's other accounts);
 * - the queue (SSE, SSL only, dead-letter queue after five receives, visibility six times the function
 *   timeout as Lambda asks, so throttled retries under reserved concurrency 1 fit) and the event source
 *   mapping with partial batch responses;
 * - with `kubernetesAuditLogs`, a forwarder function and one subscription filter per declared cluster
 *   of this account and region on `/aws/eks/<cluster>/cluster`, matching completed writes to
 *   workloads and ConfigMaps in the declared namespaces. A subscription can target Lambda, Kinesis or
 *   Firehose but not SQS, hence the forwarder.
 *
 * Other regions and member accounts forward with `DriftAuditChangeForwarderStack`, one per place.
 */
export class DriftAuditorChangeEvents extends Construct {
  readonly queue: Queue;
  readonly rule: Rule;
  readonly eventSource: SqsEventSource;
  readonly eventBusPolicy?: CfnEventBusPolicy;
  readonly forwarder?: LambdaFunction;
  readonly subscriptions: readonly SubscriptionFilter[];

  constructor(scope: Construct, id: string, resources: DriftAuditorChangeEventsResources) {
    super(scope, id);
    const { props } = resources;
    const stack = Stack.of(this);
    const window = props.batchingWindow ?? Duration.seconds(30);
    if (window.toSeconds() > MAX_BATCHING_WINDOW_SECONDS) {
      throw new Error(`changeEvents.batchingWindow is ${window.toSeconds()} s; Lambda gathers an SQS batch for at most ${MAX_BATCHING_WINDOW_SECONDS} s`);
    }
    const batchSize = props.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000 || (batchSize > 10 && window.toSeconds() === 0)) {
      throw new Error(`changeEvents.batchSize is ${batchSize}; expected 1 to 10 (or up to 10,000 with a batching window above 0)`);
    }

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's guidance for an SQS event source: at least six times the function timeout, so the
      // retries of a batch throttled while a sweep runs (reserved concurrency 1) fit before it reappears.
      visibilityTimeout: Duration.seconds(resources.auditTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: resources.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.rule = new Rule(this, 'ParameterStoreChangeRule', {
      description: 'drift-audit: Parameter Store writes under the declared trees, to the change queue',
      eventPattern: parameterStoreChangePattern(resources.scope.ssm.map((entry) => entry.path)),
      targets: [new SqsQueue(this.queue)],
    });

    const policy = memberAccountsStatement(stack, resources.scope, props);
    if (policy !== undefined) {
      this.eventBusPolicy = new CfnEventBusPolicy(this, 'MemberAccountsPolicy', {
        statementId: 'DriftAuditChangeEventsFromMemberAccounts',
        eventBusName: 'default',
        statement: policy,
      });
    }

    this.eventSource = new SqsEventSource(this.queue, { batchSize, maxBatchingWindow: window, reportBatchItemFailures: true });
    resources.auditFunction.addEventSource(this.eventSource);

    const clusters = props.kubernetesAuditLogs === true ? localClusters(stack, resources.scope) : [];
    if (clusters.length > 0) {
      this.forwarder = createForwarder(this, this.queue, resources);
      const forwarder = this.forwarder;
      this.subscriptions = clusters.map(
        (cluster) =>
          new SubscriptionFilter(this, `AuditLog-${cluster.name}`, {
            logGroup: LogGroup.fromLogGroupName(this, `AuditLogGroup-${cluster.name}`, `/aws/eks/${cluster.name}/cluster`),
            destination: new LambdaDestination(forwarder),
            filterPattern: FilterPattern.literal(auditLogFilterPattern(cluster.namespaces)),
            filterName: 'drift-audit-workload-writes',
          }),
      );
    } else {
      this.subscriptions = [];
    }
  }
}

/**
 * `Parameter Store Change` events under any declared prefix. EventBridge keeps a forwarded event's
 * own account and region, so one pattern serves the home region and everything forwarded to it.
 */
export function parameterStoreChangePattern(paths: readonly string[]): EventPattern {
  const prefixes = [...new Set(paths)].sort();
  return {
    source: [PARAMETER_STORE_EVENT_SOURCE],
    detailType: [PARAMETER_STORE_CHANGE_DETAIL_TYPE],
    ...(prefixes.length === 0 || prefixes.includes('/') ? {} : { detail: { name: Match.anyOf(...prefixes.map((prefix) => Match.prefix(prefix))) } }),
  };
}

/** The bus policy statement for member accounts, or undefined when every source is in this account. */
function memberAccountsStatement(stack: Stack, scope: AuditScope, props: DriftAuditorChangeEventsProps): Record<string, unknown> | undefined {
  const busArn = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
  if (props.organizationId !== undefined) {
    return {
      Sid: 'DriftAuditChangeEventsFromMemberAccounts',
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
    };
  }
  const declared = [...scope.ssm, ...scope.clusters].flatMap((entry) => (entry.account === undefined ? [] : [entry.account]));
  const accounts = [...new Set([...declared, ...(props.memberAccounts ?? [])])].filter((account) => account !== stack.account).sort();
  if (accounts.length === 0) return undefined;
  return {
    Sid: 'DriftAuditChangeEventsFromMemberAccounts',
    Effect: 'Allow',
    Principal: { AWS: accounts.map((account) => stack.formatArn({ service: 'iam', region: '', account, resource: 'root' })) },
    Action: 'events:PutEvents',
    Resource: busArn,
  };
}

/**
 * Declared clusters whose log group this stack can subscribe to: a subscription filter lives with its
 * log group, and a Lambda destination must be in the same account and region. The rest are named in
 * a warning: their writes are seen by the sweep only.
 */
function localClusters(stack: Stack, scope: AuditScope): ClusterReadScope[] {
  const here = (value: string | undefined, stackValue: string) => value === undefined || value === stackValue;
  const local = scope.clusters.filter((cluster) => here(cluster.region, stack.region) && here(cluster.account, stack.account));
  const elsewhere = scope.clusters.filter((cluster) => !local.includes(cluster)).map((cluster) => cluster.name);
  if (elsewhere.length > 0) {
    Annotations.of(stack).addWarningV2(
      'drift-audit:audit-log-elsewhere',
      `changeEvents.kubernetesAuditLogs: cluster(s) ${[...new Set(elsewhere)].sort().join(', ')} are in another account or region; their writes are seen by the scheduled sweep only`,
    );
  }
  // One filter per cluster: merge the namespaces of clusters declared twice (two environments).
  const byName = new Map<string, ClusterReadScope>();
  for (const cluster of local) {
    const earlier = byName.get(cluster.name);
    byName.set(cluster.name, earlier === undefined ? cluster : { ...earlier, namespaces: [...new Set([...earlier.namespaces, ...cluster.namespaces])].sort() });
  }
  return [...byName.values()];
}

function createForwarder(scope: Construct, queue: Queue, resources: DriftAuditorChangeEventsResources): LambdaFunction {
  const role = new Role(scope, 'ForwarderRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'drift-audit: forwards Kubernetes audit-log writes to the change queue',
  });
  const logGroup = new LogGroup(scope, 'ForwarderLogGroup', { retention: resources.logRetention });
  role.addToPrincipalPolicy(
    new PolicyStatement({ sid: AUDIT_STATEMENT_SIDS.logs, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
  );
  queue.grantSendMessages(role);
  return createHandlerFunction(scope, 'Forwarder', resources.forwarderCode, {
    description: 'drift-audit: EKS audit-log writes to the change queue',
    role,
    logGroup,
    timeout: Duration.seconds(30),
    memorySize: 256,
    retryAttempts: 2,
    onFailure: new SqsDestination(resources.deadLetterQueue),
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      [AUDIT_LOG_FORWARDER_ENV.changeQueueUrl]: queue.queueUrl,
      [AUDIT_LOG_FORWARDER_ENV.serviceName]: `${resources.serviceName}-audit-log-forwarder`,
    },
  });
}
