import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isRetriableAwsError } from '../sources/aws/retriable-error.js';

/** One object's text and the version S3 gave it. */
export interface StoredText {
  readonly text: string;
  /** The S3 version id when the bucket is versioned, else `etag:<ETag>`: either way it names the bytes read. */
  readonly version: string;
}

/** An object the audit needs could not be read or written (not "absent": that is undefined). */
export class S3ObjectError extends Error {
  override readonly name = 'S3ObjectError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether S3 may answer later (timed out, throttled, unreachable, 5xx) rather than repeat a refusal. */
  get retriable(): boolean {
    return isRetriableAwsError(this.cause);
  }
}

/** Reads an object as UTF-8; undefined when it does not exist. */
export async function readText(s3: S3Client, bucket: string, key: string): Promise<StoredText | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    const version = response.VersionId ?? `etag:${(response.ETag ?? '').replace(/"/g, '')}`;
    return { text, version };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
    throw new S3ObjectError(`cannot read s3://${bucket}/${key}: ${name ?? 'error'}: ${(error as Error).message}`, name ?? 'unknown', { cause: error });
  }
}

/** Writes a UTF-8 object. */
export async function writeText(s3: S3Client, bucket: string, key: string, text: string, contentType: string): Promise<void> {
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    throw new S3ObjectError(`cannot write s3://${bucket}/${key}: ${name ?? 'error'}: ${(error as Error).message}`, name ?? 'unknown', { cause: error });
  }
}
