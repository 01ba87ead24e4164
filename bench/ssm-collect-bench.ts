/**
 * Collection benchmark for the live SSM source, on the loopback SSM endpoint.
 *
 * N parameters per region in 4 regions; the endpoint enforces AWS's default 40 requests/s per region
 * for the Get* calls and a lower, separate limit for DescribeParameters, answering ThrottlingException
 * beyond them. It measures a full scan, an incremental scan after 1% of the parameters changed, and
 * the naive dump (`aws ssm get-parameters-by-path --recursive`, one region after another, no pacing)
 * for comparison, and checks each against its bound.
 *
 * A second scenario sets the budget to the whole quota (`--ssm-get-rps 40 --ssm-describe-rps 10`,
 * what an account without other Parameter Store readers can afford): a full read must then meet the
 * quota's own bound, max(N/10 / 40, N/50 / 10) = 25 s for 10,000 parameters, and an incremental
 * read, paced by the raised describe rate, must beat it.
 *
 * Run: `npx tsx bench/ssm-collect-bench.ts` (about three minutes) or `--quick` (1,000 per region);
 * `--full-quota` runs the second scenario only.
 */
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { StandardRetryStrategy } from '@smithy/util-retry';
import { pathToFileURL } from 'node:url';
import type { SsmSourceSpec } from '../lambdas/engine/model.js';
import { ApiCallCounter } from '../lambdas/sources/aws/api-call-counter.js';
import { AwsClientFactory } from '../lambdas/sources/aws/aws-client-factory.js';
import { budgetPlugin } from '../lambdas/sources/aws/budget-middleware.js';
import { DEFAULT_REQUEST_RATES, RequestBudget, SSM_DESCRIBE_GROUP, SSM_GET_GROUP } from '../lambdas/sources/aws/request-budget.js';
import type { SsmParameterRecord } from '../lambdas/sources/ssm/ssm-observations.js';
import { SsmSource, type SsmSourceReadResult } from '../lambdas/sources/ssm/ssm-source.js';
import { startSsmServer, type SsmServer } from '../test/support/ssm-server.js';

/** Options of {@link runSsmCollectBench}; defaults are the issue's scenario. */
export interface SsmCollectBenchOptions {
  /** @default 10000 */
  readonly parametersPerRegion?: number;
  /** @default ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'] */
  readonly regions?: readonly string[];
  /** Server-side limits per region, requests/s. @default { get: 40, describe: 10 } */
  readonly serverLimits?: { readonly get: number; readonly describe: number };
  /** Our budget per region, requests/s. @default DEFAULT_REQUEST_RATES (20 Get*, 5 Describe) */
  readonly budget?: { readonly get: number; readonly describe: number };
  /** Share of parameters changed before the incremental scan. @default 0.01 */
  readonly changedFraction?: number;
  /** Also run the naive dump. @default true */
  readonly naive?: boolean;
}

/** One scan's figures. */
export interface ScanFigures {
  /** API requests sent per region (retries included), the largest over the regions. */
  readonly callsPerRegion: number;
  /** The fewest requests that can do the job, per region. */
  readonly callBoundPerRegion: number;
  readonly throttled: number;
  readonly wallMs: number;
  /** The shortest wall time the budget allows for those calls. */
  readonly wallBoundMs: number;
  /** Every region read, with the values the server holds. */
  readonly correct: boolean;
}

/** Everything the benchmark measured. */
export interface SsmCollectBenchFigures {
  readonly parametersPerRegion: number;
  readonly regions: readonly string[];
  readonly serverLimits: { readonly get: number; readonly describe: number };
  readonly budget: { readonly get: number; readonly describe: number };
  readonly full: ScanFigures;
  readonly incremental: ScanFigures & { readonly changedPerRegion: number };
  readonly naive?: {
    readonly calls: number;
    readonly throttled: number;
    readonly wallMs: number;
    readonly regionsComplete: number;
    readonly errors: readonly string[];
  };
  readonly targets: {
    readonly fullCallsWithin5Percent: boolean;
    readonly incrementalCallsWithinBound: boolean;
    readonly zeroThrottled: boolean;
    readonly wallWithin25Percent: boolean;
  };
}

const PREFIX = '/bench/app';
/** "A few" extra incremental calls allowed by the target (an odd partial batch or page). */
const INCREMENTAL_SLACK = 3;

function parameterName(i: number): string {
  // Nested like real trees: 100 services of 100 settings.
  return `${PREFIX}/svc_${String(Math.floor(i / 100)).padStart(3, '0')}/setting_${String(i % 100).padStart(2, '0')}`;
}

