/**
 * The fan-out's plan step: load the baseline once, pin it for the run, and write the manifest of
 * targets the Distributed Map iterates (an S3 JSON ItemReader, so the item list never passes through
 * the 256 KiB state payload: 1,600 targets are ~400 KB of JSON).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CollectLiveOptions } from '../collect/collect-live.js';
import { loadAuditBaseline, type BaselineLocation } from '../audit/load-audit-baseline.js';
import { writeText } from '../audit/s3-objects.js';
import { fanOutRunPrefix, manifestKeyOf, type FanOutPlan } from './fanout-layout.js';
import { planTargets } from './fanout-targets.js';
import { pinBaseline } from './pinned-baseline.js';

/** What the plan step reads and writes. */
export interface PlanRunOptions {
  readonly s3: S3Client;
  readonly baseline: BaselineLocation;
  readonly reportPrefix: string;
  /** Names each target's read (nothing is read); the collectors build their own. */
  readonly collect: CollectLiveOptions;
}

/**
 * Plans one run. A baseline that cannot be used (none valid) plans no target: the final step then
 * records the failed run exactly as the single function does.
 */
export async function planRun(idempotencyKey: string, options: PlanRunOptions): Promise<FanOutPlan> {
  const run = { bucket: options.baseline.bucket, prefix: fanOutRunPrefix(options.reportPrefix, idempotencyKey) };
  const audited = await loadAuditBaseline(options.s3, options.baseline);
  await pinBaseline(options.s3, run, audited);
  const targets = audited.kind === 'none' ? [] : planTargets(audited.baseline, options.collect);
  const manifestKey = manifestKeyOf(run);
  await writeText(options.s3, run.bucket, manifestKey, JSON.stringify(targets), 'application/json');
  return { run, manifestKey, targets: targets.length };
}
