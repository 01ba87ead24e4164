import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEksToken, eksTokenProvider, EksTokenError, EKS_TOKEN_PREFIX } from '../../../../lambdas/sources/eks/eks-token.js';
import { CLUSTER, CREDENTIALS, REFERENCE_TOKEN, REGION, SIGNED_AT } from './kube-fixtures.js';

/**
 * Reference vectors were produced once with botocore 1.43.11, the library `aws eks get-token` signs
 * with, the way the CLI's get_token.py does it: an STS client for the region (regional endpoint),
 * `generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET')` with the
 * `x-k8s-aws-id` header injected before signing, and `botocore.auth.get_current_datetime` pinned.
 */
const REFERENCE_TOKEN_NO_SESSION =
  'k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjIwMjYwMTAyJTJGdXMtZWFzdC0xJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjAxMDJUMDMwNDA1WiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9YzAyZDYzOWY4YzQ1OTgyYWE3YTgzZTA0NWIyZWVlMzNlYWJiZjIyZjNlZTM2NjY5ODM2ZDEzYmU1M2ZmZWFiMQ';

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}

/** SigV4 presigned-query signature computed from the AWS documentation, independently of the SDK. */
function documentedSignature(url: URL, cluster: string, secretAccessKey: string): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${url.host}`,
    `x-k8s-aws-id:${cluster}`,
    '',
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date') ?? '';
  const scope = (url.searchParams.get('X-Amz-Credential') ?? '').split('/').slice(1).join('/');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const [date, region, service] = scope.split('/') as [string, string, string];
  let key: Buffer = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('Function: createEksToken', () => {
  it('gives the exact token `aws eks get-token` gives for the same credentials, region, cluster and time', async () => {
    // Prepare
    const options = { credentials: CREDENTIALS, region: REGION, cluster: CLUSTER, clock: () => SIGNED_AT };

    // Act
    const { token, expiresAt } = await createEksToken(options);

    // Assess
    expect(token).toBe(REFERENCE_TOKEN);
    expect(expiresAt.toISOString()).toBe('2026-11-23T12:15:00.000Z');
  });

  it('matches the reference vector for long-term keys (no session token) in another region', async () => {
    // Prepare
    const credentials = { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.secretAccessKey };

    // Act
    const { token } = await createEksToken({ credentials, region: 'us-east-1', cluster: 'staging-us', clock: () => new Date('2026-01-02T03:04:05Z') });

    // Assess
    expect(token).toBe(REFERENCE_TOKEN_NO_SESSION);
    expect(decode(token).searchParams.has('X-Amz-Security-Token')).toBe(false);
  });

  it('encodes a presigned regional STS GetCallerIdentity URL the authenticator accepts', async () => {
    // Prepare
    const provider = async () => CREDENTIALS;

    // Act
    const { token } = await createEksToken({ credentials: provider, region: REGION, cluster: CLUSTER, clock: () => SIGNED_AT });
    const url = decode(token);

    // Assess
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token.slice(EKS_TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261123T120000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261123/eu-west-1/sts/aws4_request');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['host', 'x-k8s-aws-id']);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(CREDENTIALS.sessionToken);
    // The authenticator refuses any parameter outside this allow-list.
    expect([...url.searchParams.keys()].sort()).toEqual(
      [
        'Action',
        'Version',
        'X-Amz-Algorithm',
        'X-Amz-Credential',
        'X-Amz-Date',
        'X-Amz-Expires',
        'X-Amz-Security-Token',
        'X-Amz-Signature',
        'X-Amz-SignedHeaders',
      ].sort(),
    );
  });

  it('binds the cluster name into the signature, as the documented SigV4 algorithm computes it', async () => {
    // Prepare
    const clock = () => SIGNED_AT;

    // Act
    const prod = decode((await createEksToken({ credentials: CREDENTIALS, region: REGION, cluster: CLUSTER, clock })).token);
    const other = decode((await createEksToken({ credentials: CREDENTIALS, region: REGION, cluster: 'staging-eu', clock })).token);

    // Assess
    expect(prod.searchParams.get('X-Amz-Signature')).toBe(documentedSignature(prod, CLUSTER, CREDENTIALS.secretAccessKey));
    expect(other.searchParams.get('X-Amz-Signature')).toBe(documentedSignature(other, 'staging-eu', CREDENTIALS.secretAccessKey));
    expect(other.searchParams.get('X-Amz-Signature')).not.toBe(prod.searchParams.get('X-Amz-Signature'));
  });

  it('reports missing credentials as a credentials error naming the cluster and region', async () => {
    // Prepare
    const credentials = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    };

    // Act
    const attempt = createEksToken({ credentials, region: REGION, cluster: CLUSTER });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(EksTokenError);
    await expect(attempt).rejects.toMatchObject({
      code: 'credentials',
      message: expect.stringContaining('cannot make an EKS token for cluster prod-eu in eu-west-1: no AWS credentials'),
    });
  });
});

describe('Function: eksTokenProvider', () => {
  it('reuses a token until a minute before it expires, then signs a new one', async () => {
    // Prepare
    let now = SIGNED_AT.getTime();
    const provider = eksTokenProvider({ credentials: CREDENTIALS, region: REGION, cluster: CLUSTER, clock: () => new Date(now) });

    // Act
    const first = await provider();
    now += 13 * 60_000;
    const reused = await provider();
    now += 60_000;
    const renewed = await provider();

    // Assess
    expect(first).toBe(REFERENCE_TOKEN);
    expect(reused).toBe(first);
    expect(renewed).not.toBe(first);
    expect(decode(renewed).searchParams.get('X-Amz-Date')).toBe('20261123T121400Z');
  });
});