function isSecure(i: number): boolean {
  return i % 50 === 7;
}

/** Runs the scenario and returns its figures. */
export async function runSsmCollectBench(options: SsmCollectBenchOptions = {}): Promise<SsmCollectBenchFigures> {
  const n = options.parametersPerRegion ?? 10_000;
  const regions = options.regions ?? ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
  const serverLimits = options.serverLimits ?? { get: 40, describe: 10 };
  const budget = options.budget ?? {
    get: DEFAULT_REQUEST_RATES[SSM_GET_GROUP] ?? 20,
    describe: DEFAULT_REQUEST_RATES[SSM_DESCRIBE_GROUP] ?? 5,
  };
  const changed = Math.max(1, Math.round(n * (options.changedFraction ?? 0.01)));
  const spec: SsmSourceSpec = { kind: 'ssm', path: `${PREFIX}/`, keyStyle: 'relative' };
  const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

  const server = await startSsmServer({ rateLimits: serverLimits });
  try {
    for (const region of regions) {
      for (let i = 0; i < n; i += 1) {
        server.put(region, {
          name: parameterName(i),
          value: `${region}-value-${i}`,
          ...(isSecure(i) ? { type: 'SecureString' as const } : {}),
        });
      }
    }

    const factory = new AwsClientFactory({
      budget: new RequestBudget({ rates: { [SSM_GET_GROUP]: budget.get, [SSM_DESCRIBE_GROUP]: budget.describe } }),
      overrides: { endpoint: server.url, credentials },
    });
    const scan = async (previous?: ReadonlyMap<string, readonly SsmParameterRecord[]>): Promise<SsmSourceReadResult[]> =>
      Promise.all(
        regions.map((region) => {
          const before = previous?.get(region);
          return new SsmSource({
            spec,
            region,
            client: factory.ssm({ region }),
            ...(before === undefined ? {} : { previous: before }),
          }).read();
        }),
      );

    // Full scan, all regions at once.
    let t0 = performance.now();
    const fullResults = await scan();
    const fullWall = performance.now() - t0;
    const fullStats = factory.counter.stats();
    const full = scanFigures(regions, fullStats, fullWall, server, fullResults, {
      callBound: Math.ceil(n / 10) + Math.ceil(n / 50),
      // Value pages and metadata pages run side by side: the slower budget sets the pace.
      wallBoundMs: Math.max((Math.ceil(n / 10) / budget.get) * 1000, (Math.ceil(n / 50) / budget.describe) * 1000),
    });

    // 1% of each region's parameters change (spread over the tree), then an incremental scan.
    const step = Math.floor(n / changed);
    const changedIndices = Array.from({ length: changed }, (_, k) => k * step);
    for (const region of regions) {
      for (const i of changedIndices) {
        const name = parameterName(i);
        const current = server.get(region, name);
        server.put(region, { name, value: `${region}-changed-${i}`, ...(current ? { type: current.type } : {}) });
      }
    }
    const previous = new Map(regions.map((region, index) => [region, fullResults[index]?.records ?? []]));
    t0 = performance.now();
    const incResults = await scan(previous);
    const incWall = performance.now() - t0;
    const incStats = subtractStats(factory.counter.stats(), fullStats);
    // SecureStrings (every 50th parameter) have no value to read: only their metadata moves.
    const changedValues = changedIndices.filter((i) => !isSecure(i)).length;
    const incremental = {
      ...scanFigures(regions, incStats, incWall, server, incResults, {
        callBound: Math.ceil(n / 50) + Math.ceil(changed / 10),
        // Metadata pages first, then the value batches.
        wallBoundMs: (Math.ceil(n / 50) / budget.describe) * 1000 + (Math.ceil(changedValues / 10) / budget.get) * 1000,
      }),
      changedPerRegion: changed,
    };
    factory.destroy();

    // Let the server's buckets refill so the naive run starts as fresh as ours did.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const naive = options.naive === false ? undefined : await naiveDump(server, regions, credentials);

    const allThrottled = full.throttled + incremental.throttled;
    return {
      parametersPerRegion: n,
      regions,
      serverLimits,
      budget,
      full,
      incremental,
      ...(naive === undefined ? {} : { naive }),
      targets: {
        fullCallsWithin5Percent: full.callsPerRegion <= 1.05 * full.callBoundPerRegion,
        incrementalCallsWithinBound: incremental.callsPerRegion <= incremental.callBoundPerRegion + INCREMENTAL_SLACK,
        zeroThrottled: allThrottled === 0,
        wallWithin25Percent: full.wallMs <= 1.25 * full.wallBoundMs && incremental.wallMs <= 1.25 * incremental.wallBoundMs,
      },
    };
  } finally {
    await server.close();
  }
}

