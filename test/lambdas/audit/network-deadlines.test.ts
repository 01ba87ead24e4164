import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runHistory } from '../../../bin/cli/history-command.js';
import type { CliIo } from '../../../bin/cli/cli-io.js';
import { AUDIT_FUNCTION_ENV } from '../../../lib/audit-function-environment.js';
import { dependenciesFromEnvironment } from '../../../lambdas/audit/handler.js';
import { readText } from '../../../lambdas/audit/s3-objects.js';
import { startDynaliteTable, type DynaliteTable } from '../../support/dynalite.js';
import { startS3, type S3Standin } from '../../support/s3rver.js';
import { startSnsServer, type SnsStandin } from '../../support/sns-server.js';
import { startSsmServer, type SsmServer } from '../../support/ssm-server.js';
import { baselineBundle, invokeAudit, scheduledEvent, SMALL_BASELINE_YAML, SMALL_ESTATE } from './audit-rig.js';

/** A TCP endpoint that accepts connections and never sends a byte back: a hung load balancer, a black hole. */
async function startSilentEndpoint(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Settles as `promise` does, or rejects once `ms` have passed with the call still pending. */
function settlesWithin<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms: the call has no deadline`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Short deadlines for the test; production keeps the project's defaults (see http-timeouts.ts). */
const TEST_TIMEOUTS = { requestTimeoutMs: 300, connectionTimeoutMs: 300 } as const;
/** Generous against the test deadlines (three attempts with backoff stay well under it). */
const BOUND_MS = 15_000;
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';

describe('Deadlines on every network call of the scheduled audit and the history CLI', () => {
  let silent: Awaited<ReturnType<typeof startSilentEndpoint>>;
  let table: DynaliteTable;
  let s3: S3Standin;
  let sns: SnsStandin;
  let ssm: SsmServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    [silent, table, s3, sns, ssm] = await Promise.all([
      startSilentEndpoint(),
      startDynaliteTable(),
      startS3(),
      startSnsServer(),
      startSsmServer({ parameters: { 'eu-west-1': [{ name: SMALL_ESTATE.logLevel, value: 'warn' }] } }),
    ]);
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'baseline/baseline.json', Body: baselineBundle(SMALL_BASELINE_YAML) }));
  });

  afterAll(async () => {
    await Promise.all([silent.close(), table.stop(), s3.stop(), sns.close(), ssm.close()]);
  });

  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  /** The Lambda's environment, each service on its stand-in unless `silentFor` names it. */
  function lambdaEnvironment(silentFor: 'SNS' | 'S3' | 'DYNAMODB' | undefined): void {
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_EC2_METADATA_DISABLED: 'true',
      // s3rver stores aws-chunked framing as the object (TOOLCHAIN.md); real S3 does not need this.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_ENDPOINT_URL_SNS: silentFor === 'SNS' ? silent.url : sns.url,
      AWS_ENDPOINT_URL_S3: silentFor === 'S3' ? silent.url : s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: silentFor === 'DYNAMODB' ? silent.url : table.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      [AUDIT_FUNCTION_ENV.historyTable]: table.tableName,
      [AUDIT_FUNCTION_ENV.baselineBucket]: s3.bucket,
      [AUDIT_FUNCTION_ENV.baselineKey]: 'baseline/baseline.json',
      [AUDIT_FUNCTION_ENV.topicArn]: TOPIC,
    });
  }

  it('gives up on a publish to an SNS endpoint that never answers, as a retriable timeout', async () => {
    // Prepare
    lambdaEnvironment('SNS');
    const deps = dependenciesFromEnvironment({ httpTimeouts: TEST_TIMEOUTS });

    // Act
    const publish = deps.sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }));

    // Assess
    await expect(settlesWithin(BOUND_MS, publish)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(silent.connections()).toBeGreaterThan(0);
  });

  it('gives up on an S3 read from an endpoint that never answers, as a retriable S3ObjectError', async () => {
    // Prepare
    lambdaEnvironment('S3');
    const deps = dependenciesFromEnvironment({ httpTimeouts: TEST_TIMEOUTS });

    // Act
    const read = readText(deps.s3, s3.bucket, 'baseline/baseline.json');

    // Assess
    await expect(settlesWithin(BOUND_MS, read)).rejects.toMatchObject({ name: 'S3ObjectError', retriable: true });
  });

  it('ends a run whose history table never answers with a retriable history error instead of hanging', async () => {
    // Prepare
    lambdaEnvironment('DYNAMODB');
    const deps = dependenciesFromEnvironment({ httpTimeouts: TEST_TIMEOUTS });

    // Act
    const run = invokeAudit(deps, undefined, '2026-11-23T10:00:00Z');

    // Assess
    await expect(settlesWithin(BOUND_MS, run)).rejects.toMatchObject({ name: 'HistoryReadError', retriable: true });
    deps.factory.destroy();
  });

  it('records a run whose alert topic never answers, and ends it with a retriable delivery error', async () => {
    // Prepare
    lambdaEnvironment('SNS');
    const deps = dependenciesFromEnvironment({ httpTimeouts: TEST_TIMEOUTS });

    // Act
    const run = invokeAudit(deps, undefined, '2026-11-23T11:00:00Z');

    // Assess: bounded, typed, retriable; and the run is in history, so its retry only has to deliver.
    await expect(settlesWithin(BOUND_MS, run)).rejects.toMatchObject({ name: 'AlertDeliveryError', retriable: true });
    expect((await deps.history.status(`${scheduledEventKey('2026-11-23T11:00:00Z')}`)).state).toBe('complete');
    deps.factory.destroy();
  });

  it('gives up on a history query of the CLI against a table endpoint that never answers', async () => {
    // Prepare
    lambdaEnvironment('DYNAMODB');
    const io: CliIo = {
      stdout: () => undefined,
      stderr: () => undefined,
      stdoutIsTty: false,
      stderrIsTty: false,
      env: process.env,
      cwd: process.cwd(),
      now: () => new Date('2026-11-23T12:00:00Z'),
    };

    // Act
    const history = runHistory(io, { region: 'eu-west-1', since: '30d', open: false, json: true, table: 'drift-audit-history' }, TEST_TIMEOUTS);

    // Assess
    await expect(settlesWithin(BOUND_MS, history)).rejects.toMatchObject({ name: 'HistoryReadError', retriable: true });
  });
});

/** The idempotency key the handler derives from the rig's scheduled event. */
function scheduledEventKey(time: string): string {
  const event = scheduledEvent(time) as { scheduleArn: string; scheduledTime: string };
  return `${event.scheduleArn}#${event.scheduledTime}`;
}
