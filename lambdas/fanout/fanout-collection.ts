/**
 * The fan-out's final step gathers its snapshots from what the collectors wrote: the same `Snapshot[]`
 * the single function's `collectLive` builds, so analysis, lifecycle and sinks run unchanged.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { LiveCollection } from '../audit/live-collection.js';
import { readText, writeText } from '../audit/s3-objects.js';
import { concatenatePayloads } from '../collect/collect-live.js';
import type { ApiCallStats, Baseline, Snapshot } from '../engine/model.js';
import type { SourceReadResult } from '../sources/source.js';
import { manifestKeyOf, targetResultKeyOf, targetStateKeyOf, type FanOutRun } from './fanout-layout.js';
import type { FanOutTarget } from './fanout-targets.js';
import { failedTargetStatus, parseTargetResult, type CollectedTargetResult } from './target-result.js';

/** What the final step reads with. */
export interface FanOutCollectionOptions {
  readonly s3: S3Client;
  readonly run: FanOutRun;
  readonly statePrefix: string;
  /**
   * Objects read or written at once. S3 supports 5,500 GET and 3,500 PUT requests per second per
   * prefix (Amazon S3 performance guidelines); the function's sockets and memory are the real bound.
   * @default 32
   */
  readonly concurrency?: number;
}

/**
 * Reads the run's manifest and every target's result. A target whose collector failed, timed out or
 * left nothing is an error status for exactly that source: one target never fails the run. `commit`
 * keeps each successful target's redacted state for its next incremental read.
 */
export function fanOutCollection(options: FanOutCollectionOptions): LiveCollection {
  const { s3, run } = options;
  const limit = pLimit(options.concurrency ?? 32);
  return {
    async collect(baseline) {
      const manifest = await readText(s3, run.bucket, manifestKeyOf(run));
      if (manifest === undefined) throw new Error(`no target manifest at s3://${run.bucket}/${manifestKeyOf(run)}: the run's plan step did not finish`);
      const targets = JSON.parse(manifest.text) as FanOutTarget[];
      const results = await Promise.all(
        targets.map((target) =>
          limit(async () => ({ target, stored: parseTargetResult((await readText(s3, run.bucket, targetResultKeyOf(run, target)))?.text) })),
        ),
      );
      const collected = results.flatMap(({ stored }) => (stored !== undefined && 'result' in stored ? [stored] : []));
      const snapshots = assembleSnapshots(
        baseline,
        results.map(({ target, stored }) => {
          if (stored !== undefined && 'result' in stored) return { target, takenAt: stored.takenAt, result: stored.result };
          const error = stored === undefined ? undefined : stored.failure.error;
          return { target, result: { observations: [], images: [], status: failedTargetStatus(target, error) } };
        }),
      );
      return {
        snapshots,
        apiCalls: sumApiCalls(collected.map((entry) => entry.apiCalls)),
        commit: async () => {
          await Promise.all(collected.map((entry) => limit(() => keepState(options, entry))));
        },
      };
    },
  };
}

/** One target's outcome, in manifest order. */
export interface AssembledTarget {
  readonly target: FanOutTarget;
  readonly takenAt?: string;
  readonly result: SourceReadResult;
}

/**
 * One snapshot per baseline environment, in declaration order, each concatenating its targets' lists
 * in source order under their own names and listing their statuses: the shape `collectLive` gives.
 * `takenAt` is the last of its targets' reads (the single function takes it once, after every read).
 */
export function assembleSnapshots(baseline: Baseline, targets: readonly AssembledTarget[]): Snapshot[] {
  return baseline.environments.map((environment): Snapshot => {
    const mine = targets.filter((entry) => entry.target.environment === environment.name).sort((a, b) => a.target.sourceIndex - b.target.sourceIndex);
    const reads = mine.flatMap((entry) => (entry.takenAt === undefined ? [] : [entry.takenAt])).sort();
    const takenAt = reads[reads.length - 1];
    const results = mine.map((entry) => entry.result);
    return {
      environment: environment.name,
      ...(takenAt === undefined ? {} : { takenAt }),
      ...concatenatePayloads(results),
      sources: results.map((result) => result.status),
    };
  });
}

function sumApiCalls(all: readonly ApiCallStats[]): ApiCallStats {
  const total: Record<string, { calls: number; throttled: number }> = {};
  for (const stats of all) {
    for (const [key, entry] of Object.entries(stats)) {
      const sum = total[key] ?? { calls: 0, throttled: 0 };
      total[key] = { calls: sum.calls + entry.calls, throttled: sum.throttled + entry.throttled };
    }
  }
  return total;
}

async function keepState(options: FanOutCollectionOptions, entry: CollectedTargetResult): Promise<void> {
  if (entry.state === undefined) return;
  const kept = { sourceId: entry.target.sourceId, part: entry.state.part, value: entry.state.value, takenAt: entry.takenAt };
  await writeText(options.s3, options.run.bucket, targetStateKeyOf(options.statePrefix, entry.target), JSON.stringify(kept), 'application/json');
}
