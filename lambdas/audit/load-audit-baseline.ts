import type { S3Client } from '@aws-sdk/client-s3';
import { formatBaselineIssue } from '../engine/baseline/baseline-issue.js';
import { BASELINE_LIMITS, bundleObjectLimit, formatBytes } from '../engine/baseline/baseline-limits.js';
import { parseBaseline, type BaselineFile } from '../engine/baseline/parse-baseline.js';
import type { Baseline } from '../engine/model.js';
import { isBaselineBundle } from '../runtime/baseline-bundle-format.js';
import { readText, writeText } from './s3-objects.js';

/** The baseline a run audits against, and why it is that one. */
export type AuditBaseline =
  | {
      readonly kind: 'current';
      readonly baseline: Baseline;
      readonly version: string;
      /** The bundle files it was parsed from (a fan-out run pins them for its collectors). */
      readonly files: readonly BaselineFile[];
    }
  | {
      /** The stored baseline is invalid: the run audits against the last valid one and reports the errors. */
      readonly kind: 'fallback';
      readonly baseline: Baseline;
      readonly version: string;
      readonly files: readonly BaselineFile[];
      readonly rejectedVersion: string;
      readonly errors: string;
    }
  | { readonly kind: 'none'; readonly rejectedVersion?: string; readonly errors: string };

/** Where the baseline and the auditor's copy of the last valid one live. */
export interface BaselineLocation {
  readonly bucket: string;
  readonly key: string;
  /** Key of the last valid baseline the auditor keeps (`state/last-valid-baseline.json`). */
  readonly lastValidKey: string;
}

interface LastValid {
  readonly version: string;
  readonly files: readonly BaselineFile[];
}

/**
 * Loads the baseline bundle and validates it. A valid one is also saved as the last valid baseline;
 * an invalid one (a bad merge, a hand edit in the bucket) does not stop auditing: the last valid
 * baseline is used and the located errors go into the run and its alert.
 */
export async function loadAuditBaseline(s3: S3Client, location: BaselineLocation): Promise<AuditBaseline> {
  const stored = await readText(s3, location.bucket, location.key);
  let errors: string;
  if (stored === undefined) {
    errors = `no baseline at s3://${location.bucket}/${location.key} (deploy the stack, or upload the bundle there)`;
  } else {
    const files = filesOf(stored.text);
    if (typeof files === 'string') {
      errors = `s3://${location.bucket}/${location.key} (version ${stored.version}) is not a baseline bundle: ${files}`;
    } else {
      const parsed = validateBaselineFiles(files);
      if (parsed.ok) {
        const lastValid: LastValid = { version: stored.version, files };
        await writeText(s3, location.bucket, location.lastValidKey, JSON.stringify(lastValid), 'application/json');
        return { kind: 'current', baseline: parsed.baseline, version: stored.version, files };
      }
      errors = parsed.errors;
    }
  }
  const rejected = stored === undefined ? {} : { rejectedVersion: stored.version };
  const lastValid = parseLastValid((await readText(s3, location.bucket, location.lastValidKey))?.text);
  if (lastValid !== undefined) {
    const parsed = validateBaselineFiles(lastValid.files);
    if (parsed.ok) {
      return {
        kind: 'fallback',
        baseline: parsed.baseline,
        version: lastValid.version,
        files: lastValid.files,
        errors,
        rejectedVersion: stored?.version ?? 'absent',
      };
    }
  }
  return { kind: 'none', errors, ...rejected };
}

/** The kept copy, or undefined when absent or unreadable: then there is nothing to fall back to. */
function parseLastValid(text: string | undefined): LastValid | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LastValid>;
    return typeof value.version === 'string' && Array.isArray(value.files) ? { version: value.version, files: value.files } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The parsed baseline, or its located errors as the alert shows them (shared with the fan-out's
 * pinned copy, `lambdas/fanout/pinned-baseline.ts`). Never throws: a baseline that
 * made the parser throw would otherwise fail every run with no fallback and no rejection alert, so
 * an unexpected error is reported like any other reason to reject the baseline.
 */
export function validateBaselineFiles(
  files: readonly BaselineFile[],
): { readonly ok: true; readonly baseline: Baseline } | { readonly ok: false; readonly errors: string } {
  try {
    const parsed = parseBaseline(files);
    if (parsed.ok) return { ok: true, baseline: parsed.baseline };
    return { ok: false, errors: parsed.issues.map((issue) => formatBaselineIssue(issue)).join('\n') };
  } catch (error) {
    // Name and first line only: the rest of a message can quote the file.
    const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error);
    return { ok: false, errors: `cannot validate the baseline: ${reason}` };
  }
}

function filesOf(text: string): readonly BaselineFile[] | string {
  // Refused before JSON.parse: an object this large cannot hold a baseline within the limits.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > bundleObjectLimit()) {
    return `it is ${bytes.toLocaleString('en')} bytes (${formatBytes(bytes)}); a bundle within the baseline limits is at most ${formatBytes(bundleObjectLimit())} (baseline files may total ${formatBytes(BASELINE_LIMITS.bundleBytes)})`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `invalid JSON (${(error as Error).message.split('\n')[0] ?? ''})`;
  }
  return isBaselineBundle(value) ? value.files : 'expected {"schema": "drift-audit.baseline-bundle/1", "files": [{"name", "text"}]}';
}
