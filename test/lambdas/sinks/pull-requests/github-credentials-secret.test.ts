import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GitHubCredentialsSecretError, parseGitHubCredentialsSecret } from '../../../../lambdas/sinks/pull-requests/github-credentials-secret.js';
import { appKeyPair } from '../../../support/app-keys.js';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drift-audit/github-AbC123';
const keys = appKeyPair();

/** The error `parse` throws for `raw`, checked to name the secret and to quote none of `raw`'s values. */
function refusal(raw: string, values: readonly string[] = []): GitHubCredentialsSecretError {
  let caught: unknown;
  try {
    parseGitHubCredentialsSecret(SECRET, raw);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GitHubCredentialsSecretError);
  const error = caught as GitHubCredentialsSecretError;
  expect(error.code).toBe('GITHUB_CREDENTIALS_SECRET_INVALID');
  expect(error.message).toContain(`secret ${SECRET}`);
  for (const value of values) expect(error.message).not.toContain(value);
  return error;
}

describe('Function: parseGitHubCredentialsSecret', () => {
  describe('a token', () => {
    it('takes the secret string itself as the token', () => {
      expect(parseGitHubCredentialsSecret(SECRET, '  github_pat_11ABCDEFG0123456789_abcdef\n')).toEqual({
        kind: 'token',
        token: 'github_pat_11ABCDEFG0123456789_abcdef',
      });
    });

    it('takes the token field of a JSON secret (the console key/value editor)', () => {
      expect(parseGitHubCredentialsSecret(SECRET, '{"token": "ghp_0123456789abcdef"}')).toEqual({ kind: 'token', token: 'ghp_0123456789abcdef' });
    });
  });

  describe('GitHub App credentials', () => {
    it('reads the @octokit/auth-app spellings with a PKCS#1 key as GitHub downloads it', () => {
      // Act
      const parsed = parseGitHubCredentialsSecret(SECRET, JSON.stringify({ appId: 123456, installationId: 7890123, privateKey: keys.pkcs1 }));

      // Assess
      expect(parsed).toMatchObject({ kind: 'app', issuer: '123456', installationId: 7890123 });
      expect(parsed.kind === 'app' && parsed.privateKey.asymmetricKeyType).toBe('rsa');
    });

    it('reads snake_case spellings, ids as strings and a PKCS#8 key', () => {
      const parsed = parseGitHubCredentialsSecret(SECRET, JSON.stringify({ app_id: '123456', installation_id: '7890123', private_key: keys.pkcs8 }));
      expect(parsed).toMatchObject({ kind: 'app', issuer: '123456', installationId: 7890123 });
    });

    it('prefers the client id as the issuer, as GitHub recommends', () => {
      const parsed = parseGitHubCredentialsSecret(
        SECRET,
        JSON.stringify({ appId: 1, clientId: 'Iv23liABCDEF012345', installationId: 2, privateKey: keys.pkcs1 }),
      );
      expect(parsed).toMatchObject({ kind: 'app', issuer: 'Iv23liABCDEF012345' });
    });

    it('restores a key whose newlines were typed as \\n', () => {
      const typed = keys.pkcs1.trim().replaceAll('\n', '\\n');
      const parsed = parseGitHubCredentialsSecret(SECRET, JSON.stringify({ appId: 1, installationId: 2, privateKey: typed }));
      expect(parsed.kind).toBe('app');
    });
  });

  describe('shapes it refuses, naming the secret and what is expected, never a value', () => {
    it('an empty secret', () => {
      expect(refusal('  ').message).toMatch(/is empty.*expected the token itself, \{"token": "..."\}, or GitHub App credentials \{"appId"/);
    });

    it('JSON that is neither a token nor App credentials', () => {
      expect(refusal('{"password": "hunter2"}', ['hunter2']).message).toMatch(/holds no GitHub token and no GitHub App fields/);
    });

    it('JSON that does not parse', () => {
      expect(refusal('{"token": "ghp_abc"', ['ghp_abc']).message).toMatch(/starts with "\{" but is not JSON/);
    });

    it('both a token and App fields', () => {
      expect(refusal(JSON.stringify({ token: 'ghp_abc', appId: 1, installationId: 2, privateKey: keys.pkcs1 }), ['ghp_abc']).message).toMatch(
        /both a token and GitHub App fields/,
      );
    });

    it('a bare PEM key without the ids', () => {
      expect(refusal(keys.pkcs1, [keys.pkcs1.split('\n')[1] ?? '']).message).toMatch(/bare PEM key; a GitHub App also needs its ids/);
    });

    it('an App without an installation id', () => {
      expect(refusal(JSON.stringify({ appId: 1, privateKey: keys.pkcs1 })).message).toMatch(/installationId is missing or not a positive integer/);
    });

    it('an App id that is not a number', () => {
      expect(refusal(JSON.stringify({ appId: 'my-app', installationId: 2, privateKey: keys.pkcs1 })).message).toMatch(/appId must be the app's numeric id/);
    });

    it('App fields without an app id or client id', () => {
      expect(refusal(JSON.stringify({ installationId: 2, privateKey: keys.pkcs1 })).message).toMatch(/no appId or clientId/);
    });

    it('a key that is not PEM', () => {
      const error = refusal(JSON.stringify({ appId: 1, installationId: 2, privateKey: 'MIIEowIBAAKCAQEAx' }), ['MIIEowIBAAKCAQEAx']);
      expect(error.message).toMatch(/privateKey is not a PEM private key; expected the PEM GitHub generated .*PKCS#1 .*PKCS#8/);
    });

    it('a truncated PEM, without quoting any of it', () => {
      const lines = keys.pkcs1.split('\n');
      const truncated = [...lines.slice(0, 5), '-----END RSA PRIVATE KEY-----'].join('\n');
      const error = refusal(JSON.stringify({ appId: 1, installationId: 2, privateKey: truncated }), [lines[1] ?? '', lines[2] ?? '']);
      expect(error.message).toMatch(/cannot be read as a private key/);
    });

    it('a passphrase-encrypted key', () => {
      const encrypted = keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass' }).toString();
      expect(refusal(JSON.stringify({ appId: 1, installationId: 2, privateKey: encrypted })).message).toMatch(/encrypted with a passphrase/);
    });

    it('a key that is not RSA', () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(refusal(JSON.stringify({ appId: 1, installationId: 2, privateKey: ec })).message).toMatch(/is a ec key; GitHub Apps sign with RS256/);
    });
  });
});
