import { Stack } from 'aws-cdk-lib';
import type { SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { directScope } from './audit-scope.js';
import { baselineBundle, readBaselineBundle } from './baseline-bundle.js';
import { DriftAuditAccessEntries } from './drift-audit-access-entries.js';
import { DriftAuditorAlarms } from './drift-auditor-alarms.js';
import { DriftAuditorChangeEvents } from './drift-auditor-change-events.js';
import { createFanOut, createFanOutAlarms } from './drift-auditor-fanout.js';
import { DriftAuditorDashboard } from './drift-auditor-dashboard.js';
import { createAuditFunction } from './drift-auditor-functions.js';
import { type AuditorNetwork, createAuditorNetwork } from './drift-auditor-network.js';
import { createChatbot, createNotifier, createTopics } from './drift-auditor-notifications.js';
import type { DriftAuditorProps } from './drift-auditor-props.js';
import { createDeadLetterQueue, createSchedule } from './drift-auditor-schedule.js';
import { resolveSettings } from './drift-auditor-settings.js';
import { handlerCode } from './handler-code.js';
import { createAuditBucket, createHistoryTable, deployBaseline } from './drift-auditor-storage.js';
import { unreachableEntries } from './read-permissions.js';

export { DRIFT_AUDIT_RUNTIME } from './drift-auditor-functions.js';
export { AUDIT_STATEMENT_SIDS } from './drift-auditor-permissions.js';
export type {
  DriftAuditorChangeEventsProps,
  DriftAuditorChatbotProps,
  DriftAuditorFanOutProps,
  DriftAuditorProps,
  DriftAuditorPullRequestProps,
} from './drift-auditor-props.js';
export { FANOUT_STATES } from './drift-auditor-fanout.js';
export { DRIFT_AUDIT_VPC_ENDPOINTS, type DriftAuditorNetworkProps, type DriftAuditVpcEndpointName } from './drift-auditor-network.js';

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
  /**
   * The role that reads the estate, which member accounts' read roles trust (it carries
   * `auditRoleName`): the audit role, or with `collection: 'state-machine'` the collectors' role.
   */
  readonly readerRole: Role;
  readonly auditFunction: LambdaFunction;
  /** The fan-out state machine, with `collection: 'state-machine'`. */
  readonly stateMachine?: StateMachine;
  /** The fan-out's collector function, with `collection: 'state-machine'`. */
  readonly collectorFunction?: LambdaFunction;
  /** Alarm on fan-out executions that recorded no run, with `collection: 'state-machine'`. */
  readonly fanOutAlarm?: Alarm;
  readonly notifierFunction?: LambdaFunction;
  /** Receives scheduled runs Scheduler could not deliver and invocations that failed after retries. */
  readonly deadLetterQueue: Queue;
  readonly schedule: Schedule;
  readonly alarms: DriftAuditorAlarms;
  /** The drift dashboard, unless `dashboard: false`. */
  readonly dashboard?: DriftAuditorDashboard;
  readonly accessEntries: DriftAuditAccessEntries;
  readonly chatbot?: SlackChannelConfiguration;
  /** The change-event path (rule, queue, event source, audit-log subscriptions), when `changeEvents` is set. */
  readonly changeEvents?: DriftAuditorChangeEvents;
  /** The functions' security groups and the VPC endpoints created, when `network` is given. */
  readonly network?: AuditorNetwork;
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

    // Storage: the bucket (baseline, reports, state), the baseline's upload, the history table.
    // As IBucket: Bucket's `isWebsite` getter is typed `boolean | undefined`, IBucket's optional field `boolean` (aws-cdk-lib, under exactOptionalPropertyTypes).
    this.bucket = props.bucket ?? (createAuditBucket(this, props, settings) as IBucket);
    this.baselineKey = settings.baselineKey;
    if (props.baselineFiles !== undefined || props.baselineDirectory !== undefined) {
      const bundle = props.baselineFiles ? baselineBundle(props.baselineFiles) : readBaselineBundle(props.baselineDirectory ?? '');
      deployBaseline(this, this.bucket, bundle, settings);
    }
    this.historyTable = createHistoryTable(this);

    // Topics and the dead-letter queue.
    const topics = createTopics(this, props);
    this.topicKey = topics.topicKey;
    this.topic = topics.topic;
    this.opsTopic = topics.opsTopic;
    if (topics.chatbotTopic !== undefined) this.chatbotTopic = topics.chatbotTopic;
    this.deadLetterQueue = createDeadLetterQueue(this);

    // The VPC placement of the functions and the endpoints they need, for private clusters.
    if (props.network !== undefined) this.network = createAuditorNetwork(this, props.network);
    const functionNetwork = this.network?.functionNetwork;

    // The audit function, its least-privilege role, and its schedule.
    const audit = createAuditFunction(
      this,
      props,
      settings,
      {
        bucket: this.bucket,
        historyTable: this.historyTable,
        topic: this.topic,
        topicKey: this.topicKey,
        ...(this.chatbotTopic === undefined ? {} : { chatbotTopic: this.chatbotTopic }),
      },
      this.deadLetterQueue,
      functionNetwork,
    );
    this.auditRole = audit.role;
    this.auditFunction = audit.fn;
    if (settings.fanOut === undefined) {
      this.readerRole = this.auditRole;
      this.schedule = createSchedule(this, this.auditFunction, this.deadLetterQueue, settings);
    } else {
      const fanOut = createFanOut(this, props, settings, settings.fanOut, {
        bucket: this.bucket,
        auditFunction: this.auditFunction,
        auditTimeout: settings.timeout,
        ...(functionNetwork === undefined ? {} : { network: functionNetwork }),
        ...(settings.auditFunctionReads ? { sharedReaderRole: this.auditRole } : {}),
      });
      this.stateMachine = fanOut.stateMachine;
      this.collectorFunction = fanOut.collectorFunction;
      this.readerRole = fanOut.collectorRole;
      this.schedule = createSchedule(this, this.stateMachine, this.deadLetterQueue, settings);
    }
    if (props.changeEvents !== undefined) {
      this.changeEvents = new DriftAuditorChangeEvents(this, 'ChangeEvents', {
        props: props.changeEvents,
        scope: props.scope,
        auditFunction: this.auditFunction,
        auditTimeout: settings.timeout,
        deadLetterQueue: this.deadLetterQueue,
        logRetention: settings.logRetention,
        serviceName: settings.serviceName,
        forwarderCode: handlerCode('audit-log-forwarder', props.changeEvents.forwarderHandlerEntry),
      });
    }

    // EKS access entries for the clusters read without a role.
    this.accessEntries = new DriftAuditAccessEntries(this, 'AccessEntries', {
      principalArn: this.readerRole.roleArn,
      clusters: directScope(props.scope).clusters,
    });

    // Slack: the webhook notifier and/or AWS Chatbot.
    if (props.slackWebhookSecretName !== undefined) {
      this.notifierFunction = createNotifier(this, props.slackWebhookSecretName, settings, {
        topic: this.topic,
        bucket: this.bucket,
        deadLetterQueue: this.deadLetterQueue,
        ...(functionNetwork === undefined ? {} : { network: functionNetwork }),
      });
    }
    if (props.chatbot && this.chatbotTopic) this.chatbot = createChatbot(this, props.chatbot, this.chatbotTopic, this.opsTopic);

    // Alarms on the auditor's own health, to the ops topic.
    this.alarms = new DriftAuditorAlarms(this, 'Alarms', {
      auditFunction: this.auditFunction,
      auditTimeout: settings.timeout,
      deadLetterQueue: this.deadLetterQueue,
      expectedRunInterval: settings.expectedRunInterval,
      metricsNamespace: settings.metricsNamespace,
      serviceName: settings.serviceName,
      ...(this.notifierFunction && { notifierFunction: this.notifierFunction }),
      ...(this.changeEvents && { changeQueue: this.changeEvents.queue }),
      action: new SnsAction(this.opsTopic),
    });
    if (this.stateMachine !== undefined) this.fanOutAlarm = createFanOutAlarms(this, this.stateMachine, new SnsAction(this.opsTopic));

    // The drift dashboard, over the metrics each run emits.
    if (props.dashboard !== false) {
      const { errors, duration, deadLetters, deadMansSwitch, notifierErrors } = this.alarms;
      this.dashboard = new DriftAuditorDashboard(this, 'Dashboard', {
        metricsNamespace: settings.metricsNamespace,
        serviceName: settings.serviceName,
        expectedRunInterval: settings.expectedRunInterval,
        alarms: [
          deadMansSwitch,
          errors,
          duration,
          deadLetters,
          ...(notifierErrors === undefined ? [] : [notifierErrors]),
          ...(this.fanOutAlarm === undefined ? [] : [this.fanOutAlarm]),
        ],
      });
    }
  }
}
