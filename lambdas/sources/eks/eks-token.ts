/**
 * The bearer token EKS accepts from IAM principals, made in-process.
 *
 * EKS authenticates a caller by replaying a presigned STS `GetCallerIdentity` URL: the token is
 * `k8s-aws-v1.` + base64url (no padding) of that URL, with the cluster name bound into the signature
 * through the signed `x-k8s-aws-id` header. This module builds it exactly as `aws eks get-token` and
 * aws-iam-authenticator do (regional STS endpoint, `X-Amz-Expires=60`, which STS ignores: the URL is
 * valid 15 minutes after `X-Amz-Date`), with the SDK's own SigV4 signer, so neither kubectl nor the
 * AWS CLI has to be on the Lambda image or the user's machine.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { describeAwsError } from '../aws/aws-read-error.js';

/** Prefix of every v1 EKS token. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** Header carrying the cluster name; it must be signed or the authenticator refuses the token. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/**
 * `X-Amz-Expires` of the presigned URL. STS ignores it (the URL lives 15 minutes regardless); the
 * authenticator sends 60 for compatibility with old servers that reject more, so do we.
 */
export const PRESIGN_EXPIRES_SECONDS = 60;
/** How long EKS accepts a token after its `X-Amz-Date`. */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

/**
 * Query parameters in the order botocore (`aws eks get-token`) writes them. The order does not change
 * the signature (SigV4 sorts them), but writing the same order gives byte-identical tokens, which the
 * fixed test vector relies on. These are also the only parameters the authenticator allows.
 */
const QUERY_ORDER = [
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
] as const;

/** Inputs of {@link createEksToken}. */
export interface EksTokenOptions {
  /** Credentials of the principal the cluster's access entry names (static or a provider). */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The cluster's region: the token is signed for that region's STS endpoint. */
  readonly region: string;
  /** Cluster name, as in DescribeCluster. */
  readonly cluster: string;
  /** Injected clock; defaults to the system time. */
  readonly clock?: () => Date;
}

/** A token and when EKS stops accepting it. */
export interface EksToken {
  /** `k8s-aws-v1.…`: a credential; never log it. */
  readonly token: string;
  /** `X-Amz-Date` + 15 minutes. */
  readonly expiresAt: Date;
}

/** Thrown when a token cannot be made (no credentials, signer failure). */
export class EksTokenError extends Error {
  override readonly name = 'EksTokenError';
  /** Same vocabulary as AwsReadError: the token fails for want of usable credentials. */
  readonly code = 'credentials';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Makes the EKS bearer token for `cluster` with the given credentials at the clock's time.
 * Same credentials, region, cluster and time always give the same string.
 */
export async function createEksToken(options: EksTokenOptions): Promise<EksToken> {
  const { region, cluster } = options;
  const now = (options.clock ?? (() => new Date()))();
  const hostname = stsHostname(region);
  let credentials: AwsCredentialIdentity;
  try {
    credentials = typeof options.credentials === 'function' ? await options.credentials() : options.credentials;
  } catch (error) {
    throw new EksTokenError(`cannot make an EKS token for cluster ${cluster} in ${region}: no AWS credentials (${describe(error)})`, {
      cause: error,
    });
  }
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256 });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, [CLUSTER_ID_HEADER]: cluster },
  });
  let presigned: HttpRequest;
  try {
    presigned = (await signer.presign(request, {
      signingDate: now,
      expiresIn: PRESIGN_EXPIRES_SECONDS,
    })) as HttpRequest;
  } catch (error) {
    throw new EksTokenError(`cannot sign the EKS token for cluster ${cluster} in ${region}: ${describe(error)}`, {
      cause: error,
    });
  }
  const url = `https://${hostname}/?${serialiseQuery(presigned.query)}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(Math.floor(now.getTime() / 1000) * 1000 + EKS_TOKEN_LIFETIME_MS),
  };
}

/**
 * A token source for long reads: reuses the current token and makes a new one a minute before it
 * expires (the authenticator's own cushion), so a slow namespace never fails on a stale token.
 */
export function eksTokenProvider(options: EksTokenOptions): () => Promise<string> {
  const clock = options.clock ?? (() => new Date());
  let cached: EksToken | undefined;
  return async () => {
    // Concurrent callers may each sign a fresh token once; that is cheap and keeps this lock-free.
    if (!cached || cached.expiresAt.getTime() - 60_000 <= clock().getTime()) {
      cached = await createEksToken(options);
    }
    return cached.token;
  };
}

/** The regional STS endpoint host, as the authenticator uses when a region is given. */
function stsHostname(region: string): string {
  // China partition hosts end in amazonaws.com.cn; every other partition EKS runs in uses amazonaws.com.
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

function serialiseQuery(query: HttpRequest['query']): string {
  const known = new Set<string>(QUERY_ORDER);
  const unexpected = Object.keys(query).filter((key) => !known.has(key));
  if (unexpected.length > 0) {
    // The authenticator rejects any parameter outside its allow-list; better to fail here, clearly.
    throw new EksTokenError(`the signer added query parameters the EKS authenticator refuses: ${unexpected.join(', ')}`);
  }
  const parts: string[] = [];
  for (const key of QUERY_ORDER) {
    const value = query[key];
    if (typeof value === 'string') parts.push(`${rfc3986(key)}=${rfc3986(value)}`);
  }
  return parts.join('&');
}

/** Percent-encodes everything but RFC 3986 unreserved characters, as SigV4 and botocore do. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Credential providers can fail on an STS answer; describe them as AWS errors are, never quoting a body. */
function describe(error: unknown): string {
  return describeAwsError(error);
}