function scanFigures(
  regions: readonly string[],
  stats: Readonly<Record<string, { calls: number; throttled: number }>>,
  wallMs: number,
  server: SsmServer,
  results: readonly SsmSourceReadResult[],
  bounds: { callBound: number; wallBoundMs: number },
): ScanFigures {
  let callsPerRegion = 0;
  let throttled = 0;
  for (const region of regions) {
    let calls = 0;
    for (const [key, entry] of Object.entries(stats)) {
      if (!key.startsWith(`${region}:`)) continue;
      calls += entry.calls;
      throttled += entry.throttled;
    }
    callsPerRegion = Math.max(callsPerRegion, calls);
  }
  const correct = results.every((result, index) => {
    const region = regions[index] ?? '';
    if (result.status.status !== 'ok') return false;
    return result.records.every((record) => {
      const stored = server.get(region, record.name);
      if (!stored || stored.version !== record.version) return false;
      return record.type === 'SecureString' ? record.value === undefined : record.value === stored.value;
    });
  });
  return {
    callsPerRegion,
    callBoundPerRegion: bounds.callBound,
    throttled,
    wallMs,
    wallBoundMs: bounds.wallBoundMs,
    correct,
  };
}

function subtractStats(
  after: Readonly<Record<string, { calls: number; throttled: number }>>,
  before: Readonly<Record<string, { calls: number; throttled: number }>>,
): Record<string, { calls: number; throttled: number }> {
  const out: Record<string, { calls: number; throttled: number }> = {};
  for (const [key, entry] of Object.entries(after)) {
    const prior = before[key] ?? { calls: 0, throttled: 0 };
    out[key] = { calls: entry.calls - prior.calls, throttled: entry.throttled - prior.throttled };
  }
  return out;
}

/**
 * What `aws ssm get-parameters-by-path --recursive` does per region: page through with the SDK's
 * standard retry (3 attempts, backoff on throttling), no pacing, one region after another.
 */
