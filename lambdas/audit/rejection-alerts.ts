import type { S3Client } from '@aws-sdk/client-s3';
import { readText, writeText } from './s3-objects.js';

/** Key of the object, under the state prefix, naming the last rejected baseline version alerted on. */
export function rejectionStateKey(statePrefix: string): string {
  return `${statePrefix}alerted-baseline-rejection.json`;
}

/** What the state object holds. */
interface AlertedRejection {
  readonly version: string;
  /** ISO 8601: when the alert went out, for people reading the bucket. */
  readonly alertedAt: string;
}

/**
 * The rejected baseline version the last rejection alert was about, or undefined when none was sent
 * (or the object is unreadable: then the rejection is alerted again, which errs on the loud side).
 *
 * A rejected baseline stays rejected until someone uploads another one; alerting it every hour
 * buries the alerts that matter, so a run alerts a rejection only when its version differs from this.
 */
export async function lastAlertedRejection(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  const stored = await readText(s3, bucket, key);
  if (stored === undefined) return undefined;
  try {
    const value = JSON.parse(stored.text) as Partial<AlertedRejection>;
    return typeof value.version === 'string' ? value.version : undefined;
  } catch {
    return undefined;
  }
}

/** Records that the rejection of baseline `version` was alerted at `at`. */
export async function rememberAlertedRejection(s3: S3Client, bucket: string, key: string, version: string, at: Date): Promise<void> {
  const value: AlertedRejection = { version, alertedAt: at.toISOString() };
  await writeText(s3, bucket, key, JSON.stringify(value), 'application/json');
}
