/**
 * The object a fan-out target leaves under its run's prefix: what its collector read, or (written by
 * the state machine's catch when the collector failed or timed out) why there is nothing.
 */
import type { ApiCallStats, Observation, SourceStatus } from '../engine/model.js';
import type { SourceReadResult } from '../sources/source.js';
import type { FanOutTarget } from './fanout-targets.js';

/** Version tag of {@link TargetResult}; bump on any incompatible change. */
export const TARGET_RESULT_SCHEMA = 'drift-audit.fanout-target/1';

/** A target its collector read (successfully or not: a read failure is an `error` status, as in one function). */
export interface CollectedTargetResult {
  readonly schema: typeof TARGET_RESULT_SCHEMA;
  readonly target: FanOutTarget;
  /** ISO 8601: when the read finished. */
  readonly takenAt: string;
  /** The source's lists (observations, images, pods, ...) and its status, as `collectLive` gave them. */
  readonly result: SourceReadResult;
  readonly apiCalls: ApiCallStats;
  /**
   * The kind's redacted state of this source (its `persist`), kept for the next incremental read once
   * the run is recorded; absent when the kind keeps nothing or the read failed.
   */
  readonly state?: { readonly part: string; readonly value: unknown };
}

/**
 * Written by the state machine's `RecordTargetFailure` state (an S3 PutObject of the catch's error
 * name) when the collector invocation failed: timed out, ran out of memory, was throttled past its
 * retries. Only the error name is kept: the cause can quote the function's output.
 */
export interface FailedTargetResult {
  readonly schema: typeof TARGET_RESULT_SCHEMA;
  readonly target: FanOutTarget;
  readonly failure: { readonly error: string };
}

export type TargetResult = CollectedTargetResult | FailedTargetResult;

/** Error names Step Functions and Lambda give a task that ran out of time. */
const TIMEOUT_ERRORS = new Set(['States.Timeout', 'States.HeartbeatTimeout', 'Sandbox.Timedout']);

/**
 * The status of a target with no usable result: a `source-error` for exactly that source, under the id
 * and layers its read would have reported, so its findings are kept open rather than resolved.
 * `error` is the failure the catch recorded, or undefined when nothing was written at all.
 */
export function failedTargetStatus(target: FanOutTarget, error: string | undefined): SourceStatus {
  const timedOut = error !== undefined && TIMEOUT_ERRORS.has(error);
  const code = error === undefined ? 'collector-missing' : timedOut ? 'collector-timeout' : 'collector-failed';
  const message =
    error === undefined
      ? `the collector of ${target.sourceId} in ${target.environment} left no result (see the state machine execution's map run)`
      : timedOut
        ? `the collector of ${target.sourceId} in ${target.environment} did not finish before its timeout (${error})`
        : `the collector of ${target.sourceId} in ${target.environment} failed (${error}); see the state machine execution's map run`;
  return { id: target.sourceId, kind: target.kind, layers: target.layers, status: 'error', itemCount: 0, error: { code, message } };
}

/**
 * The observations as they may leave the collector's process: a secret value's keyed fingerprint is
 * dropped. Fingerprints are made under a key that never leaves the process that made them
 * (`fingerprintSecret`), so one collector's cannot be compared with another's, and a comparison that
 * depended on which invocations happened to share a warm container would flap between runs. Without
 * the fingerprint the secret is compared by presence only, like a SecureString.
 */
export function withoutFingerprints(observations: readonly Observation[]): Observation[] {
  return observations.map((observation) => {
    if (observation.value.kind !== 'secret' || observation.value.fingerprint === undefined) return observation;
    const { fingerprint: _dropped, ...value } = observation.value;
    return { ...observation, value };
  });
}

/**
 * Reads a stored result; undefined when it is not one of this schema (the final step then reports the
 * target as a source-error rather than trusting it).
 */
export function parseTargetResult(text: string | undefined): TargetResult | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<CollectedTargetResult & FailedTargetResult>;
    if (value.schema !== TARGET_RESULT_SCHEMA || typeof value.target !== 'object' || value.target === null) return undefined;
    if (typeof value.failure === 'object' && value.failure !== null) return value as FailedTargetResult;
    if (typeof value.result !== 'object' || value.result === null || typeof value.result.status !== 'object') return undefined;
    return value as CollectedTargetResult;
  } catch {
    return undefined;
  }
}
