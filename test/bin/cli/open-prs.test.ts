import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchFor } from '../../../lambdas/sinks/pull-requests/github-provider.js';
import { runCli } from '../../support/run-cli.js';
import { startGitHubServer, type GitHubStandin } from '../../support/github-server.js';

const NOW = ['--now', '2026-11-23T12:00:00Z'];
const TOKEN = 'ghp_cli-stand-in-token';
/** The demo baseline, committed under config/ of the config repository. */
const DEMO_FILES = Object.fromEntries(
  readdirSync('config')
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => [`config/${name}`, readFileSync(path.join('config', name), 'utf8')]),
);
/** The demo estate's drift made outside the pipeline that the baseline can accept. */
const OUT_OF_BAND = [
  'changed:production-us:api:API_TIMEOUT',
  'changed:production-us:api:DB_TIMEOUT',
  'changed:production-us:api:PAYMENT_MAX_RETRIES',
  'changed:production-us:api:PAYMENT_TIMEOUT',
  'exception-expired:production-us:api:LOG_LEVEL',
  'parity:production-eu:api:DATABASE_POOL_SIZE',
  'parity:production-eu:api:DATABASE_TIMEOUT',
  'parity:production-eu:api:k8s:resources.requests.memory',
];

describe('CLI: scan --open-prs', () => {
  let github: GitHubStandin;

  beforeAll(async () => {
    github = await startGitHubServer({ repository: 'acme/estate-config', baseBranch: 'main', files: DEMO_FILES, token: TOKEN });
  });

  afterAll(async () => {
    await github.close();
  });

  function scanWithPrs(extra: readonly string[] = [], env: NodeJS.ProcessEnv = { GITHUB_TOKEN: TOKEN }) {
    return runCli(
      [
        'scan',
        'config',
        '--json',
        ...NOW,
        '--open-prs',
        '--pr-repo',
        'acme/estate-config',
        '--pr-baseline-path',
        'config',
        '--github-api-url',
        github.url,
        ...extra,
      ],
      { env },
    );
  }

  it('opens one pull request per out-of-band drift, editing the baseline file that declares the setting', async () => {
    // Act
    const { code, stderr } = await scanWithPrs();

    // Assess: the scan's verdict is unchanged (drift: 1); one pull request per finding, from its branch.
    expect(code).toBe(1);
    expect(github.pulls.map((pull) => pull.head).sort()).toEqual(OUT_OF_BAND.map(branchFor).sort());
    expect(stderr).toContain(`pull request #1 opened for `);
    const branch = branchFor('changed:production-us:api:API_TIMEOUT');
    expect(github.file(branch, 'config/settings.yaml')).not.toBe(DEMO_FILES['config/settings.yaml']);
    expect(github.file(branch, 'config/environments.yaml')).toBe(DEMO_FILES['config/environments.yaml']);
  });

  it('updates the same pull requests on a second scan instead of opening new ones', async () => {
    // Act
    const { code, stderr } = await scanWithPrs();

    // Assess
    expect(code).toBe(1);
    expect(github.pulls).toHaveLength(OUT_OF_BAND.length);
    expect(stderr.match(/ updated for /g)).toHaveLength(OUT_OF_BAND.length);
  });

  it('reports a rate limit on stderr and keeps the verdict of the scan', async () => {
    // Prepare
    github.rateLimitNext(1, '429');

    // Act
    const { code, stderr } = await scanWithPrs();

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/could not open the pull request for .*: GitHub rate-limited .* \(HTTP 429\) until 2026-11-23T12:01:00\.000Z/);
    expect(stderr).not.toContain(TOKEN);
  });

  it('asks for a token when neither GITHUB_TOKEN nor --github-token-file is given, before scanning', async () => {
    // Prepare
    const calls = github.calls.length;

    // Act
    const { code, stdout, stderr } = await scanWithPrs([], {});

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--open-prs needs a GitHub token: set GITHUB_TOKEN or pass --github-token-file FILE/);
    expect(github.calls.length).toBe(calls);
  });
});
