import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted answer of the fake webhook. */
export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A loopback stand-in for a Slack incoming webhook: records payloads, answers as scripted. */
export interface SlackWebhookServer {
  readonly url: string;
  readonly received: unknown[];
  close(): Promise<void>;
}

/**
 * Starts the fake webhook on 127.0.0.1. Answers follow `script` in order, then `200 ok` as Slack does.
 */
export async function startSlackWebhookServer(script: readonly ScriptedResponse[] = []): Promise<SlackWebhookServer> {
  const received: unknown[] = [];
  let call = 0;
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const answer = script[call] ?? { status: 200, body: 'ok' };
      call += 1;
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    received,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
