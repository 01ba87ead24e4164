import { ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
import { LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { NOTIFY_SLACK_FUNCTION_ENV } from '../lambdas/runtime/function-environment.js';
import { createHandlerFunction } from './drift-auditor-functions.js';
import { type FunctionNetwork, grantNetworkInterfaces } from './drift-auditor-network.js';
import { AUDIT_STATEMENT_SIDS } from './drift-auditor-permissions.js';
import type { DriftAuditorChatbotProps, DriftAuditorProps } from './drift-auditor-props.js';
import type { Settings } from './drift-auditor-settings.js';

/** The auditor's topics, all encrypted with one rotated customer managed key. */
export interface AuditorTopics {
  readonly topicKey: Key;
  readonly topic: Topic;
  readonly opsTopic: Topic;
  readonly chatbotTopic?: Topic;
}

/**
 * The alert topic, the ops topic (the auditor's own health) and, with Chatbot, the Chatbot topic; the
 * key CloudWatch alarms may use to publish to the ops topic; the email subscriptions asked for.
 */
export function createTopics(scope: Construct, props: DriftAuditorProps): AuditorTopics {
  const stack = Stack.of(scope);
  const topicKey = new Key(scope, 'TopicKey', {
    description: 'drift-audit: encrypts the alert, ops and Chatbot topics',
    enableKeyRotation: true,
  });
  // CloudWatch publishes alarm notifications to the encrypted ops topic and must use the key for it.
  // Only for alarms of this account and region (confused deputy): the alarms' own ARNs cannot be
  // named here, since each alarm's action refers to the topic, which refers to this key.
  topicKey.addToResourcePolicy(
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
  const topic = new Topic(scope, 'AlertTopic', {
    displayName: 'drift-audit alerts',
    masterKey: topicKey,
    enforceSSL: true,
  });
  const opsTopic = new Topic(scope, 'OpsTopic', {
    displayName: 'drift-audit auditor health',
    masterKey: topicKey,
    enforceSSL: true,
  });
  let chatbotTopic: Topic | undefined;
  if (props.chatbot) {
    chatbotTopic = new Topic(scope, 'ChatbotTopic', {
      displayName: 'drift-audit Chatbot notifications',
      masterKey: topicKey,
      enforceSSL: true,
    });
  }
  if (props.alertEmail) topic.addSubscription(new EmailSubscription(props.alertEmail));
  const opsEmail = props.opsEmail ?? props.alertEmail;
  if (opsEmail) opsTopic.addSubscription(new EmailSubscription(opsEmail));
  return { topicKey, topic, opsTopic, ...(chatbotTopic === undefined ? {} : { chatbotTopic }) };
}

/** AWS Chatbot's Slack channel, fed with the Chatbot topic (drift alerts) and the ops topic (health alarms). */
export function createChatbot(scope: Construct, chatbot: DriftAuditorChatbotProps, chatbotTopic: Topic, opsTopic: Topic): SlackChannelConfiguration {
  return new SlackChannelConfiguration(scope, 'Chatbot', {
    slackChannelConfigurationName: chatbot.configurationName ?? Names.uniqueResourceName(scope, { maxLength: 128, separator: '-' }),
    slackWorkspaceId: chatbot.slackWorkspaceId,
    slackChannelId: chatbot.slackChannelId,
    notificationTopics: [chatbotTopic, opsTopic],
    // Without guardrails Chatbot applies AdministratorAccess to channel members' commands.
    guardrailPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
    loggingLevel: LoggingLevel.ERROR,
  });
}

/** What the Slack notifier is wired to. */
export interface NotifierTargets {
  /** The alert topic it subscribes to. */
  readonly topic: Topic;
  /** The bucket of the reports it links to. */
  readonly bucket: IBucket;
  readonly deadLetterQueue: Queue;
  /** The VPC placement, when the construct has one (the webhook is on the internet: the subnets need NAT). */
  readonly network?: FunctionNetwork;
}

/** The Slack webhook notifier: a function subscribed to the alert topic, reading the webhook URL from its secret. */
export function createNotifier(scope: Construct, secretName: string, settings: Settings, targets: NotifierTargets): LambdaFunction {
  const secret = Secret.fromSecretNameV2(scope, 'SlackWebhookSecret', secretName);
  const role = new Role(scope, 'NotifierRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'drift-audit: posts alerts to Slack',
  });
  const logGroup = new LogGroup(scope, 'NotifierLogGroup', { retention: settings.logRetention });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: AUDIT_STATEMENT_SIDS.logs,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  secret.grantRead(role);
  if (targets.network !== undefined) grantNetworkInterfaces(scope, role);
  const notifier = createHandlerFunction(scope, 'NotifierFunction', settings.notifierCode, {
    description: 'drift-audit: posts drift alerts to Slack as Block Kit',
    role,
    logGroup,
    // Room for a few 429 back-offs honouring Retry-After.
    timeout: Duration.seconds(60),
    memorySize: 256,
    retryAttempts: 2,
    onFailure: new SqsDestination(targets.deadLetterQueue),
    ...targets.network,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      [NOTIFY_SLACK_FUNCTION_ENV.webhookSecretId]: secretName,
      [NOTIFY_SLACK_FUNCTION_ENV.reportBucket]: targets.bucket.bucketName,
      [NOTIFY_SLACK_FUNCTION_ENV.serviceName]: `${settings.serviceName}-notify-slack`,
      [NOTIFY_SLACK_FUNCTION_ENV.metricsNamespace]: settings.metricsNamespace,
    },
  });
  targets.topic.addSubscription(new LambdaSubscription(notifier));
  return notifier;
}
