import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { SNS_MESSAGE_LIMIT_BYTES, type RunMessage } from './run-message.js';

/** Options of {@link publishRunMessage}. */
export interface PublishOptions {
  /**
   * The plain text for `email` subscribers. When set, the alert is published with
   * `MessageStructure: json`: `default` (what `email-json`, SQS, Lambda, HTTP/S and every other
   * protocol without its own key receive) is the versioned JSON body, `email` this text.
   */
  readonly email?: string;
}

/**
 * Publishes one run's alert. Array attributes are sent as `String.Array` so subscription filter
 * policies can match any element (`{"severities": ["critical", "high"]}`); empty arrays are left out
 * because SNS rejects them. With {@link PublishOptions.email}, one publish carries a body per protocol;
 * should that envelope not fit in SNS's 256 KiB (an entry enqueued before bodies were sized for it),
 * the JSON body alone is sent, as before, rather than being refused.
 */
export async function publishRunMessage(client: SNSClient, topicArn: string, message: RunMessage, options: PublishOptions = {}): Promise<string | undefined> {
  const attributes = messageAttributesOf(message);
  const structured = options.email === undefined ? undefined : perProtocolMessage(message.body, options.email);
  const useStructured = structured !== undefined && snsPublishBytes(structured, attributes) <= SNS_MESSAGE_LIMIT_BYTES;
  const response = await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: message.subject,
      Message: useStructured ? structured : message.body,
      ...(useStructured ? { MessageStructure: 'json' } : {}),
      MessageAttributes: attributes,
    }),
  );
  return response.MessageId;
}

/**
 * The `MessageStructure: json` message: a JSON object whose string values SNS unescapes and sends per
 * protocol. `default` is required; a protocol without a key of its own (`email-json`, `sqs`, `lambda`,
 * `http`, `https`, ...) gets `default` (Publish API).
 */
export function perProtocolMessage(body: string, email: string): string {
  return JSON.stringify({ default: body, email });
}

/** The SNS attributes of a run message. */
export function messageAttributesOf(message: Pick<RunMessage, 'attributes'>): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.attributes)) {
    if (Array.isArray(value)) {
      if (value.length > 0) attributes[name] = { DataType: 'String.Array', StringValue: JSON.stringify(value) };
    } else {
      attributes[name] = { DataType: 'String', StringValue: String(value) };
    }
  }
  return attributes;
}

/** What SNS counts against its limit: the message and each attribute's name, data type and value, in UTF-8 bytes. */
export function snsPublishBytes(message: string, attributes: Readonly<Record<string, MessageAttributeValue>>): number {
  let bytes = Buffer.byteLength(message);
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}
