import { collectLive, type CollectLiveResult, type CollectProgress } from '../../lambdas/collect/collect-live.js';
import type { Baseline, Snapshot } from '../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../lambdas/sources/aws/aws-client-factory.js';
import { DEFAULT_REQUEST_RATES, RequestBudget, SSM_GET_GROUP } from '../../lambdas/sources/aws/request-budget.js';
import type { CliIo } from './cli-io.js';

/** Options shared by every command that can read the live estate. */
export interface LiveOptions {
  /** AWS profile (`--profile`); otherwise the SDK's default credential chain. */
  readonly profile?: string;
  /** SSM Get* requests per second per region (`--ssm-rps`). @default half the default quota */
  readonly ssmRequestsPerSecond?: number;
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
  const rates =
    options.ssmRequestsPerSecond === undefined ? DEFAULT_REQUEST_RATES : { ...DEFAULT_REQUEST_RATES, [SSM_GET_GROUP]: options.ssmRequestsPerSecond };
  const factory = new AwsClientFactory({
    budget: new RequestBudget({ rates }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  const progress = io.stderrIsTty ? (event: CollectProgress) => io.stderr(progressLine(event)) : undefined;
  const deadlineMs = options.deadlineMs ?? DEFAULT_LIVE_DEADLINE_MS;
  const signal = AbortSignal.timeout(deadlineMs);
  try {
    const result = await collectLive(baseline, { factory, clock: io.now, signal, ...(progress === undefined ? {} : { onProgress: progress }) });
    if (signal.aborted) io.stderr(`live read stopped at its ${formatMs(deadlineMs)} deadline (--deadline): sources still reading were not read\n`);
    io.stderr(`${apiCallSummary(result)}\n`);
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