async function naiveDump(
  server: SsmServer,
  regions: readonly string[],
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<NonNullable<SsmCollectBenchFigures['naive']>> {
  const counter = new ApiCallCounter();
  const errors: string[] = [];
  let complete = 0;
  const t0 = performance.now();
  for (const region of regions) {
    const client = new SSMClient({ region, endpoint: server.url, credentials, retryStrategy: new StandardRetryStrategy(3) });
    client.middlewareStack.use(budgetPlugin({ region, service: 'SSM', counter }));
    try {
      let token: string | undefined;
      do {
        const out = await client.send(
          new GetParametersByPathCommand({ Path: PREFIX, Recursive: true, MaxResults: 10, ...(token ? { NextToken: token } : {}) }),
        );
        token = out.NextToken;
      } while (token);
      complete += 1;
    } catch (error) {
      errors.push(`${region}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    } finally {
      client.destroy();
    }
  }
  const total = counter.total();
  return { calls: total.calls, throttled: total.throttled, wallMs: performance.now() - t0, regionsComplete: complete, errors };
}

/** Human lines for the figures. */
export function formatSsmCollectBench(f: SsmCollectBenchFigures): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const ok = (b: boolean): string => (b ? 'met' : 'MISSED');
  const lines = [
    `SSM collection on the loopback endpoint: ${f.regions.length} regions x ${f.parametersPerRegion.toLocaleString('en')} parameters`,
    `  server limits per region: ${f.serverLimits.get} Get*/s, ${f.serverLimits.describe} DescribeParameters/s; ` +
      `our budget per region: ${f.budget.get} Get*/s, ${f.budget.describe} DescribeParameters/s`,
    `  full scan:    ${f.full.callsPerRegion} calls/region vs bound ceil(N/10)+ceil(N/50) = ${f.full.callBoundPerRegion} ` +
      `(x${(f.full.callsPerRegion / f.full.callBoundPerRegion).toFixed(3)}), throttled ${f.full.throttled}, ` +
      `wall ${s(f.full.wallMs)} vs budget bound ${s(f.full.wallBoundMs)} (x${(f.full.wallMs / f.full.wallBoundMs).toFixed(3)}), ` +
      `correct ${f.full.correct}`,
    `  incremental:  ${f.incremental.changedPerRegion} changed/region -> ${f.incremental.callsPerRegion} calls/region vs ` +
      `ceil(N/50)+ceil(changed/10) = ${f.incremental.callBoundPerRegion}, throttled ${f.incremental.throttled}, ` +
      `wall ${s(f.incremental.wallMs)} vs budget bound ${s(f.incremental.wallBoundMs)} ` +
      `(x${(f.incremental.wallMs / f.incremental.wallBoundMs).toFixed(3)}), correct ${f.incremental.correct}`,
  ];
  if (f.naive) {
    lines.push(
      `  naive dump:   GetParametersByPath only, regions in turn, no pacing: ${f.naive.calls} calls, ` +
        `throttled ${f.naive.throttled}, wall ${s(f.naive.wallMs)}, ${f.naive.regionsComplete}/${f.regions.length} regions complete` +
        (f.naive.errors.length > 0 ? ` (${f.naive.errors.join('; ')})` : ''),
    );
  }
  lines.push(
    `  targets: full calls <= 1.05 x bound ${ok(f.targets.fullCallsWithin5Percent)}; incremental <= bound + ${INCREMENTAL_SLACK} ` +
      `${ok(f.targets.incrementalCallsWithinBound)}; zero throttled ${ok(f.targets.zeroThrottled)}; ` +
      `wall <= 1.25 x budget bound ${ok(f.targets.wallWithin25Percent)}`,
  );
  return lines.join('\n');
}

/**
 * The full-quota scenario: our budget equal to the server's limits, no naive run. Its figures are
 * those of {@link runSsmCollectBench}; {@link formatSsmFullQuotaBench} prints the targets it has.
 */
export async function runSsmFullQuotaBench(options: Omit<SsmCollectBenchOptions, 'budget' | 'naive'> = {}): Promise<SsmCollectBenchFigures> {
  const serverLimits = options.serverLimits ?? { get: 40, describe: 10 };
  return runSsmCollectBench({ ...options, serverLimits, budget: serverLimits, naive: false });
}

/** Human lines for the full-quota scenario: each scan measured against its bound, and incremental against full. */
export function formatSsmFullQuotaBench(f: SsmCollectBenchFigures): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const ok = (b: boolean): string => (b ? 'met' : 'MISSED');
  const fullMeets = f.full.wallMs <= 1.05 * f.full.wallBoundMs && f.full.throttled === 0 && f.full.correct;
  const faster = f.incremental.wallMs < f.full.wallMs && f.incremental.correct;
  return [
    `SSM collection at the full quota: ${f.regions.length} regions x ${f.parametersPerRegion.toLocaleString('en')} parameters, ` +
      `budget = server limits = ${f.budget.get} Get*/s and ${f.budget.describe} DescribeParameters/s per region`,
    `  full scan:    measured ${s(f.full.wallMs)} vs bound max(N/10/${f.budget.get}, N/50/${f.budget.describe}) = ${s(f.full.wallBoundMs)} ` +
      `(x${(f.full.wallMs / f.full.wallBoundMs).toFixed(3)}), ${f.full.callsPerRegion} calls/region, throttled ${f.full.throttled}, correct ${f.full.correct}`,
    `  incremental:  measured ${s(f.incremental.wallMs)} vs bound ${s(f.incremental.wallBoundMs)} ` +
      `(${f.incremental.changedPerRegion} changed/region, ${f.incremental.callsPerRegion} calls/region, throttled ${f.incremental.throttled}, ` +
      `correct ${f.incremental.correct}); full ${s(f.full.wallMs)} -> incremental ${s(f.incremental.wallMs)} ` +
      `(x${(f.incremental.wallMs / f.full.wallMs).toFixed(2)})`,
    `  targets: full read within 5% of its bound, zero throttled ${ok(fullMeets)}; incremental faster than full ${ok(faster)}`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const size = quick ? { parametersPerRegion: 1_000 } : {};
  if (!process.argv.includes('--full-quota')) {
    const figures = await runSsmCollectBench(size);
    console.log(formatSsmCollectBench(figures));
    if (process.argv.includes('--json')) console.log(JSON.stringify(figures, null, 2));
  }
  const fullQuota = await runSsmFullQuotaBench(size);
  console.log(formatSsmFullQuotaBench(fullQuota));
  if (process.argv.includes('--json')) console.log(JSON.stringify(fullQuota, null, 2));
}
