import { GitHubAppCredentials } from './github-app-credentials.js';
import { type GitHubCredentials, staticGitHubToken } from './github-credentials.js';
import type { GitHubSecretCredentials } from './github-credentials-secret.js';

/** How the secret-backed credentials read the secret and reach GitHub. */
export interface SecretGitHubCredentialsOptions {
  /** Reads and parses the secret (`readGitHubCredentialsSecret`); called when first needed, and again after a failure. */
  readonly read: () => Promise<GitHubSecretCredentials>;
  /** `owner/name` of the config repository (App tokens are restricted to it). */
  readonly repository: string;
  /** The REST API root. @default https://api.github.com */
  readonly baseUrl?: string;
  readonly now?: () => Date;
}

/**
 * The audit function's GitHub credentials: whatever the one Secrets Manager secret holds, a token or
 * a GitHub App's credentials (decided by its shape). The secret is read when a token is first needed
 * and kept for the life of the warm Lambda, with the App's installation token cached by
 * {@link GitHubAppCredentials}. Any failure (an unreadable or misshapen secret, a refused JWT) and a
 * 401 on a REST call drop what was read, so a secret fixed or rotated in Secrets Manager is picked up
 * by the next run without a redeploy.
 */
export class SecretGitHubCredentials implements GitHubCredentials {
  private resolved: Promise<GitHubCredentials> | undefined;
  private current: GitHubCredentials | undefined;

  constructor(private readonly options: SecretGitHubCredentialsOptions) {}

  private credentials(): Promise<GitHubCredentials> {
    this.resolved ??= this.options.read().then((secret) => {
      this.current =
        secret.kind === 'token'
          ? staticGitHubToken(secret.token)
          : new GitHubAppCredentials({
              issuer: secret.issuer,
              installationId: secret.installationId,
              privateKey: secret.privateKey,
              repository: this.options.repository,
              ...(this.options.baseUrl === undefined ? {} : { baseUrl: this.options.baseUrl }),
              ...(this.options.now === undefined ? {} : { now: this.options.now }),
            });
      return this.current;
    });
    return this.resolved;
  }

  async token(): Promise<string> {
    try {
      return await (await this.credentials()).token();
    } catch (error) {
      this.refused();
      throw error;
    }
  }

  refused(): void {
    this.current?.refused();
    this.resolved = undefined;
    this.current = undefined;
  }

  permissionHint(): string {
    return this.current?.permissionHint() ?? 'check the credentials in the GitHub secret';
  }
}
