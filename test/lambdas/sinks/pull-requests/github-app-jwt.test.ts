import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appJwtClaims, signAppJwt } from '../../../../lambdas/sinks/pull-requests/github-app-jwt.js';
import { appKeyPair } from '../../../support/app-keys.js';

const keys = appKeyPair();
const NOW = new Date('2026-11-23T10:00:00.750Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

describe('Function: appJwtClaims', () => {
  it('backdates iat 60 s against clock drift and expires 10 minutes after it, as GitHub asks', () => {
    expect(appJwtClaims('123456', NOW)).toEqual({ iss: '123456', iat: NOW_SECONDS - 60, exp: NOW_SECONDS + 540 });
  });
});

describe('Function: signAppJwt', () => {
  it('signs header and claims with RS256, verifiable with the app public key', () => {
    // Act
    const jwt = signAppJwt(appJwtClaims('Iv23liABC', NOW), keys.privateKey);

    // Assess
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ iat: NOW_SECONDS - 60, exp: NOW_SECONDS + 540, iss: 'Iv23liABC' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), keys.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(jwt).not.toMatch(/[=+/]/);
  });

  it('gives a signature another key does not verify', () => {
    const other = appKeyPair();
    const [header, payload, signature] = signAppJwt(appJwtClaims('1', NOW), other.privateKey).split('.') as [string, string, string];
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), keys.publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
  });
});
