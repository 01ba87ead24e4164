import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The token secret is missing, empty or not in a shape this reader knows; never quotes the value. */
export class GitHubTokenSecretError extends Error {
  override readonly name = 'GitHubTokenSecretError';
  readonly code = 'GITHUB_TOKEN_SECRET_INVALID';
}

/**
 * Reads the GitHub token from Secrets Manager: the secret string is the token itself, or JSON with a
 * `token` field. The value is returned to Octokit only: never logged, and no error quotes it.
 */
export async function readGitHubTokenSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const raw = response.SecretString?.trim() ?? '';
  let token = raw;
  if (raw.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new GitHubTokenSecretError(`secret ${secretId} starts with "{" but is not JSON; expected the token, or {"token": "..."}`);
    }
    const field = (parsed as { token?: unknown }).token;
    token = typeof field === 'string' ? field.trim() : '';
  }
  if (token === '') throw new GitHubTokenSecretError(`secret ${secretId} holds no GitHub token; expected the token, or {"token": "..."}`);
  return token;
}
