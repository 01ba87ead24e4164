import type { SNSClient } from '@aws-sdk/client-sns';
import type { PendingAlert } from '../history/history-items.js';
import type { EnqueueContext, OutboxEntry, RunOutput, RunSink } from '../run-sink.js';
import { buildChatbotMessage } from './chatbot-message.js';
import type { RunMessage, RunMessageBody } from './run-message.js';
import { publishRunMessage } from './sns-publisher.js';
import { asRunMessage } from './topic-sink.js';

/** The outbox lane of the Chatbot topic; stored in the table, so never renamed. */
export const CHATBOT_LANE = 'chatbot';

/** What the Chatbot sink publishes with. */
export interface ChatbotSinkOptions {
  readonly sns: SNSClient;
  /** The topic AWS Chatbot is subscribed to. */
  readonly topicArn: string;
}

/**
 * The outbox entry of a run alert for Chatbot, which renders only its custom-notification format:
 * the same subject and filter attributes, the body rebuilt from the alert's JSON.
 */
export function chatbotEntry(message: RunMessage): OutboxEntry {
  const body = buildChatbotMessage(message.subject, JSON.parse(message.body) as RunMessageBody);
  return { subject: message.subject, body, attributes: message.attributes as unknown as OutboxEntry['attributes'] };
}

/** The AWS Chatbot topic as a run sink: the run's alert in Chatbot's format, in the `chatbot` lane. */
export class ChatbotSink implements RunSink {
  readonly name = CHATBOT_LANE;
  readonly destination: string;
  private readonly sns: SNSClient;

  constructor(options: ChatbotSinkOptions) {
    this.sns = options.sns;
    this.destination = options.topicArn;
  }

  enqueue(_output: RunOutput, context: EnqueueContext): OutboxEntry | undefined {
    return context.alert === undefined ? undefined : chatbotEntry(context.alert);
  }

  async deliver(entry: PendingAlert): Promise<void> {
    await publishRunMessage(this.sns, this.destination, asRunMessage(entry));
  }
}
