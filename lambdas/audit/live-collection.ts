import type { S3Client } from '@aws-sdk/client-s3';
import { collectLive, type CollectLiveOptions } from '../collect/collect-live.js';
import { parseLiveState } from '../collect/live-state.js';
import type { ReconcileScope } from '../engine/lifecycle/read-scope.js';
import type { ApiCallStats, Baseline, Snapshot, SourceStatus } from '../engine/model.js';
import type { EnvironmentTarget } from '../events/change-targets.js';
import { collectTargeted } from '../events/collect-targeted.js';
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
  /** A change-driven run: what it read, the only keys its lifecycle may move. Absent for a sweep. */
  readonly scope?: ReconcileScope;
  /** A change-driven run: the statuses of the sources it read (not those rebuilt from the kept state). */
  readonly readSources?: readonly SourceStatus[];
  /** A change-driven run: the targeted environments whose read failed (their changes wait for a retry). */
  readonly failedEnvironments?: readonly string[];
}

/**
 * How a run gets its snapshots: read live by this function (`singleFunctionCollection`), or gathered
 * from the targets a Step Functions fan-out collected (`lambdas/fanout/fanout-collection.ts`). Either
 * way the same analysis, lifecycle and sinks follow (`runAudit`).
 */
export interface LiveCollection {
  collect(baseline: Baseline, signal: AbortSignal | undefined): Promise<CollectedRun>;
  /**
   * Reads only what change events touched (`lambdas/events/`), rebuilding the rest from the kept state.
   * Absent on a collection that cannot (the fan-out's gathering step, which only sweeps).
   */
  collectChanges?(baseline: Baseline, changes: readonly EnvironmentTarget[], signal: AbortSignal | undefined): Promise<CollectedRun>;
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
  const readOptions = async (signal: AbortSignal | undefined) => {
    const previous = parseLiveState((await readText(options.s3, options.bucket, stateKey))?.text);
    return {
      factory: options.factory,
      clock: options.clock,
      ...(previous === undefined ? {} : { previous }),
      ...(options.eks === undefined ? {} : { eks: options.eks }),
      ...(signal === undefined ? {} : { signal }),
    };
  };
  const commitOf = (state: unknown) => () => writeText(options.s3, options.bucket, stateKey, JSON.stringify(state), 'application/json');
  return {
    async collect(baseline, signal) {
      const collected = await collectLive(baseline, await readOptions(signal));
      return { snapshots: collected.snapshots, apiCalls: collected.apiCalls, commit: commitOf(collected.persistedState) };
    },
    async collectChanges(baseline, changes, signal) {
      const collected = await collectTargeted(baseline, changes, await readOptions(signal));
      return {
        snapshots: collected.snapshots,
        apiCalls: collected.apiCalls,
        commit: commitOf(collected.persistedState),
        scope: collected.scope,
        readSources: collected.readSources,
        failedEnvironments: collected.failedEnvironments,
      };
    },
  };
}
