import { type KeyObject, sign } from 'node:crypto';

/** The claims of a GitHub App JWT, in seconds since the epoch. */
export interface AppJwtClaims {
  readonly iat: number;
  readonly exp: number;
  /** The app's client id or numeric app id. */
  readonly iss: string;
}

/**
 * How far `iat` is set in the past: GitHub recommends 60 s against clock drift ("Generating a JSON
 * Web Token (JWT) for a GitHub App"), more than @octokit/auth-app's 30 s.
 */
export const JWT_BACKDATE_SECONDS = 60;
/** How long the JWT lives from `iat`: GitHub refuses an `exp` more than 10 minutes ahead, so 10 minutes from a backdated `iat`. */
export const JWT_LIFETIME_SECONDS = 600;

/** The claims of a JWT issued at `now` by `issuer`. */
export function appJwtClaims(issuer: string, now: Date): AppJwtClaims {
  const iat = Math.floor(now.getTime() / 1000) - JWT_BACKDATE_SECONDS;
  return { iat, exp: iat + JWT_LIFETIME_SECONDS, iss: issuer };
}

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/**
 * The JWT GitHub asks for to authenticate as the app: RS256 (RSASSA-PKCS1-v1_5 with SHA-256, what
 * `node:crypto` signs an RSA key with by default) over `base64url(header).base64url(claims)`. Signed
 * with `node:crypto` rather than @octokit/auth-app: that library fixes `iat` at 30 s back and caches
 * installation tokens for 59 minutes whatever their `expires_at`, and bundles an OAuth stack this
 * sink never uses.
 */
export function signAppJwt(claims: AppJwtClaims, privateKey: KeyObject): string {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), privateKey))}`;
}
