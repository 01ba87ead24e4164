import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { RunMessage } from './run-message.js';

/**
 * Publishes one run's alert. Array attributes are sent as `String.Array` so subscription filter
 * policies can match any element (`{"severities": ["critical", "high"]}`); empty arrays are left out
 * because SNS rejects them.
 */
export async function publishRunMessage(client: SNSClient, topicArn: string, message: RunMessage): Promise<string | undefined> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.attributes)) {
    if (Array.isArray(value)) {
      if (value.length > 0) attributes[name] = { DataType: 'String.Array', StringValue: JSON.stringify(value) };
    } else {
      attributes[name] = { DataType: 'String', StringValue: String(value) };
    }
  }
  const response = await client.send(
    new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.body, MessageAttributes: attributes }),
  );
  return response.MessageId;
}
