import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { applyBaselineEdit } from '../../engine/baseline/apply-baseline-edit.js';
import { parseBaseline } from '../../engine/baseline/parse-baseline.js';
import type { ChangeRequestProvider, ChangeRequestResult, CloseChangeRequest, UpsertChangeRequest } from './change-request-provider.js';
import type { GitHubCredentials } from './github-credentials.js';
import { GitHubChangeRequestError, gitHubError } from './github-errors.js';

/** What the contents API answers (a file, a directory listing, ...). */
type ContentsAnswer = Awaited<ReturnType<Octokit['repos']['getContent']>>['data'];

/** Where the pull requests go: the config repository, its base branch and the baseline file in it. */
export interface GitHubTarget {
  /** `owner/name`. */
  readonly repository: string;
  readonly baseBranch: string;
  /**
   * The baseline in the repository, relative to its root: one file (`config/baseline.yaml`), or a
   * directory whose `*.yaml` files make the baseline (`config`), as `drift-audit scan` reads it.
   */
  readonly baselinePath: string;
}

/** How the provider reaches GitHub. */
export interface GitHubProviderOptions extends GitHubTarget {
  /**
   * A token with contents and pull requests read/write on the repository, asked for before each call
   * (so a refreshed GitHub App token is used at once); told when GitHub refuses it (401).
   */
  readonly credentials: GitHubCredentials;
  /** The REST API root. @default https://api.github.com */
  readonly baseUrl?: string;
  readonly now?: () => Date;
}

/** The prefix of every branch the sink opens pull requests from. */
export const BRANCH_PREFIX = 'drift-audit/';

/**
 * The head branch of a finding's pull request: the key that finds it again (one per finding id).
 * Finding ids hold `:`, which git refuses in ref names; the readable part is sanitised and a hash of
 * the whole id keeps two ids that sanitise alike apart.
 */
export function branchFor(findingId: string): string {
  const readable = findingId
    .replaceAll(/[^A-Za-z0-9._-]+/g, '-')
    .replaceAll(/\.{2,}|^[.-]+|[.-]+$/g, '')
    .slice(0, 80);
  const hash = createHash('sha256').update(findingId).digest('hex').slice(0, 10);
  return `${BRANCH_PREFIX}${readable}-${hash}`;
}

/**
 * Pull requests on GitHub through Octokit. An upsert resets the finding's branch to the base branch's
 * head, commits the accept edit applied to the baseline as it is there, and opens the pull request or
 * updates the one already open from that branch; a close comments on and closes the open one. Every
 * step is idempotent, so an entry delivered twice, or retried after a failure midway, converges.
 */
export class GitHubPullRequestProvider implements ChangeRequestProvider {
  readonly destination: string;
  private readonly owner: string;
  private readonly repo: string;
  private readonly now: () => Date;
  private client: { readonly auth: string; readonly octokit: Octokit } | undefined;

  constructor(private readonly options: GitHubProviderOptions) {
    const [owner, repo, ...rest] = options.repository.split('/');
    if (owner === undefined || owner === '' || repo === undefined || repo === '' || rest.length > 0) {
      throw new TypeError(`the pull-request repository must be owner/name, got "${options.repository}"`);
    }
    this.owner = owner;
    this.repo = repo;
    this.destination = `github:${options.repository}`;
    this.now = options.now ?? (() => new Date());
  }

