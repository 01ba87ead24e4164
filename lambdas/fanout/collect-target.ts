/**
 * The fan-out's collector: reads one target (one declared source of one environment) with the same
 * `collectLive` the single function uses, and writes what it read under the run's prefix.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { readText, writeText } from '../audit/s3-objects.js';
import { collectLive, type CollectLiveOptions } from '../collect/collect-live.js';
import { LIVE_STATE_SCHEMA, type LiveState } from '../collect/live-state.js';
import type { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import { sourceKinds } from '../sources/registry.js';
import { targetResultKeyOf, targetStateKeyOf, type FanOutRun, type TargetPointer } from './fanout-layout.js';
import { targetBaseline, type FanOutTarget } from './fanout-targets.js';
import { readPinnedBaseline, PinnedBaselineError } from './pinned-baseline.js';
import { TARGET_RESULT_SCHEMA, withoutFingerprints, type CollectedTargetResult } from './target-result.js';

/** One Map item, as the state machine's ItemSelector builds it. */
export interface CollectTargetInput {
  readonly run: FanOutRun;
  readonly target: FanOutTarget;
}

/** What a collector reads with. */
export interface CollectTargetDependencies {
  readonly s3: S3Client;
  /** This invocation's clients, its budget scaled to the target's share (see `FanOutTarget.budgetShare`). */
  readonly factory: AwsClientFactory;
  readonly statePrefix: string;
  readonly clock?: () => Date;
  readonly eks?: CollectLiveOptions['eks'];
}

/**
 * Collects one target. A read failure is the target's `error` status, written like any result; this
 * throws only when the result cannot be written or the run's baseline cannot be read, and then the
 * state machine's catch records the failure for the final step.
 * @param signal the target's deadline: sources still reading when it fires become `aborted` errors
 */
export async function collectTarget(input: CollectTargetInput, deps: CollectTargetDependencies, signal?: AbortSignal): Promise<TargetPointer> {
  const { run, target } = input;
  const audited = await readPinnedBaseline(deps.s3, run);
  if (audited.kind === 'none') throw new PinnedBaselineError(`the run under ${run.prefix} has no baseline, so it has no target ${target.key}`);
  const { baseline, environment } = targetBaseline(audited.baseline, target);
  const clock = deps.clock ?? (() => new Date());
  const stateKey = targetStateKeyOf(deps.statePrefix, target);
  const previous = previousState((await readText(deps.s3, run.bucket, stateKey))?.text, target);
  const collected = await collectLive(baseline, {
    factory: deps.factory,
    clock,
    environments: [environment.name],
    ...(previous === undefined ? {} : { previous }),
    ...(deps.eks === undefined ? {} : { eks: deps.eks }),
    ...(signal === undefined ? {} : { signal }),
  });
  const snapshot = collected.snapshots[0];
  const status = snapshot?.sources[0];
  if (snapshot === undefined || status === undefined) throw new Error(`target ${target.key} planned no read (its kind has no live reader)`);
  const { sources: _sources, environment: _environment, takenAt: _takenAt, observations, ...lists } = snapshot;
  const statePart = sourceKinds.named(target.kind)?.live?.statePart;
  const kept = statePart === undefined ? undefined : (collected.persistedState[statePart] as Readonly<Record<string, unknown>> | undefined)?.[status.id];
  const result: CollectedTargetResult = {
    schema: TARGET_RESULT_SCHEMA,
    target,
    takenAt: snapshot.takenAt ?? clock().toISOString(),
    result: { ...lists, observations: withoutFingerprints(observations), status },
    apiCalls: collected.apiCalls,
    ...(statePart === undefined || kept === undefined || status.status !== 'ok' ? {} : { state: { part: statePart, value: kept } }),
  };
  await writeText(deps.s3, run.bucket, targetResultKeyOf(run, target), JSON.stringify(result), 'application/json');
  return { key: target.key, status: status.status, itemCount: status.itemCount };
}

/** The target's kept state as the live state its kind reads incrementally from; undefined when absent or unreadable. */
function previousState(text: string | undefined, target: FanOutTarget): LiveState | undefined {
  if (text === undefined) return undefined;
  try {
    const kept = JSON.parse(text) as { readonly sourceId?: unknown; readonly part?: unknown; readonly value?: unknown; readonly takenAt?: unknown };
    if (kept.sourceId !== target.sourceId || typeof kept.part !== 'string') return undefined;
    const empty = { schema: LIVE_STATE_SCHEMA, takenAt: String(kept.takenAt ?? ''), ssm: {}, kubernetes: {} };
    return { ...empty, [kept.part]: { [target.sourceId]: kept.value } } as LiveState;
  } catch {
    return undefined;
  }
}
