import { SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Publish as the stand-in received it. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  /**
   * What a subscriber without a protocol key of its own (SQS, Lambda, HTTP/S, `email-json`) receives:
   * the `Message` as published, or its `default` when published with `MessageStructure: json`.
   */
  readonly message: string;
  /** The `Message` parameter exactly as published. */
  readonly raw: string;
  readonly messageStructure?: string;
  readonly attributes: Record<string, { dataType: string; value: string }>;
}

/** SNS's default `MaximumMessageSize`: message plus every attribute's name, type and value. */
const SNS_MAX_MESSAGE_BYTES = 262_144;

/**
 * What SNS delivers to a subscriber of `protocol` (`email`, `email-json`, `sqs`, `lambda`, `https`...):
 * with `MessageStructure: json`, that protocol's key when the message has one, else `default`.
 */
export function deliveredTo(published: PublishedMessage, protocol: string): string {
  if (published.messageStructure !== 'json') return published.raw;
  const bodies = JSON.parse(published.raw) as Record<string, string>;
  return bodies[protocol] ?? bodies.default ?? '';
}

/** The InvalidParameter SNS answers for a message it refuses, or undefined when it takes it. */
function refusalOf(form: URLSearchParams, attributes: PublishedMessage['attributes']): string | undefined {
  const raw = form.get('Message') ?? '';
  let bytes = Buffer.byteLength(raw);
  for (const [name, attribute] of Object.entries(attributes))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(attribute.dataType) + Buffer.byteLength(attribute.value);
  if (bytes > SNS_MAX_MESSAGE_BYTES) return `Invalid parameter: Message too long (${bytes} bytes)`;
  if (form.get('MessageStructure') === 'json') {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { default?: unknown }).default !== 'string') {
        return 'Invalid parameter: Message Structure - No default entry in JSON message body';
      }
    } catch {
      return 'Invalid parameter: Message Structure - JSON message body failed to parse';
    }
  }
  return undefined;
}

/** A loopback SNS endpoint speaking the Query protocol (form-encoded `Action=Publish`, XML answers). */
export interface SnsStandin {
  readonly url: string;
  /** Every Publish accepted, in order (refused ones are not recorded). */
  readonly published: PublishedMessage[];
  /**
   * Refuses the next `count` Publish calls with an SNS error (default `AuthorizationError`, HTTP 403,
   * which the SDK does not retry), as when the topic's key policy or the role changed under a run.
   */
  failNext(count: number, error?: { readonly status: number; readonly code: string }): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1; every Publish is recorded and answered with a MessageId. */
export async function startSnsServer(): Promise<SnsStandin> {
  const published: PublishedMessage[] = [];
  let failures = 0;
  let failure = { status: 403, code: 'AuthorizationError' };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (form.get('Action') !== 'Publish') {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>unsupported ${form.get('Action') ?? ''}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      if (failures > 0) {
        failures -= 1;
        response.writeHead(failure.status, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>injected ${failure.code}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      const attributes: PublishedMessage['attributes'] = {};
      for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index += 1) {
        const prefix = `MessageAttributes.entry.${index}`;
        attributes[form.get(`${prefix}.Name`) ?? ''] = {
          dataType: form.get(`${prefix}.Value.DataType`) ?? '',
          value: form.get(`${prefix}.Value.StringValue`) ?? '',
        };
      }
      const refusal = refusalOf(form, attributes);
      if (refusal !== undefined) {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>${refusal}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      const subject = form.get('Subject');
      const structure = form.get('MessageStructure');
      const entry = {
        topicArn: form.get('TopicArn') ?? '',
        ...(subject === null ? {} : { subject }),
        raw: form.get('Message') ?? '',
        ...(structure === null ? {} : { messageStructure: structure }),
        attributes,
      };
      published.push({ ...entry, message: deliveredTo({ ...entry, message: '' }, 'sqs') });
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>msg-${published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${published.length}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    published,
    failNext: (count, error) => {
      failures = count;
      if (error !== undefined) failure = { ...error };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A real SNS client on the stand-in: dummy credentials, one attempt (a refusal is seen at once). */
export function snsClientOf(standin: Pick<SnsStandin, 'url'>, region = 'eu-west-1'): SNSClient {
  return new SNSClient({
    endpoint: standin.url,
    region,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    retryStrategy: new ConfiguredRetryStrategy(1, () => 0),
  });
}
