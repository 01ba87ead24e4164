import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Publish as the stand-in received it. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, { dataType: string; value: string }>;
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
      const subject = form.get('Subject');
      published.push({ topicArn: form.get('TopicArn') ?? '', ...(subject === null ? {} : { subject }), message: form.get('Message') ?? '', attributes });
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
