import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** A running s3rver on loopback with one bucket, and an SDK client pointed at it. */
export interface S3Standin {
  readonly endpoint: string;
  readonly bucket: string;
  readonly client: S3Client;
  stop(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1 (ephemeral port, files in a temp directory). The client disables the
 * default aws-chunked checksums, which s3rver would otherwise store as part of the object (TOOLCHAIN.md).
 */
export async function startS3(bucket = 'drift-audit-test'): Promise<S3Standin> {
  const directory = mkdtempSync(path.join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    bucket,
    client,
    stop: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
