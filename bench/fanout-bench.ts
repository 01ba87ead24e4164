/**
 * The Step Functions fan-out against the single function, on loopback stand-ins.
 *
 * Measured in this run:
 * - the single function (`collectLive` with one factory, as `runAudit` reads) on the largest estate it
 *   reads comfortably: one account, 4 regions x N parameters;
 * - one target alone (as in its own Lambda), then the fan-out's code path on K targets at once (the
 *   Distributed Map's concurrency, in-process): the
 *   plan step (`planRun`), K collectors (`collectTarget`, each with its own budget against its own
 *   paced SSM stand-in, limits as AWS's: 40 Get*, 10 Describe per second per account and region),
 *   then the final step (gather, analyse, reconcile, sinks on s3rver, dynalite and the SNS stand-in).
 *
 * Modelled from those measurements (the 2 cores here cannot run 1,600 SDK clients at once): the full
 * estate of A accounts x R regions x N parameters, one target per account and region. The map runs
 * ceil(targets / MaxConcurrency) waves of collectors, each wave as long as its slowest target; the
 * final step is scaled linearly from K targets. Costs use published us-east-1 prices (see PRICES).
 *
 * Run: `npx tsx bench/run.ts --only fanout` (about a minute) or with `--quick`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { cpus, loadavg } from 'node:os';
import pLimit from 'p-limit';
import { dispatchAuditEvent } from '../lambdas/audit/handler.js';
import type { AuditDependencies } from '../lambdas/audit/run-audit.js';
import { collectLive } from '../lambdas/collect/collect-live.js';
import { parseBaseline } from '../lambdas/engine/baseline/parse-baseline.js';
import { collectTarget } from '../lambdas/fanout/collect-target.js';
import type { FanOutPlan } from '../lambdas/fanout/fanout-layout.js';
import type { FanOutTarget } from '../lambdas/fanout/fanout-targets.js';
import { HistoryStore } from '../lambdas/sinks/history/history-store.js';
import { AwsClientFactory } from '../lambdas/sources/aws/aws-client-factory.js';
import { DEFAULT_REQUEST_RATES, RequestBudget, scaledRequestRates, SSM_DESCRIBE_GROUP, SSM_GET_GROUP } from '../lambdas/sources/aws/request-budget.js';
import { startDynaliteTable } from '../test/support/dynalite.js';
import { startS3 } from '../test/support/s3rver.js';
import { startSnsServer } from '../test/support/sns-server.js';
import { startSsmServer, type SsmServer } from '../test/support/ssm-server.js';

/**
 * us-east-1 list prices, as published on the AWS pricing pages (aws.amazon.com/lambda/pricing,
 * /step-functions/pricing, /s3/pricing), read 2026-12-02; free tiers ignored.
 */
export const PRICES = {
  date: '2026-12-02',
  /** Lambda, Arm (arm64, what the construct deploys), first tier. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  /** Standard workflows: per state transition. */
  stateTransition: 0.025 / 1_000,
  /** Express workflows (the map's child executions): per request, and per GB-second in 64 MB chunks, 100 ms rounding. */
  expressRequest: 1 / 1_000_000,
  expressGbSecond: 0.00001667,
  /** S3 Standard: PUT/COPY/POST/LIST and GET/SELECT per request. */
  s3Put: 0.005 / 1_000,
  s3Get: 0.0004 / 1_000,
} as const;

/** Options of {@link runFanOutBench}; defaults are the estate. */
export interface FanOutBenchOptions {
  /** @default 200 */
  readonly accounts?: number;
  /** @default 4 */
  readonly regions?: number;
  /** Parameters per account and region (one target). @default 2000 */
  readonly parametersPerTarget?: number;
  /** Targets actually collected at once in this process. @default 16 */
  readonly measuredTargets?: number;
  /** MaxConcurrency values to model the full estate at. @default [100, 1000] */
  readonly maxConcurrency?: readonly number[];
  /** Memory of the collector and the audit function, MiB (the construct's defaults). @default { collector: 512, audit: 1024 } */
  readonly memoryMb?: { readonly collector: number; readonly audit: number };
}

