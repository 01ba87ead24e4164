import { createPrivateKey, type KeyObject } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** What the pull-request secret holds: a token, or the credentials of a GitHub App installation. */
export type GitHubSecretCredentials =
  | { readonly kind: 'token'; readonly token: string }
  | {
      readonly kind: 'app';
      /** The JWT's `iss`: the app's client id when the secret gives one (GitHub recommends it), else its numeric app id. */
      readonly issuer: string;
      readonly installationId: number;
      readonly privateKey: KeyObject;
    };

/** The secret is missing, empty or in no shape this reader knows; the message names the secret and the shapes, never a value. */
export class GitHubCredentialsSecretError extends Error {
  override readonly name = 'GitHubCredentialsSecretError';
  readonly code = 'GITHUB_CREDENTIALS_SECRET_INVALID';
}

const EXPECTED =
  'expected the token itself, {"token": "..."}, or GitHub App credentials {"appId": 123456, "installationId": 7890123, "privateKey": "-----BEGIN RSA PRIVATE KEY-----\\n..."} (clientId may replace appId; app_id, client_id, installation_id and private_key are accepted too)';

/** The field spellings of @octokit/auth-app (camelCase) and of snake_case tools, in order of preference. */
const APP_FIELDS = {
  clientId: ['clientId', 'client_id'],
  appId: ['appId', 'app_id'],
  installationId: ['installationId', 'installation_id'],
  privateKey: ['privateKey', 'private_key'],
} as const;

function field(object: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) if (object[name] !== undefined) return object[name];
  return undefined;
}

/** A positive integer id, given as a JSON number or a string of digits (both appear in GitHub's own tooling). */
function numericId(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : undefined;
}

/**
 * The private key as a key object. GitHub issues PKCS#1 (`BEGIN RSA PRIVATE KEY`); a PKCS#8 conversion
 * (`BEGIN PRIVATE KEY`) is common: Node reads both. Escaped newlines (`\n` typed into a console or an
 * environment variable) are restored first, as @octokit/auth-app does. The parser's own message is
 * not kept: only which of the expected forms is missing.
 */
function privateKeyOf(secretId: string, value: unknown): KeyObject {
  const where = `secret ${secretId}: privateKey`;
  const pem = typeof value === 'string' ? value.replaceAll('\\n', '\n').trim() : '';
  const expected = 'the PEM GitHub generated for the app (PKCS#1 "-----BEGIN RSA PRIVATE KEY-----", or PKCS#8 "-----BEGIN PRIVATE KEY-----")';
  if (pem === '') throw new GitHubCredentialsSecretError(`${where} is missing or not a string; expected ${expected}`);
  if (pem.includes('ENCRYPTED PRIVATE KEY') || pem.includes('Proc-Type: 4,ENCRYPTED')) {
    throw new GitHubCredentialsSecretError(`${where} is encrypted with a passphrase; store it unencrypted, as ${expected}`);
  }
  if (!pem.startsWith('-----BEGIN RSA PRIVATE KEY-----') && !pem.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new GitHubCredentialsSecretError(`${where} is not a PEM private key; expected ${expected}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new GitHubCredentialsSecretError(`${where} cannot be read as a private key (truncated or altered PEM?); expected ${expected}`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new GitHubCredentialsSecretError(`${where} is a ${key.asymmetricKeyType ?? 'non-RSA'} key; GitHub Apps sign with RS256, so expected ${expected}`);
  }
  return key;
}

function appCredentialsOf(secretId: string, object: Record<string, unknown>): GitHubSecretCredentials {
  const clientIdField = field(object, APP_FIELDS.clientId);
  const clientId = typeof clientIdField === 'string' && /^\S+$/.test(clientIdField.trim()) ? clientIdField.trim() : undefined;
  const appIdField = field(object, APP_FIELDS.appId);
  const appId = numericId(appIdField);
  if (clientIdField !== undefined && clientId === undefined) {
    throw new GitHubCredentialsSecretError(`secret ${secretId}: clientId must be the app's client id (a string such as Iv23li...); ${EXPECTED}`);
  }
  if (appIdField !== undefined && appId === undefined) {
    throw new GitHubCredentialsSecretError(`secret ${secretId}: appId must be the app's numeric id (App settings > General > App ID); ${EXPECTED}`);
  }
  if (clientId === undefined && appId === undefined) {
    throw new GitHubCredentialsSecretError(`secret ${secretId} has GitHub App fields but no appId or clientId; ${EXPECTED}`);
  }
  const installationId = numericId(field(object, APP_FIELDS.installationId));
  if (installationId === undefined) {
    throw new GitHubCredentialsSecretError(
      `secret ${secretId}: installationId is missing or not a positive integer (the number at the end of the installation's settings URL, .../settings/installations/<id>); ${EXPECTED}`,
    );
  }
  return { kind: 'app', issuer: clientId ?? String(appId), installationId, privateKey: privateKeyOf(secretId, field(object, APP_FIELDS.privateKey)) };
}

/**
 * Decides by shape what the secret string holds: a bare token, JSON with `token`, or JSON with GitHub
 * App fields. Anything else, or JSON with both a token and App fields, is a
 * {@link GitHubCredentialsSecretError} naming `secretId` and the expected shapes.
 */
export function parseGitHubCredentialsSecret(secretId: string, secretString: string | undefined): GitHubSecretCredentials {
  const raw = secretString?.trim() ?? '';
  if (raw === '') throw new GitHubCredentialsSecretError(`secret ${secretId} is empty or not a string secret; ${EXPECTED}`);
  if (!raw.startsWith('{')) {
    if (raw.startsWith('-----BEGIN')) {
      throw new GitHubCredentialsSecretError(`secret ${secretId} holds a bare PEM key; a GitHub App also needs its ids: ${EXPECTED}`);
    }
    if (/\s/.test(raw)) throw new GitHubCredentialsSecretError(`secret ${secretId} is not a token (it contains whitespace) nor JSON; ${EXPECTED}`);
    return { kind: 'token', token: raw };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new GitHubCredentialsSecretError(`secret ${secretId} starts with "{" but is not JSON; ${EXPECTED}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GitHubCredentialsSecretError(`secret ${secretId} is JSON but not an object; ${EXPECTED}`);
  }
  const object = parsed as Record<string, unknown>;
  const isApp = Object.values(APP_FIELDS).some((names) => field(object, names) !== undefined);
  if (isApp && object['token'] !== undefined) {
    throw new GitHubCredentialsSecretError(`secret ${secretId} holds both a token and GitHub App fields; keep one of them: ${EXPECTED}`);
  }
  if (isApp) return appCredentialsOf(secretId, object);
  const token = typeof object['token'] === 'string' ? object['token'].trim() : '';
  if (token === '') throw new GitHubCredentialsSecretError(`secret ${secretId} holds no GitHub token and no GitHub App fields; ${EXPECTED}`);
  return { kind: 'token', token };
}

/** Reads the secret and decides its shape ({@link parseGitHubCredentialsSecret}); the value goes nowhere else. */
export async function readGitHubCredentialsSecret(client: SecretsManagerClient, secretId: string): Promise<GitHubSecretCredentials> {
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return parseGitHubCredentialsSecret(secretId, response.SecretString);
}
