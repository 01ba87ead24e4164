import type { S3Client } from '@aws-sdk/client-s3';
import { collectLive, type CollectLiveOptions } from '../collect/collect-live.js';
import { parseLiveState } from '../collect/live-state.js';
import type { ApiCallStats, Baseline, Snapshot } from '../engine/model.js';
import type { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import { readText, writeText } from './s3-objects.js';

/** What a run's live read produced, and how to keep what the next run reads incrementally from. */
export interface CollectedRun {
  /** One per audited environment, in baseline declaration order. */
  readonly snapshots: readonly Snapshot[];
  readonly apiCalls: ApiCallStats;
  /**
   * Saves what the next run's incremental read starts from. Called only once the run is recorded, so
   * a run that crashed before recording is re-read in full next time.
   */
  commit(): Promise<void>;
}

/**
 * How a run gets its snapshots: read live by this function (`singleFunctionCollection`), or gathered
 * from the targets a Step Functions fan-out collected (`lambdas/fanout/fanout-collection.ts`). Either
 * way the same analysis, lifecycle and sinks follow (`runAudit`).
 */
export interface LiveCollection {
  collect(baseline: Baseline, signal: AbortSignal | undefined): Promise<CollectedRun>;
}

/** What the single-function read needs. */
export interface SingleFunctionCollectionOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly statePrefix: string;
  readonly factory: AwsClientFactory;
  readonly clock: () => Date;
  readonly eks?: CollectLiveOptions['eks'];
}

/**
 * Every source of every environment read in this process (`collectLive`), incrementally from the
 * previous run's `live-state.json`, which `commit` replaces with this read's redacted state.
 */
export function singleFunctionCollection(options: SingleFunctionCollectionOptions): LiveCollection {
  const stateKey = `${options.statePrefix}live-state.json`;
  return {
    async collect(baseline, signal) {
      const previous = parseLiveState((await readText(options.s3, options.bucket, stateKey))?.text);
      const collected = await collectLive(baseline, {
        factory: options.factory,
        clock: options.clock,
        ...(previous === undefined ? {} : { previous }),
        ...(options.eks === undefined ? {} : { eks: options.eks }),
        ...(signal === undefined ? {} : { signal }),
      });
      return {
        snapshots: collected.snapshots,
        apiCalls: collected.apiCalls,
        commit: () => writeText(options.s3, options.bucket, stateKey, JSON.stringify(collected.persistedState), 'application/json'),
      };
    },
  };
}
