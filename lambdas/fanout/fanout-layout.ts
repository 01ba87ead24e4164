/**
 * Where a fan-out run keeps its objects, and the small pointers its states pass instead of data.
 *
 * Step Functions limits a state's input and output to 262,144 bytes (UTF-8): "use Amazon S3 ... if the
 * data you are passing between states might grow to over 262,144 bytes" (AWS Step Functions developer
 * guide, "Use Amazon S3 ARNs instead of passing large payloads"; the 256 KiB quota). A target's snapshot
 * can be megabytes and a large estate has thousands of targets, so every state passes keys: the plan
 * writes the manifest the Distributed Map reads (ItemReader, S3 JSON), each collector writes its
 * target's result, and the final step reads them all.
 */
import { createHash } from 'node:crypto';
import type { FanOutTarget } from './fanout-targets.js';

/** The run's objects: all under one prefix in the auditor's bucket. */
export interface FanOutRun {
  readonly bucket: string;
  /** `<reportPrefix>fanout/<run key>/`: expired with the reports by the bucket's lifecycle rule. */
  readonly prefix: string;
}

/** What the plan step returns (the state machine keeps it at `$.plan`). */
export interface FanOutPlan {
  readonly run: FanOutRun;
  /** Key of the JSON array of {@link FanOutTarget} the Distributed Map iterates. */
  readonly manifestKey: string;
  readonly targets: number;
}

/** What a collector returns to the Map: a pointer, never the snapshot. */
export interface TargetPointer {
  readonly key: string;
  readonly status: 'ok' | 'error';
  readonly itemCount: number;
}

/** Folder of fan-out runs under the report prefix. */
export const FANOUT_FOLDER = 'fanout/';

/** The run's prefix: the idempotency key made safe for a key (a redelivery of one scheduled run reuses it). */
export function fanOutRunPrefix(reportPrefix: string, idempotencyKey: string): string {
  const readable = idempotencyKey
    .replace(/^arn:[^#]*:schedule\//, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 80);
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12);
  return `${reportPrefix}${FANOUT_FOLDER}${readable}-${digest}/`;
}

export function manifestKeyOf(run: FanOutRun): string {
  return `${run.prefix}targets.json`;
}

export function pinnedBaselineKeyOf(run: FanOutRun): string {
  return `${run.prefix}baseline.json`;
}

/** Where a target's collector (or, when it failed, the state machine's catch) writes its result. */
export function targetResultKeyOf(run: FanOutRun, target: Pick<FanOutTarget, 'key'>): string {
  return `${run.prefix}targets/${target.key}.json`;
}

/**
 * Where a target's redacted live state is kept between runs, for its next incremental read: by
 * environment and source id, so reordering the baseline's sources keeps it.
 */
export function targetStateKeyOf(statePrefix: string, target: Pick<FanOutTarget, 'environment' | 'sourceId'>): string {
  const digest = createHash('sha256').update(`${target.environment}\n${target.sourceId}`).digest('hex').slice(0, 24);
  return `${statePrefix}fanout-targets/${digest}.json`;
}
