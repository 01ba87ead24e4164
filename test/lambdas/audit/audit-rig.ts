import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { vi } from 'vitest';
import { runChangeBatch, type ChangeBatchEvent, type ChangeBatchResult } from '../../../lambdas/audit/change-batch.js';
import { handleAudit } from '../../../lambdas/audit/handler.js';
import type { AuditDependencies, AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import type { RunMessageBody } from '../../../lambdas/sinks/alerts/run-message.js';
import type { HistoryDocumentClient } from '../../../lambdas/sinks/history/history-store.js';
import { HistoryStore } from '../../../lambdas/sinks/history/history-store.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget } from '../../../lambdas/sources/aws/request-budget.js';
import { startDynaliteTable, type DynaliteTable } from '../../support/dynalite.js';
import { startS3, type S3Standin } from '../../support/s3rver.js';
import { startSnsServer, type SnsStandin } from '../../support/sns-server.js';
import { startSsmServer, type FakeSsmParameter, type SsmServer } from '../../support/ssm-server.js';

/** The schedule every rig event comes from. */
export const RIG_SCHEDULE = 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/drift-audit';

/** The EventBridge Scheduler event of the run scheduled at `time`. */
export function scheduledEvent(time: string): unknown {
  return { source: 'drift-audit.schedule', scheduledTime: time, scheduleArn: RIG_SCHEDULE, executionId: `exec-${time}-${Math.random()}`, attemptNumber: '0' };
}

/** A baseline bundle object holding one `baseline.yaml`. */
export function baselineBundle(text: string): string {
  return JSON.stringify({ schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'baseline.yaml', text }] });
}

/**
 * A one-environment estate read from Parameter Store: small enough that a run takes milliseconds, rich
 * enough that one run can open, change and resolve findings and carry one over untouched.
 */
export const SMALL_BASELINE_YAML = `
environments:
  production-eu:
    tier: production
    region: eu-west-1
    sources:
      ssm: [{ path: /production-eu/api/, key_style: env }]
settings:
  PAYMENT_TIMEOUT: { value: 30, type: integer, severity: high }
  DB_POOL_SIZE: { value: 10, type: integer }
  LOG_LEVEL: { value: warn }
  INVENTORY_SERVICE_URL: { value: "https://inventory.internal", severity: high }
ignore: ["*"]
defaults:
  unmanaged: ignore
`;

/** Parameter names of the small estate, by setting. */
export const SMALL_ESTATE = {
  paymentTimeout: '/production-eu/api/payment/timeout',
  poolSize: '/production-eu/api/db/pool_size',
  logLevel: '/production-eu/api/log/level',
} as const;

/** The loopback services one audit talks to. */
export interface AuditRig {
  readonly table: DynaliteTable;
  readonly s3: S3Standin;
  readonly sns: SnsStandin;
  readonly ssm: SsmServer;
  /** An SNS client on the stand-in with instant retries (two attempts). */
  readonly snsClient: SNSClient;
  readonly factory: AwsClientFactory;
  uploadBaseline(text: string, key?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts dynalite, s3rver, the SNS stand-in and an SSM stand-in holding `parameters` (eu-west-1);
 * EKS calls go to `eksEndpoint` when one is given.
 */
export async function startAuditRig(parameters: readonly FakeSsmParameter[] = [], eksEndpoint?: string): Promise<AuditRig> {
  const [table, s3, sns, ssm] = await Promise.all([
    startDynaliteTable(),
    startS3(),
    startSnsServer(),
    startSsmServer({ account: '123456789012', parameters: { 'eu-west-1': parameters } }),
  ]);
  const snsClient = new SNSClient({
    endpoint: sns.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    retryStrategy: new ConfiguredRetryStrategy(2, () => 0),
  });
  const factory = new AwsClientFactory({
    // Unpaced: the stand-in has no quota, and pacing is tested where it is implemented.
    budget: new RequestBudget({ rates: {} }),
    retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
    overrides: (_target, service) => ({
      endpoint: service === 'EKS' && eksEndpoint !== undefined ? eksEndpoint : ssm.url,
      credentials: { accessKeyId: 'AKIDAUDIT', secretAccessKey: 'audit-secret' },
    }),
  });
  return {
    table,
    s3,
    sns,
    ssm,
    snsClient,
    factory,
    async uploadBaseline(text, key = 'baseline/baseline.json') {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: baselineBundle(text), ContentType: 'application/json' }));
    },
    async close() {
      factory.destroy();
      snsClient.destroy();
      await Promise.all([table.stop(), s3.stop(), sns.close(), ssm.close()]);
    },
  };
}

