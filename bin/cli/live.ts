import { collectLive, type CollectLiveResult, type CollectProgress } from '../../lambdas/collect/collect-live.js';
import type { Baseline, Snapshot } from '../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget, ssmRequestRates } from '../../lambdas/sources/aws/request-budget.js';
import { resolvePath } from './audit-inputs.js';
import type { CliIo } from './cli-io.js';
import { nextLiveState, readLiveStateFile, writeLiveStateFile } from './live-state-file.js';

/** Options shared by every command that can read the live estate. */
export interface LiveOptions {
  /** AWS profile (`--profile`); otherwise the SDK's default credential chain. */
  readonly profile?: string;
  /** SSM Get* requests per second per account and region (`--ssm-get-rps`, alias `--ssm-rps`). @default half the default quota */
  readonly ssmRequestsPerSecond?: number;
  /** SSM DescribeParameters requests per second per account and region (`--ssm-describe-rps`). @default half the assumed quota */
  readonly ssmDescribeRequestsPerSecond?: number;
  /**
   * The incremental state file (`--state FILE`): the previous run's state is read from it (a missing
   * file is a first run: a full read) and this run's is written to it after the read.
   */
  readonly statePath?: string;
  /**
   * How long the whole live read may take (`--deadline`), in milliseconds. Sources still reading then
   * are stopped and reported as `aborted` source errors: the audit is partial, never stuck.
   * @default DEFAULT_LIVE_DEADLINE_MS
   */
  readonly deadlineMs?: number;
}

/**
 * Five minutes: the Lambda's default timeout, and far more than a healthy read takes (each request
 * has its own 10 s deadline and is retried at most three times). It only ends a read that is stuck.
 */
export const DEFAULT_LIVE_DEADLINE_MS = 5 * 60_000;

/**
 * Reads the live estate with the user's AWS credentials. Endpoints are left to the SDK, so
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_SSM` / `AWS_ENDPOINT_URL_EKS` reach LocalStack or any stand-in.
 * Progress goes to stderr on a terminal; a one-line API call summary always does.
 */
export async function collectLiveWithState(io: CliIo, baseline: Baseline, options: LiveOptions): Promise<CollectLiveResult> {
  const rates = ssmRequestRates({
    ...(options.ssmRequestsPerSecond === undefined ? {} : { get: options.ssmRequestsPerSecond }),
    ...(options.ssmDescribeRequestsPerSecond === undefined ? {} : { describe: options.ssmDescribeRequestsPerSecond }),
  });
  // Read before anything else: a broken state file stops the command before it spends any quota.
  const statePath = options.statePath === undefined ? undefined : resolvePath(io, options.statePath);
  const previous = statePath === undefined ? undefined : await readLiveStateFile(statePath, options.statePath ?? '');
  if (statePath !== undefined && previous === undefined) io.stderr(`no state in ${options.statePath} yet: full read\n`);
  const factory = new AwsClientFactory({
    budget: new RequestBudget({ rates }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  const progress = io.stderrIsTty ? (event: CollectProgress) => io.stderr(progressLine(event)) : undefined;
  const deadlineMs = options.deadlineMs ?? DEFAULT_LIVE_DEADLINE_MS;
  const signal = AbortSignal.timeout(deadlineMs);
  try {
    const result = await collectLive(baseline, {
      factory,
      clock: io.now,
      signal,
      ...(previous === undefined ? {} : { previous }),
      ...(progress === undefined ? {} : { onProgress: progress }),
    });
    if (signal.aborted) io.stderr(`live read stopped at its ${formatMs(deadlineMs)} deadline (--deadline): sources still reading were not read\n`);
    io.stderr(`${apiCallSummary(result)}\n`);
    if (statePath !== undefined) {
      const failed = new Set(result.snapshots.flatMap((snapshot) => snapshot.sources.filter((source) => source.status === 'error').map((source) => source.id)));
      await writeLiveStateFile(statePath, options.statePath ?? '', nextLiveState(previous, result.persistedState, failed));
    }
    return result;
  } finally {
    factory.destroy();
  }
}

/** The snapshots of a live read, for `scan --live`, `explain --live` and `baseline accept --live`. */
export async function collectLiveForCli(io: CliIo, baseline: Baseline, options: LiveOptions): Promise<readonly Snapshot[]> {
  return (await collectLiveWithState(io, baseline, options)).snapshots;
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

function progressLine(event: CollectProgress): string {
  switch (event.phase) {
    case 'start':
      return `  ${event.environment}: reading ${event.sourceId}\n`;
    case 'done':
      return `  ${event.environment}: ${event.sourceId} read, ${event.items ?? 0} values\n`;
    case 'error':
      return `  ${event.environment}: ${event.sourceId} FAILED: ${event.message ?? 'unknown error'}\n`;
  }
}

function apiCallSummary(result: CollectLiveResult): string {
  const entries = Object.values(result.apiCalls);
  const calls = entries.reduce((sum, entry) => sum + entry.calls, 0);
  const throttled = entries.reduce((sum, entry) => sum + entry.throttled, 0);
  const failed = result.snapshots.flatMap((snapshot) => snapshot.sources).filter((source) => source.status === 'error').length;
  const sources = result.snapshots.reduce((sum, snapshot) => sum + snapshot.sources.length, 0);
  return `live read: ${sources - failed}/${sources} sources read, ${calls} API calls (${throttled} throttled)`;
}
