/**
 * Change-to-alert latency and SSM calls per change event, on loopback stand-ins (SSM, dynalite,
 * s3rver, SNS): a write on the SSM stand-in, its `Parameter Store Change` event as the SQS batch
 * Lambda would deliver, the targeted run, and the alert published to the SNS stand-in. The queue's
 * batching window (the debounce, 30 s by default) is not waited out here: it adds to every figure
 * as configured, and EventBridge's own delivery (typically well under a second) is not modelled.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { runChangeBatch } from '../lambdas/audit/change-batch.js';
import { handleAudit } from '../lambdas/audit/handler.js';
import type { AuditDependencies } from '../lambdas/audit/run-audit.js';
import { HistoryStore } from '../lambdas/sinks/history/history-store.js';
import { AwsClientFactory } from '../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget } from '../lambdas/sources/aws/request-budget.js';
import { parameterStoreEvent, sqsBatch } from '../test/support/change-events.js';
import { startDynaliteTable } from '../test/support/dynalite.js';
import { startS3 } from '../test/support/s3rver.js';
import { startSnsServer } from '../test/support/sns-server.js';
import { startSsmServer, type FakeSsmParameter } from '../test/support/ssm-server.js';

/** Options of {@link runChangeEventsBench}. */
export interface ChangeEventsBenchOptions {
  /** Parameters in each of the two environments' trees. @default 500 */
  readonly parametersPerEnvironment?: number;
  /** Runs per scenario; the median is reported. @default 5 */
  readonly repeats?: number;
}

/** One scenario's figures. */
export interface ChangeScenarioFigures {
  readonly events: number;
  /** Write on the stand-in to the alert published, median, batching window excluded. */
  readonly latencyMs: number;
  readonly ssmCalls: number;
  readonly ssmCallsPerEvent: number;
  readonly alerted: boolean;
}

/** What the benchmark measured. */
export interface ChangeEventsBenchFigures {
  readonly parametersPerEnvironment: number;
  readonly single: ChangeScenarioFigures;
  readonly burst: ChangeScenarioFigures;
  /** The hourly sweep of the same estate (incremental, after a first full read), for comparison. */
  readonly sweep: { readonly latencyMs: number; readonly ssmCalls: number };
}

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';

function baselineYaml(): string {
  return `
environments:
  production-eu: { tier: production, region: eu-west-1, sources: { ssm: [{ path: /production-eu/api/, key_style: env }] } }
  staging-eu: { tier: staging, region: eu-west-1, sources: { ssm: [{ path: /staging-eu/api/, key_style: env }] } }
settings:
  LOG_LEVEL: { value: warn }
ignore: ["*"]
defaults:
  unmanaged: ignore
`;
}

