import type { SNSClient } from '@aws-sdk/client-sns';
import type { PendingAlert } from '../history/history-items.js';
import type { EnqueueContext, OutboxEntry, RunOutput, RunSink } from '../run-sink.js';
import { buildEmailText } from './email-text.js';
import type { RunMessage, RunMessageAttributes, RunMessageBody } from './run-message.js';
import { publishRunMessage } from './sns-publisher.js';

/** The outbox lane of the alerts topic; stored in the table, so never renamed. */
export const TOPIC_LANE = 'topic';

/** What the topic sink publishes with. */
export interface TopicSinkOptions {
  readonly sns: SNSClient;
  /** The alerts topic: one `drift-audit.run/1` message per run that has something to say. */
  readonly topicArn: string;
}

/** The outbox entry of a run alert on the alerts topic: its subject, JSON body and filter attributes as built. */
export function topicEntry(message: RunMessage): OutboxEntry {
  return { subject: message.subject, body: message.body, attributes: message.attributes as unknown as OutboxEntry['attributes'] };
}

/** An outbox entry back as the message to publish. */
export function asRunMessage(alert: PendingAlert): RunMessage {
  return {
    subject: alert.subject,
    body: alert.body,
    attributes: alert.attributes as unknown as RunMessageAttributes,
    truncated: false,
  };
}

/**
 * The SNS alerts topic as a run sink: the run's alert goes into the `topic` lane with the run, and is
 * published once the run is committed, one body per protocol (readable text for e-mail, the versioned
 * JSON for everything else). Its deliveries are what makes a run `alerted`.
 */
export class TopicSink implements RunSink {
  readonly name = TOPIC_LANE;
  readonly alerting = true;
  readonly destination: string;
  private readonly sns: SNSClient;

  constructor(options: TopicSinkOptions) {
    this.sns = options.sns;
    this.destination = options.topicArn;
  }

  enqueue(_output: RunOutput, context: EnqueueContext): OutboxEntry | undefined {
    return context.alert === undefined ? undefined : topicEntry(context.alert);
  }

  /** Publishes the JSON body for machines and, built from it, the plain text for e-mail subscribers. */
  async deliver(entry: PendingAlert): Promise<void> {
    const message = asRunMessage(entry);
    await publishRunMessage(this.sns, this.destination, message, { email: buildEmailText(message.subject, JSON.parse(message.body) as RunMessageBody) });
  }
}