/** What a rig run may change: the table (or a client in front of it), the prefixes, the topic. */
export interface RigDependencyOptions {
  readonly documentClient?: HistoryDocumentClient;
  readonly tableName?: string;
  readonly statePrefix?: string;
  readonly topicArn?: string;
  readonly chatbotTopicArn?: string;
  /** Writes the history store keeps in flight at once. @default the store's (8) */
  readonly concurrency?: number;
  readonly clock: { now: number };
}

/** Audit dependencies on the rig, as production wires them (reserved concurrency 1). */
export function rigDependencies(rig: Pick<AuditRig, 'table' | 's3' | 'snsClient' | 'factory'>, options: RigDependencyOptions): AuditDependencies {
  const { clock } = options;
  return {
    s3: rig.s3.client,
    sns: rig.snsClient,
    history: new HistoryStore({
      documentClient: options.documentClient ?? rig.table.documentClient,
      tableName: options.tableName ?? rig.table.tableName,
      sleep: async () => undefined,
      now: () => new Date(clock.now),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    }),
    factory: rig.factory,
    bucket: rig.s3.bucket,
    baselineKey: 'baseline/baseline.json',
    reportPrefix: 'reports/',
    statePrefix: options.statePrefix ?? 'state/',
    topicArn: options.topicArn ?? 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts',
    ...(options.chatbotTopicArn === undefined ? {} : { chatbotTopicArn: options.chatbotTopicArn }),
    region: 'eu-west-1',
    // Each read of the clock moves it a second, so runs never share a timestamp.
    clock: () => {
      clock.now += 1000;
      return new Date(clock.now);
    },
    singleConcurrency: true,
  };
}

/**
 * Runs the handler for the event scheduled at `time` with the clock at `startAt`, its log lines and
 * metrics swallowed (tests that read them use their own capture).
 */
export async function invokeAudit(deps: AuditDependencies, clock: { now: number } | undefined, time: string, startAt = time): Promise<AuditOutcome> {
  // Without a test clock the dependencies keep the real one (production wiring).
  if (clock !== undefined) clock.now = Date.parse(startAt);
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(() => true), vi.spyOn(process.stderr, 'write').mockImplementation(() => true)];
  try {
    return await handleAudit(scheduledEvent(time), { awsRequestId: `req-${time}` }, deps, {
      logger: new Logger({ serviceName: 'drift-audit-test' }),
      metrics: new Metrics({ namespace: 'DriftAudit', serviceName: 'drift-audit-test' }),
    });
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** `<kind> <key>` of every transition the messages published to `topicArn` carry, in publishing order. */
export function alertedTransitions(sns: SnsStandin, topicArn: string): string[] {
  return (
    sns.published
      // Run alerts only: reminders (`drift-audit.reminder/1`) share the topic and carry no transitions.
      .filter((message) => message.topicArn === topicArn && message.attributes['schema']?.value === 'drift-audit.run/1')
      .flatMap((message) => (JSON.parse(message.message) as RunMessageBody).transitions.map((transition) => `${transition.kind} ${transition.key}`))
  );
}

/**
 * Runs an SQS batch of change events through the handler's path with the clock at `at`, returning
 * what it did and the log lines it printed (parsed).
 */
export async function invokeChangeBatch(
  deps: AuditDependencies,
  clock: { now: number },
  batch: ChangeBatchEvent,
  at: string,
): Promise<ChangeBatchResult & { readonly logs: Record<string, unknown>[] }> {
  clock.now = Date.parse(at);
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  const logs = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  try {
    const observability = {
      logger: new Logger({ serviceName: 'drift-audit-test' }),
      metrics: new Metrics({ namespace: 'DriftAudit', serviceName: 'drift-audit-test' }),
    };
    const result = await runChangeBatch(batch, { awsRequestId: `req-${at}` }, deps, observability, handleAudit);
    return { ...result, logs: logs() };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