/** Runs the scenarios (single change, burst of 50 writes to one environment) and the sweep for comparison. */
export async function runChangeEventsBench(options: ChangeEventsBenchOptions = {}): Promise<ChangeEventsBenchFigures> {
  const size = options.parametersPerEnvironment ?? 500;
  const repeats = options.repeats ?? 5;
  const parameters: FakeSsmParameter[] = ['production-eu', 'staging-eu'].flatMap((environment) => [
    { name: `/${environment}/api/log/level`, value: 'warn' },
    ...Array.from({ length: size - 1 }, (_, i) => ({ name: `/${environment}/api/feature/flag_${String(i).padStart(4, '0')}`, value: 'on' })),
  ]);
  const [table, s3, sns, ssm] = await Promise.all([
    startDynaliteTable(),
    startS3(),
    startSnsServer(),
    startSsmServer({ account: '123456789012', parameters: { 'eu-west-1': parameters } }),
  ]);
  const snsClient = new SNSClient({ endpoint: sns.url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const factory = new AwsClientFactory({
    budget: new RequestBudget({ rates: {} }),
    retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
    overrides: () => ({ endpoint: ssm.url, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } }),
  });
  const deps: AuditDependencies = {
    s3: s3.client,
    sns: snsClient,
    history: new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName }),
    factory,
    bucket: s3.bucket,
    baselineKey: 'baseline/baseline.json',
    reportPrefix: 'reports/',
    statePrefix: 'state/',
    topicArn: TOPIC,
    region: 'eu-west-1',
    singleConcurrency: true,
  };
  const observability = {
    logger: new Logger({ serviceName: 'drift-audit-bench', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Bench', serviceName: 'bench' }),
  };
  // Powertools prints metrics (EMF) to stdout; the bench prints its own table.
  const quiet = async <T>(run: () => Promise<T>): Promise<T> => {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      return await run();
    } finally {
      process.stdout.write = write;
    }
  };
  let sweeps = 0;
  const sweep = () =>
    quiet(() =>
      handleAudit(
        {
          source: 'drift-audit.schedule',
          scheduledTime: `2026-11-23T${String(10 + sweeps++).padStart(2, '0')}:00:00Z`,
          scheduleArn: 'bench',
          executionId: 'x',
          attemptNumber: '1',
        },
        { awsRequestId: 'bench' },
        deps,
        observability,
      ),
    );

  try {
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: deps.baselineKey,
        Body: JSON.stringify({ schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'baseline.yaml', text: baselineYaml() }] }),
      }),
    );
    await sweep();
    ssm.clearRequests();
    const sweepStarted = performance.now();
    await sweep();
    const sweepFigures = { latencyMs: performance.now() - sweepStarted, ssmCalls: ssm.requests.length };

    let round = 0;
    const scenario = async (events: number): Promise<ChangeScenarioFigures> => {
      const latencies: number[] = [];
      let calls = 0;
      let alerted = true;
      for (let r = 0; r < repeats; r += 1) {
        round += 1;
        // Each round flips LOG_LEVEL (a finding opens or resolves: an alert every round) and writes flags.
        const names = [
          '/production-eu/api/log/level',
          ...Array.from({ length: events - 1 }, (_, i) => `/production-eu/api/feature/flag_${String(i).padStart(4, '0')}`),
        ];
        const published = sns.published.length;
        ssm.clearRequests();
        const started = performance.now();
        ssm.put('eu-west-1', { name: names[0] ?? '', value: round % 2 === 1 ? 'debug' : 'warn' });
        for (const name of names.slice(1)) ssm.put('eu-west-1', { name, value: `on-${round}` });
        const batch = sqsBatch(names.map((name) => parameterStoreEvent(name)));
        await quiet(() => runChangeBatch(batch, { awsRequestId: `bench-${round}` }, deps, observability, handleAudit));
        latencies.push(performance.now() - started);
        calls = ssm.requests.length;
        alerted &&= sns.published.slice(published).some((message) => message.topicArn === TOPIC);
      }
      const latencyMs = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)] ?? 0;
      return { events, latencyMs, ssmCalls: calls, ssmCallsPerEvent: calls / events, alerted };
    };
    const single = await scenario(1);
    const burst = await scenario(50);
    return { parametersPerEnvironment: size, single, burst, sweep: sweepFigures };
  } finally {
    factory.destroy();
    snsClient.destroy();
    await Promise.all([table.stop(), s3.stop(), sns.close(), ssm.close()]);
  }
}

/** The table `npm run bench` prints. */
export function formatChangeEventsBench(figures: ChangeEventsBenchFigures): string {
  const row = (label: string, f: ChangeScenarioFigures) =>
    `${label.padEnd(26)} ${f.latencyMs.toFixed(0).padStart(6)} ms   ${String(f.ssmCalls).padStart(4)} SSM calls  ${f.ssmCallsPerEvent.toFixed(2).padStart(5)} calls/event  ${f.alerted ? 'alerted' : 'NO ALERT'}`;
  return [
    `== change events: 2 environments x ${figures.parametersPerEnvironment} parameters, loopback stand-ins ==`,
    'change-to-alert latency, write on the stand-in to alert published; EXCLUDES the batching window (default 30 s, add it)',
    row('1 event', figures.single),
    row(`burst of ${figures.burst.events} writes, 1 run`, figures.burst),
    `${'hourly sweep (incremental)'.padEnd(26)} ${figures.sweep.latencyMs.toFixed(0).padStart(6)} ms   ${String(figures.sweep.ssmCalls).padStart(4)} SSM calls (for comparison; waits for the schedule)`,
  ].join('\n');
}