  /** The client of the token the credentials give now: a new one when they refreshed it. */
  private async octokit(): Promise<Octokit> {
    const auth = await this.options.credentials.token();
    if (this.client?.auth !== auth) {
      // No retry or throttling plugin: a rate-limited call fails at once and the next run retries it.
      const octokit = new Octokit({
        auth,
        ...(this.options.baseUrl === undefined ? {} : { baseUrl: this.options.baseUrl }),
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      this.client = { auth, octokit };
    }
    return this.client.octokit;
  }

  /** Runs one API call, turning its failure into a typed error naming the operation. */
  private async call<T>(operation: string, request: (octokit: Octokit) => Promise<T>): Promise<T> {
    // A credentials failure (secret, App token) is already typed and says what to fix: not wrapped.
    const octokit = await this.octokit();
    try {
      return await request(octokit);
    } catch (error) {
      const failure = gitHubError(operation, this.options.repository, error, this.now, this.options.credentials.permissionHint());
      // Bad credentials: a revoked or rotated token is dropped, and the next run asks afresh.
      if (failure.status === 401) this.options.credentials.refused();
      throw failure;
    }
  }

  private async openPullFrom(branch: string): Promise<{ number: number } | undefined> {
    const { data } = await this.call(`list pull requests from ${branch}`, (o) =>
      o.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${branch}`, state: 'open', per_page: 10 }),
    );
    return data[0];
  }

  /** The text of the file at `path` on `ref`, with its blob sha. */
  private async readFile(path: string, ref: string): Promise<{ text: string; sha: string }> {
    const { data } = await this.call(`read ${path} on ${ref}`, (o) => o.repos.getContent({ owner: this.owner, repo: this.repo, path, ref }));
    return this.fileOf(data, path, ref);
  }

  /** A contents answer as a file's text and blob sha; anything else (a directory, a symlink) is refused. */
  private fileOf(data: ContentsAnswer, path: string, ref: string): { text: string; sha: string } {
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      throw new GitHubChangeRequestError('GITHUB_BASELINE_UNREADABLE', `${path} on ${ref} of ${this.options.repository} is not a file`);
    }
    return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
  }

  /**
   * The baseline on the base branch: the one file `baselinePath` names, or every `*.yaml`/`*.yml` file
   * directly in the directory it names (as the bundle and the CLI read a baseline directory).
   */
  private async readBaseline(): Promise<{ dir: string; files: { name: string; text: string }[] }> {
    const { baselinePath, baseBranch } = this.options;
    const { data } = await this.call(`read ${baselinePath} on ${baseBranch}`, (o) =>
      o.repos.getContent({ owner: this.owner, repo: this.repo, path: baselinePath, ref: baseBranch }),
    );
    if (!Array.isArray(data)) {
      const { text } = this.fileOf(data, baselinePath, baseBranch);
      const slash = baselinePath.lastIndexOf('/');
      return { dir: slash < 0 ? '' : baselinePath.slice(0, slash + 1), files: [{ name: baselinePath.slice(slash + 1), text }] };
    }
    const names = data
      .filter((entry) => entry.type === 'file' && /\.ya?ml$/.test(entry.name))
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const files = [];
    for (const name of names) files.push({ name, text: (await this.readFile(`${baselinePath}/${name}`, baseBranch)).text });
    return { dir: `${baselinePath}/`, files };
  }

  /** The baseline file the edit changes, as a repository path with its new text; undefined when the edit changes nothing. */
  private async editedBaseline(request: UpsertChangeRequest): Promise<{ path: string; text: string } | undefined> {
    const { baselinePath, baseBranch } = this.options;
    const { dir, files } = await this.readBaseline();
    const parsed = parseBaseline(files);
    if (!parsed.ok) {
      throw new GitHubChangeRequestError(
        'GITHUB_BASELINE_UNREADABLE',
        `${baselinePath} on ${baseBranch} of ${this.options.repository} is not a valid baseline (${parsed.issues.length} issue(s), first: ${parsed.issues[0]?.message ?? 'unknown'}); cannot propose ${request.findingId}`,
      );
    }
    // A file the edit names that the repository's baseline does not have: let the edit choose (it declares the setting).
    const { file, ...edit } = request.edit;
    const known = file !== undefined && files.some((candidate) => candidate.name === file);
    const edited = applyBaselineEdit(files, parsed.baseline, known ? { ...edit, file } : edit);
    const before = files.find((candidate) => candidate.name === edited.name)?.text;
    return edited.text === before ? undefined : { path: `${dir}${edited.name}`, text: edited.text };
  }

  async upsert(request: UpsertChangeRequest): Promise<ChangeRequestResult> {
    const { baseBranch } = this.options;
    const branch = branchFor(request.findingId);
    const existing = await this.openPullFrom(branch);
    const edited = await this.editedBaseline(request);
    if (edited === undefined) return { kind: 'skipped', findingId: request.findingId, reason: `${baseBranch} already holds the edit` };

    // The branch starts again from the base head each time: one commit, the edit as of today's baseline.
    const base = await this.call(`read ${baseBranch}`, (o) => o.git.getRef({ owner: this.owner, repo: this.repo, ref: `heads/${baseBranch}` }));
    const sha = base.data.object.sha;
    try {
      await this.call(`create ${branch}`, (o) => o.git.createRef({ owner: this.owner, repo: this.repo, ref: `refs/heads/${branch}`, sha }));
    } catch (error) {
      // 422: the branch exists (an earlier run's, or this entry's first delivery); move it to the base head.
      if (!(error instanceof GitHubChangeRequestError && error.status === 422)) throw error;
      await this.call(`reset ${branch}`, (o) => o.git.updateRef({ owner: this.owner, repo: this.repo, ref: `heads/${branch}`, sha, force: true }));
    }
    const current = await this.readFile(edited.path, branch);
    await this.call(`commit ${edited.path} on ${branch}`, (o) =>
      o.repos.createOrUpdateFileContents({
        owner: this.owner,
        repo: this.repo,
        path: edited.path,
        branch,
        message: request.commitMessage,
        content: Buffer.from(edited.text, 'utf8').toString('base64'),
        sha: current.sha,
      }),
    );

    let number: number;
    if (existing === undefined) {
      const created = await this.call(`open a pull request from ${branch}`, (o) =>
        o.pulls.create({ owner: this.owner, repo: this.repo, head: branch, base: baseBranch, title: request.title, body: request.body }),
      );
      number = created.data.number;
    } else {
      number = existing.number;
      await this.call(`update pull request #${number}`, (o) =>
        o.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, title: request.title, body: request.body }),
      );
    }
    await this.call(`label pull request #${number}`, (o) =>
      o.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: number, labels: [...request.labels] }),
    );
    return { kind: existing === undefined ? 'opened' : 'updated', findingId: request.findingId, number };
  }

  async close(request: CloseChangeRequest): Promise<ChangeRequestResult> {
    const branch = branchFor(request.findingId);
    const existing = await this.openPullFrom(branch);
    if (existing === undefined) return { kind: 'skipped', findingId: request.findingId, reason: `no open pull request from ${branch}` };
    const { number } = existing;
    await this.call(`comment on pull request #${number}`, (o) =>
      o.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: number, body: request.comment }),
    );
    await this.call(`close pull request #${number}`, (o) => o.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, state: 'closed' }));
    return { kind: 'closed', findingId: request.findingId, number };
  }
}