/** What one modelled configuration costs and takes. */
export interface FanOutModel {
  readonly maxConcurrency: number;
  readonly waves: number;
  readonly wallMs: number;
  readonly cost: { readonly lambda: number; readonly stepFunctions: number; readonly s3: number; readonly total: number };
}

/** Everything the benchmark measured and modelled. */
export interface FanOutBenchFigures {
  readonly parametersPerTarget: number;
  readonly single: { readonly targets: number; readonly parameters: number; readonly wallMs: number; readonly boundMs: number; readonly costPerRun: number };
  /** Parameters per region the single function can read in its default 5-minute timeout (collection deadline 4 min). */
  readonly singleCapPerRegion: number;
  readonly measured: {
    readonly targets: number;
    readonly planMs: number;
    readonly mapWallMs: number;
    /** One target collected alone, as in its own Lambda. */
    readonly targetAloneMs: number;
    /** CPU seconds this process spent per wall second of the map: near the cores available, the machine (not the budget) set the pace. */
    readonly cpuPerWallSecond: number;
    /** The machine's 1-minute load average and core count during the map (other processes share them). */
    readonly load: { readonly average: number; readonly cores: number };
    readonly targetMs: { readonly min: number; readonly median: number; readonly max: number };
    readonly targetBoundMs: number;
    readonly finishMs: number;
    readonly s3: { readonly puts: number; readonly gets: number };
    readonly throttled: number;
    readonly correct: boolean;
  };
  readonly estate: {
    readonly accounts: number;
    readonly regions: number;
    readonly targets: number;
    readonly parameters: number;
    readonly singleFunctionMs: number;
  };
  readonly models: readonly FanOutModel[];
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

function baselineYaml(targets: readonly { readonly name: string; readonly account: string; readonly region: string; readonly path: string }[]): string {
  const environments = targets
    .map(
      (t) =>
        `  ${t.name}:\n    tier: production\n    account: "${t.account}"\n    region: ${t.region}\n    sources:\n      ssm: [{ path: ${t.path}, key_style: relative }]`,
    )
    .join('\n');
  return `environments:\n${environments}\nsettings:\n  svc_000/setting_00: { value: v0 }\n  svc_000/setting_01: { value: v1 }\ndefaults:\n  unmanaged: ignore\n`;
}

function parseOrThrow(text: string) {
  const parsed = parseBaseline([{ name: 'baseline.yaml', text }]);
  if (!parsed.ok) throw new Error(`bench baseline does not parse: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  return parsed.baseline;
}

/** Fills one stand-in with a target's parameters (one drifted setting, so the analysis has a finding). */
function fill(server: SsmServer, region: string, path: string, n: number, drift: boolean): void {
  for (let i = 0; i < n; i += 1) {
    const key = `svc_${String(Math.floor(i / 100)).padStart(3, '0')}/setting_${String(i % 100).padStart(2, '0')}`;
    server.put(region, { name: `${path}${key}`, value: i === 0 && drift ? 'drifted' : `v${i}` });
  }
}

/** The shortest time one target can take within its budget: value pages (10 each) and metadata pages (50 each) side by side. */
function targetBoundMs(n: number, share = 1): number {
  const get = (DEFAULT_REQUEST_RATES[SSM_GET_GROUP] ?? 20) * share;
  const describe = (DEFAULT_REQUEST_RATES[SSM_DESCRIBE_GROUP] ?? 5) * share;
  return Math.max((Math.ceil(n / 10) / get) * 1000, (Math.ceil(n / 50) / describe) * 1000);
}

/** Counts the S3 requests a client sends, by kind. */
function countS3(client: S3Client): { puts: number; gets: number } {
  const counts = { puts: 0, gets: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') counts.puts += 1;
      else if (context.commandName === 'GetObjectCommand') counts.gets += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchS3Counter' },
  );
  return counts;
}

/** Runs `work` with stdout and stderr muted: the handlers print their log lines and EMF metrics there. */
async function muted<T>(work: () => Promise<T>): Promise<T> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await work();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs the scenario and returns its figures. */
export async function runFanOutBench(options: FanOutBenchOptions = {}): Promise<FanOutBenchFigures> {
  const accounts = options.accounts ?? 200;
  const regions = options.regions ?? 4;
  const n = options.parametersPerTarget ?? 2_000;
  const k = options.measuredTargets ?? 16;
  const memory = options.memoryMb ?? { collector: 512, audit: 1024 };
  const limits = { get: 40, describe: 10 };
  const quiet = { logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'Bench', serviceName: 'bench' }) };

  // The single function: one account, every region, one factory (its budget is per region).
  const singleServer = await startSsmServer({ account: '100000000000', rateLimits: limits });
  const singleTargets = REGIONS.slice(0, regions).map((region, index) => ({ name: `single-${index}`, account: '100000000000', region, path: `/single/app/` }));
  for (const target of singleTargets) fill(singleServer, target.region, target.path, n, false);
  const singleFactory = new AwsClientFactory({
    budget: new RequestBudget({ rates: DEFAULT_REQUEST_RATES }),
    overrides: { endpoint: singleServer.url, credentials },
  });
  let t0 = performance.now();
  const single = await collectLive(parseOrThrow(baselineYaml(singleTargets)), { factory: singleFactory });
  const singleWall = performance.now() - t0;
  singleFactory.destroy();
  await singleServer.close();
  const singleOk = single.snapshots.every((snapshot) => snapshot.sources.every((source) => source.status === 'ok' && source.itemCount === n));

  // The fan-out: K targets, each its own account (so its own quota) on its own paced stand-in.
  const [s3, table, sns] = await Promise.all([startS3('drift-audit-bench'), startDynaliteTable(), startSnsServer()]);
  const s3Counts = countS3(s3.client);
  const servers = new Map<string, SsmServer>();
  const fanTargets = Array.from({ length: k }, (_, i) => ({
    name: `acct-${String(i).padStart(3, '0')}`,
    account: String(200000000000 + i),
    region: REGIONS[i % regions] ?? 'us-east-1',
    path: `/acct-${String(i).padStart(3, '0')}/app/`,
  }));
  for (const target of fanTargets) {
    const server = await startSsmServer({ account: target.account, rateLimits: limits });
    fill(server, target.region, target.path, n, target.name === 'acct-000');
    servers.set(target.account, server);
  }
  const yaml = baselineYaml(fanTargets);
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  await s3.client.send(
    new PutObjectCommand({
      Bucket: s3.bucket,
      Key: 'baseline/baseline.json',
      Body: JSON.stringify({ schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'baseline.yaml', text: yaml }] }),
    }),
  );
  const snsClient = new SNSClient({ endpoint: sns.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  // The audit function only plans here (names the reads); the collectors read.
  const auditFactory = new AwsClientFactory();
  const deps: AuditDependencies = {
    s3: s3.client,
    sns: snsClient,
    history: new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName }),
    factory: auditFactory,
    bucket: s3.bucket,
    baselineKey: 'baseline/baseline.json',
    reportPrefix: 'reports/',
    statePrefix: 'state/',
    topicArn: 'arn:aws:sns:us-east-1:123456789012:drift-audit-alerts',
    singleConcurrency: true,
  };
  const event = {
    source: 'drift-audit.schedule',
    scheduledTime: '2026-12-02T06:00:00Z',
    scheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/bench',
  };
  const execution = 'arn:aws:states:us-east-1:123456789012:execution:bench:1';

  t0 = performance.now();
  const plan = (await muted(() => dispatchAuditEvent({ fanOut: 'plan', event, execution }, { awsRequestId: 'bench' }, deps, quiet))) as FanOutPlan;
  const planMs = performance.now() - t0;
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const manifest = JSON.parse(
    (await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: plan.manifestKey }))).Body?.transformToString()) ?? '[]',
  ) as FanOutTarget[];

  const collect = async (target: FanOutTarget) => {
    const server = servers.get(target.account ?? '');
    const factory = new AwsClientFactory({
      budget: new RequestBudget({ rates: scaledRequestRates(DEFAULT_REQUEST_RATES, target.budgetShare) }),
      overrides: { endpoint: server?.url ?? '', credentials },
    });
    const started = performance.now();
    const pointer = await collectTarget({ run: plan.run, target }, { s3: s3.client, factory, statePrefix: 'state/' });
    const ms = performance.now() - started;
    const throttledCalls = Object.values(factory.counter.stats()).reduce((sum, entry) => sum + entry.throttled, 0);
    factory.destroy();
    return { pointer, ms, throttledCalls };
  };
  // One target alone: what a collector takes in its own Lambda, where it has its own share of CPU.
  const [first] = manifest;
  if (first === undefined) throw new Error('the bench planned no target');
  const alone = await collect(first);

  const before = { ...s3Counts };
  const cpuBefore = process.cpuUsage();
  const limit = pLimit(k);
  t0 = performance.now();
  const collected = await Promise.all(manifest.map((target) => limit(() => collect(target))));
  const mapWallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const durations = collected.map((entry) => entry.ms);
  const throttled = collected.reduce((sum, entry) => sum + entry.throttledCalls, 0);
  const mapS3 = { puts: s3Counts.puts - before.puts, gets: s3Counts.gets - before.gets };

  const beforeFinish = { ...s3Counts };
  t0 = performance.now();
  const finished = (await muted(() => dispatchAuditEvent({ fanOut: 'finish', event, execution, plan }, { awsRequestId: 'bench' }, deps, quiet))) as {
    status: string;
  };
  const finishMs = performance.now() - t0;
  const finishS3 = { puts: s3Counts.puts - beforeFinish.puts, gets: s3Counts.gets - beforeFinish.gets };

  auditFactory.destroy();
  snsClient.destroy();
  await Promise.all([s3.stop(), table.stop(), sns.close(), ...[...servers.values()].map((server) => server.close())]);

  const correct = singleOk && finished.status === 'ok' && collected.every(({ pointer }) => pointer.status === 'ok' && pointer.itemCount === n);
  const targets = accounts * regions;
  // Per target: what its collector and the final step read and wrote (the final step's few run objects counted in).
  const putsPerTarget = (mapS3.puts + finishS3.puts) / k;
  const getsPerTarget = (mapS3.gets + finishS3.gets) / k;
  const finishScaledMs = (finishMs * targets) / k;
  // In AWS each collector is its own invocation: its time is the one measured alone.
  const slowest = alone.ms;
  const meanTargetS = alone.ms / 1000;
  const models = (options.maxConcurrency ?? [100, 1_000]).map((maxConcurrency): FanOutModel => {
    const waves = Math.ceil(targets / maxConcurrency);
    const lambda =
      targets * meanTargetS * (memory.collector / 1024) * PRICES.lambdaGbSecond +
      ((planMs * targets) / k / 1000 + finishScaledMs / 1000) * (memory.audit / 1024) * PRICES.lambdaGbSecond +
      (targets + 2) * PRICES.lambdaRequest;
    // Parent: PlanTargets, CollectTargets, AnalyseAndPublish; children: one Express request each, billed in 64 MB and 100 ms steps.
    const childSeconds = Math.ceil(meanTargetS * 10) / 10;
    const stepFunctions = 3 * PRICES.stateTransition + targets * (PRICES.expressRequest + childSeconds * (64 / 1024) * PRICES.expressGbSecond);
    // Per target as measured, plus the plan's objects (last valid baseline, pinned copy, manifest), the ItemReader's read and the ResultWriter's few objects.
    const s3Cost = (targets * putsPerTarget + 3 + 3) * PRICES.s3Put + (targets * getsPerTarget + 2 + 1) * PRICES.s3Get;
    return {
      maxConcurrency,
      waves,
      wallMs: planMs + waves * slowest + finishScaledMs,
      cost: { lambda, stepFunctions, s3: s3Cost, total: lambda + stepFunctions + s3Cost },
    };
  });
  // The single function reads every account of a region through one budget (20 Get*/s per region).
  const singleFunctionMs = accounts * targetBoundMs(n);
  const collectionDeadlineS = 240;
  return {
    parametersPerTarget: n,
    single: {
      targets: singleTargets.length,
      parameters: singleTargets.length * n,
      wallMs: singleWall,
      boundMs: targetBoundMs(n),
      costPerRun: (singleWall / 1000) * (memory.audit / 1024) * PRICES.lambdaGbSecond + PRICES.lambdaRequest,
    },
    singleCapPerRegion: collectionDeadlineS * (DEFAULT_REQUEST_RATES[SSM_GET_GROUP] ?? 20) * 10,
    measured: {
      targets: k,
      planMs,
      mapWallMs,
      targetAloneMs: alone.ms,
      targetMs: { min: Math.min(...durations), median: median(durations), max: Math.max(...durations) },
      cpuPerWallSecond: (cpu.user + cpu.system) / 1000 / mapWallMs,
      load: { average: loadavg()[0] ?? 0, cores: cpus().length },
      targetBoundMs: targetBoundMs(n),
      finishMs,
      s3: { puts: mapS3.puts + finishS3.puts, gets: mapS3.gets + finishS3.gets },
      throttled,
      correct,
    },
    estate: { accounts, regions, targets, parameters: targets * n, singleFunctionMs },
    models,
  };
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const usd = (value: number): string => `$${value.toFixed(4)}`;

/** The figures as the bench prints them. */
export function formatFanOutBench(f: FanOutBenchFigures): string {
  const m = f.measured;
  const lines = [
    `== fan-out: ${f.estate.accounts} accounts x ${f.estate.regions} regions x ${f.parametersPerTarget.toLocaleString('en')} parameters (${f.estate.targets.toLocaleString('en')} targets, ${f.estate.parameters.toLocaleString('en')} parameters) ==`,
    `single function, measured   ${f.single.targets} targets (1 account x ${f.single.targets} regions, ${f.single.parameters.toLocaleString('en')} parameters): ${s(f.single.wallMs)} (bound ${s(f.single.boundMs)}), ${usd(f.single.costPerRun)}/run`,
    `single function, cap        ${f.singleCapPerRegion.toLocaleString('en')} parameters per region in its 4-minute collection deadline (5-minute timeout); this estate needs ${s(f.estate.singleFunctionMs)} per region: does not fit`,
    `fan-out, measured           ${m.targets} targets at once, each its own budget and paced stand-in: plan ${s(m.planMs)}, map ${s(m.mapWallMs)}, final step ${s(m.finishMs)}`,
    `  one target alone          ${s(m.targetAloneMs)}; bound ${s(m.targetBoundMs)} (${(m.targetAloneMs / m.targetBoundMs).toFixed(2)}x)`,
    `  ${String(m.targets).padEnd(3)} targets at once       min ${s(m.targetMs.min)}, median ${s(m.targetMs.median)}, max ${s(m.targetMs.max)}; map wall / bound ${(m.mapWallMs / m.targetBoundMs).toFixed(2)}x at ${m.cpuPerWallSecond.toFixed(2)} CPU-s per s, load ${m.load.average.toFixed(1)} on ${m.load.cores} cores (the machine, not the budget, sets this pace)`,
    `  S3 per run                ${m.s3.puts} PUT, ${m.s3.gets} GET by collectors and the final step (${(m.s3.puts / m.targets).toFixed(1)} PUT, ${(m.s3.gets / m.targets).toFixed(1)} GET per target); throttled ${m.throttled}; results ${m.correct ? 'correct' : 'NOT CORRECT'}`,
    `fan-out, full estate (modelled: each wave as long as one target alone; final step scaled linearly from ${m.targets} targets):`,
    ...f.models.map(
      (model) =>
        `  MaxConcurrency ${String(model.maxConcurrency).padEnd(5)}     ${model.waves} wave(s), wall ~${s(model.wallMs)}; cost/run ${usd(model.cost.total)} ` +
        `(Lambda ${usd(model.cost.lambda)}, Step Functions ${usd(model.cost.stepFunctions)}, S3 ${usd(model.cost.s3)})`,
    ),
    `  prices                    us-east-1, read ${PRICES.date}: Lambda arm64 $${PRICES.lambdaGbSecond}/GB-s + $0.20/M requests; Step Functions $0.025/1,000 transitions, Express $1.00/M requests + $${PRICES.expressGbSecond}/GB-s; S3 $0.005/1,000 PUT, $0.0004/1,000 GET`,
  ];
  return lines.join('\n');
}
