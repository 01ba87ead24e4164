/**
 * The baseline a fan-out run is pinned to. The plan step loads the baseline once (with the fallback to
 * the last valid one) and writes the files it validated under the run's prefix; every collector and the
 * final step parse that copy, so a baseline uploaded mid-run cannot give the targets and the analysis
 * different baselines.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { AuditBaseline } from '../audit/load-audit-baseline.js';
import { validateBaselineFiles } from '../audit/load-audit-baseline.js';
import { readText, writeText } from '../audit/s3-objects.js';
import type { BaselineFile } from '../engine/baseline/parse-baseline.js';
import { pinnedBaselineKeyOf, type FanOutRun } from './fanout-layout.js';

const PINNED_SCHEMA = 'drift-audit.fanout-baseline/1';

interface PinnedBaseline {
  readonly schema: typeof PINNED_SCHEMA;
  readonly kind: AuditBaseline['kind'];
  readonly version?: string;
  readonly files?: readonly BaselineFile[];
  readonly rejectedVersion?: string;
  readonly errors?: string;
}

/** The pinned copy is missing or unreadable: the run cannot go on (the state machine retries, then fails). */
export class PinnedBaselineError extends Error {
  override readonly name = 'PinnedBaselineError';
}

/** Writes what the plan step loaded: the files (never the parsed form, which holds Maps) and why it is that baseline. */
export async function pinBaseline(s3: S3Client, run: FanOutRun, audited: AuditBaseline): Promise<void> {
  const pinned: PinnedBaseline =
    audited.kind === 'none'
      ? {
          schema: PINNED_SCHEMA,
          kind: 'none',
          errors: audited.errors,
          ...(audited.rejectedVersion === undefined ? {} : { rejectedVersion: audited.rejectedVersion }),
        }
      : {
          schema: PINNED_SCHEMA,
          kind: audited.kind,
          version: audited.version,
          files: audited.files,
          ...(audited.kind === 'fallback' ? { rejectedVersion: audited.rejectedVersion, errors: audited.errors } : {}),
        };
  await writeText(s3, run.bucket, pinnedBaselineKeyOf(run), JSON.stringify(pinned), 'application/json');
}

/**
 * The run's baseline, parsed again from the pinned files.
 * @throws PinnedBaselineError when the copy is absent or no longer validates (it did when pinned)
 */
export async function readPinnedBaseline(s3: S3Client, run: FanOutRun): Promise<AuditBaseline> {
  const key = pinnedBaselineKeyOf(run);
  const stored = await readText(s3, run.bucket, key);
  if (stored === undefined) throw new PinnedBaselineError(`no pinned baseline at s3://${run.bucket}/${key}: the run's plan step did not finish`);
  let pinned: Partial<PinnedBaseline>;
  try {
    pinned = JSON.parse(stored.text) as Partial<PinnedBaseline>;
  } catch {
    throw new PinnedBaselineError(`s3://${run.bucket}/${key} is not JSON`);
  }
  if (pinned.schema !== PINNED_SCHEMA) throw new PinnedBaselineError(`s3://${run.bucket}/${key} is not a ${PINNED_SCHEMA} object`);
  if (pinned.kind === 'none') {
    return { kind: 'none', errors: pinned.errors ?? '', ...(pinned.rejectedVersion === undefined ? {} : { rejectedVersion: pinned.rejectedVersion }) };
  }
  const files = pinned.files ?? [];
  const parsed = validateBaselineFiles(files);
  if (!parsed.ok || pinned.version === undefined) {
    throw new PinnedBaselineError(`the baseline pinned at s3://${run.bucket}/${key} does not validate:\n${parsed.ok ? 'no version' : parsed.errors}`);
  }
  if (pinned.kind === 'fallback') {
    return {
      kind: 'fallback',
      baseline: parsed.baseline,
      version: pinned.version,
      files,
      rejectedVersion: pinned.rejectedVersion ?? 'absent',
      errors: pinned.errors ?? '',
    };
  }
  return { kind: 'current', baseline: parsed.baseline, version: pinned.version, files };
}
