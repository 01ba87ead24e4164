import { readFileSync } from 'node:fs';
import type { AuditResult, Transition } from '../../lambdas/engine/model.js';
import { buildChangeRequests } from '../../lambdas/sinks/pull-requests/build-change-requests.js';
import { staticGitHubToken } from '../../lambdas/sinks/pull-requests/github-credentials.js';
import { GitHubPullRequestProvider } from '../../lambdas/sinks/pull-requests/github-provider.js';
import type { CliIo } from './cli-io.js';
import { resolvePath } from './audit-inputs.js';
import { UsageError } from './usage-error.js';

/** `scan --open-prs`: where the pull requests go and how the CLI authenticates. */
export interface OpenPrsOptions {
  /** `--pr-repo owner/name`. */
  readonly repository: string;
  /** `--pr-base BRANCH`. @default main */
  readonly baseBranch: string;
  /** `--pr-baseline-path PATH`: the baseline file in the repository. */
  readonly baselinePath: string;
  /** `--github-token-file FILE`; else the `GITHUB_TOKEN` variable. */
  readonly tokenFile?: string;
  /** `--github-api-url URL` (GitHub Enterprise Server's `https://HOST/api/v3`). @default https://api.github.com */
  readonly apiUrl?: string;
}

/** The token, from `--github-token-file` or `GITHUB_TOKEN`; a usage error names both when neither is set. */
export function githubTokenOf(io: CliIo, options: OpenPrsOptions): string {
  if (options.tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolvePath(io, options.tokenFile), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --github-token-file ${options.tokenFile}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: error });
    }
    const token = text.trim();
    if (token === '') throw new UsageError(`--github-token-file ${options.tokenFile} is empty: expected a GitHub token`);
    return token;
  }
  const token = io.env.GITHUB_TOKEN?.trim();
  if (token === undefined || token === '') throw new UsageError('--open-prs needs a GitHub token: set GITHUB_TOKEN or pass --github-token-file FILE');
  return token;
}

/**
 * Opens or updates one pull request per current out-of-band drift the baseline can accept, keyed by
 * finding id through its head branch, so repeated scans update rather than duplicate; no history is
 * needed. Every current finding counts as `opened` (the CLI keeps no lifecycle), so it never closes
 * pull requests: the scheduled auditor does when a drift resolves. A GitHub failure is reported on
 * stderr and returned as false: it never changes the scan's verdict.
 */
export async function openPullRequests(io: CliIo, result: AuditResult, now: Date, options: OpenPrsOptions, token: string): Promise<boolean> {
  const transitions: Transition[] = result.findings.map((finding) => ({
    kind: 'opened',
    finding,
    firstSeen: finding.provenance[0]?.changedAt ?? now.toISOString(),
    at: now.toISOString(),
  }));
  const provider = new GitHubPullRequestProvider({
    repository: options.repository,
    baseBranch: options.baseBranch,
    baselinePath: options.baselinePath,
    credentials: staticGitHubToken(token),
    ...(options.apiUrl === undefined ? {} : { baseUrl: options.apiUrl }),
    now: () => now,
  });
  const requests = buildChangeRequests(transitions);
  for (const request of requests) {
    if (request.kind !== 'upsert') continue;
    try {
      const done = await provider.upsert(request);
      io.stderr(
        done.kind === 'skipped'
          ? `pull request for ${done.findingId}: nothing to do (${done.reason})\n`
          : `pull request #${done.number} ${done.kind} for ${done.findingId}\n`,
      );
    } catch (error) {
      // Typed errors name the repository, the call and the status, never the token.
      io.stderr(`drift-audit: could not open the pull request for ${request.findingId}: ${(error as Error).message}\n`);
      return false;
    }
  }
  if (requests.length === 0) io.stderr('no drift made outside the pipeline to propose: no pull request opened\n');
  return true;
}
